/**
 * A teacher behind its own feature front end, so it takes the same raw batches as the student:
 * the KWS DS-CNN hears the MLPerf TF MFCC it was trained on while the student hears meyda log-mel
 * of the same waveform; a batch's spectrogram plan reaches the features of both.
 */
import { mapPredictor, type Teacher } from './predictor.js';
import type { FeatureExtractor } from '../trainer/types.js';

export function withFeatureFrontEnd(inner: Teacher, features: FeatureExtractor): Teacher {
  return {
    ...mapPredictor(inner, inner.numClasses, { before: (x, plan) => features.apply(x, plan) }),
    description: `${inner.description} on ${features.description}`,
    ...(inner.classNames ? { classNames: inner.classNames } : {}),
    dispose: () => inner.dispose(),
  };
}
