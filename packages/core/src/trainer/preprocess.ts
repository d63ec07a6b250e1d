import { tf, type Tensor } from '../tf.js';
import type { FeatureExtractor, FeaturePlan } from './types.js';

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
