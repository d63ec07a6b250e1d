import type { InputDrawer } from '../imaging/input-tiles.js';
import type { Picture } from '../imaging/picture.js';
import type { Tensor } from '../tf.js';
import type { Predictor } from '../teachers/predictor.js';

/**
 * Augmentation drawn per batch but applied after each model's own feature extraction (SpecAugment
 * masks, spectrogram mixing): teacher and student can compute different features from the same
 * waveform, so the batch carries the decision and each side applies it in its own feature space.
 * Opaque to core; the front end that makes it also interprets it.
 */
export type FeaturePlan = Readonly<Record<string, unknown>>;

/**
 * One batch. `x` is [n, h, w, c] float32: images in [0, 1] (before any model's normalisation),
 * or raw signals (a waveform as [n, 1, samples, 1]) that a feature extractor turns into model input.
 */
export interface Batch {
  x: Tensor;
  /** int32 [n] class labels, for supervised training and evaluation. */
  y?: Tensor;
  plan?: FeaturePlan;
  /**
   * Row identities, set only when row i of `x` is a pure function of `keys[i]` and `plan` is a
   * no-op for the batch (fixed clips, no per-batch augmentation): the trainer then computes the
   * teacher's answer and the student's input features once per key (trainer/row-cache.ts).
   */
  keys?: Int32Array;
  /**
   * Multi-view evaluation (10 clips per video, several crops per image): `x` holds `views`
   * consecutive rows per labelled sample, and predictions are averaged per sample (softmax mean).
   */
  views?: number;
}

/** Turns raw batch input into a model's input (spectrograms, MFCCs); called inside tf.tidy. */
export interface FeatureExtractor {
  readonly description: string;
  /** The [h, w, c] this produces from raw input of shape `inputShape`. */
  outputShape(inputShape: readonly number[]): [number, number, number];
  apply(x: Tensor, plan?: FeaturePlan): Tensor;
}

/**
 * Training data. The batch for step s (1-based) must depend only on the source's seed and s, so
 * that a run resumed at step k sees exactly the batches k+1, k+2, ... it would have seen.
 * The caller owns (and disposes) every yielded tensor.
 */
export interface BatchSource {
  readonly description: string;
  readonly labeled: boolean;
  /** [h, w, c] of `x` (clips: [frames, h, w, c]). */
  readonly inputShape: [number, number, number] | [number, number, number, number];
  batches(fromStep: number, batchSize: number): AsyncIterator<Batch>;
  /** What the data was made from, as a picture (the one image, the recording's spectrogram, frames of the one video), for the run's contact sheet. */
  sourcePicture?(): Promise<Picture>;
  /** How its inputs look to a person, after the run's features (the run's `samples.png`); a source without one gets no sheet. */
  readonly drawInputs?: InputDrawer;
  /**
   * Teacher-aware selection (data.selection): the runner hands the loaded teacher over before
   * training; the source scores its pool once (cached under `cacheKey`) and returns lines for
   * the run log. Present only on sources configured to select.
   */
  useTeacher?(teacher: Predictor, context: { cacheKey: string; classNames?: readonly string[] }): Promise<string[]>;
  dispose(): void;
}

// Teachers (and every other batch -> logits map) follow the one contract in teachers/predictor.ts.
export type { Predictor, Teacher } from '../teachers/predictor.js';

/** A finite labelled set for evaluation, streamed in batches (never held whole in memory). */
export interface LabeledDataset {
  readonly description: string;
  readonly size: number;
  readonly numClasses: number;
  readonly classNames?: readonly string[];
  /** How its inputs look after features, passed on when the set serves as training data (`eval_set`). */
  readonly drawInputs?: InputDrawer;
  /** Set when the inputs are already features: the description of the front end that made them (a model computing the same skips its own). */
  readonly inputFeatures?: string;
  batches(batchSize: number): AsyncIterable<Batch & { y: Tensor }>;
}

export type Metrics = Record<string, number>;
