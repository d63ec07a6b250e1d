import type { Tensor } from '../tf.js';

/** One batch. `x` is [n, h, w, c] float32 in [0, 1] (before any model's normalisation). */
export interface Batch {
  x: Tensor;
  /** int32 [n] class labels, for supervised training and evaluation. */
  y?: Tensor;
}

/**
 * Training data. The batch for step s (1-based) must depend only on the source's seed and s, so
 * that a run resumed at step k sees exactly the batches k+1, k+2, ... it would have seen.
 * The caller owns (and disposes) every yielded tensor.
 */
export interface BatchSource {
  readonly description: string;
  readonly labeled: boolean;
  /** [h, w, c] of `x`. */
  readonly inputShape: [number, number, number];
  batches(fromStep: number, batchSize: number): AsyncIterator<Batch>;
  dispose(): void;
}

/**
 * Anything that maps a batch in [0, 1] to logits; it applies its own preprocessing. Teachers that
 * run outside tfjs (ONNX Runtime) answer asynchronously through `logitsAsync`; use
 * `teacherLogits` to call either kind.
 */
export interface Teacher {
  readonly description: string;
  readonly numClasses: number;
  logits(x: Tensor): Tensor;
  /** When present, the way to run this teacher (`logits` then throws). The result is the caller's. */
  logitsAsync?(x: Tensor): Promise<Tensor>;
  dispose(): void;
}

/** A finite labelled set for evaluation, streamed in batches (never held whole in memory). */
export interface LabeledDataset {
  readonly description: string;
  readonly size: number;
  readonly numClasses: number;
  readonly classNames?: readonly string[];
  batches(batchSize: number): AsyncIterable<Batch & { y: Tensor }>;
}

export type Metrics = Record<string, number>;
