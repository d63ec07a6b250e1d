import { AugpriorError } from '../errors.js';
import { tf, type Tensor } from '../tf.js';
import type { FeatureExtractor, FeaturePlan, LabeledDataset } from './types.js';

export interface Normalization {
  mean: readonly number[];
  std: readonly number[];
}

/** (x - mean) / std per channel on [n, h, w, c] input in [0, 1]; identity when not given. */
export function normalizeInput(x: Tensor, normalization: Normalization | undefined): Tensor {
  if (!normalization) return tf.clone(x);
  return tf.tidy(() => tf.div(tf.sub(x, tf.tensor1d(normalization.mean as number[])), tf.tensor1d(normalization.std as number[])));
}

/** A student's input: its feature extractor (when it has one), then its normalisation. */
export function studentInput(x: Tensor, normalization: Normalization | undefined, features?: FeatureExtractor, plan?: FeaturePlan): Tensor {
  if (!features) return normalizeInput(x, normalization);
  return tf.tidy(() => normalizeInput(features.apply(x, plan), normalization));
}

/**
 * The front end a model applies to an evaluation set. A set whose inputs are already features
 * (`inputFeatures`: the MLPerf int8 MFCC set) skips a model front end that computes exactly those
 * features, and a front end computing other features cannot read them: that is an error, not a
 * silent double transform.
 */
export function frontEndFor(features: FeatureExtractor | undefined, evalSet: Pick<LabeledDataset, 'description' | 'inputFeatures'>, model: string): FeatureExtractor | undefined {
  if (!evalSet.inputFeatures || !features) return features;
  if (features.description === evalSet.inputFeatures) return undefined;
  throw new AugpriorError(
    'eval.features-mismatch',
    `${evalSet.description} holds ${evalSet.inputFeatures} features, but ${model} computes ${features.description} from waveforms`,
    'evaluate it on a waveform set (e.g. speech_commands), or train a student whose features are the ones this set holds',
  );
}
