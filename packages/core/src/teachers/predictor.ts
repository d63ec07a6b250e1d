/**
 * The one contract for "maps a batch to logits", shared by the trainer, the evaluation harness
 * and every teacher wrapper. `predict` is asynchronous for everyone (a teacher in ONNX Runtime
 * answers outside tfjs); teachers that run inside tfjs also offer `predictSync`, the same logits
 * as a differentiable tfjs computation (feature visualisation needs gradients to the input).
 */
import { tf, type Tensor } from '../tf.js';
import type { FeaturePlan } from '../trainer/types.js';

export interface Predictor {
  readonly numClasses: number;
  /** Output names in order, where known (checked against an evaluation set's). */
  readonly classNames?: readonly string[];
  /** Logits [n, numClasses] of a batch; the result is the caller's, intermediates the predictor's. */
  predict(x: Tensor, plan?: FeaturePlan): Promise<Tensor>;
  /** The same logits synchronously, inside tfjs (differentiable); absent for teachers outside tfjs. */
  predictSync?(x: Tensor, plan?: FeaturePlan): Tensor;
}

/** A predictor that holds a network: described, maybe with a feature map, and disposable. */
export interface Teacher extends Predictor {
  readonly description: string;
  /** The network's last feature map before pooling [n, h, w, channels] (same input), where it has one. */
  featureMap?(x: Tensor): Tensor;
  dispose(): void;
}

/** A predictor from a synchronous tfjs function (run inside tidy; its intermediates are freed). */
export function syncPredictor<T extends object>(logits: (x: Tensor, plan?: FeaturePlan) => Tensor, rest: T & { numClasses: number }): T & Predictor {
  const predictSync = (x: Tensor, plan?: FeaturePlan) => tf.tidy(() => logits(x, plan));
  return { ...rest, predictSync, predict: async (x: Tensor, plan?: FeaturePlan) => predictSync(x, plan) };
}

/**
 * A predictor built on another one, transforming its input before and/or its logits after; the
 * synchronous path is kept where the inner one has it. `after` owns nothing: its input is freed.
 */
export function mapPredictor(inner: Predictor, numClasses: number, map: { before?: (x: Tensor, plan?: FeaturePlan) => Tensor; after?: (logits: Tensor) => Tensor }): Predictor {
  const before = map.before ?? ((x: Tensor) => x);
  const after = map.after ?? ((y: Tensor) => y);
  return {
    numClasses,
    predict: async (x, plan) => {
      const input = map.before ? tf.tidy(() => before(x, plan)) : x;
      try {
        const logits = await inner.predict(input, map.before ? undefined : plan);
        if (!map.after) return logits;
        try {
          return tf.tidy(() => after(logits));
        } finally {
          logits.dispose();
        }
      } finally {
        if (map.before) input.dispose();
      }
    },
    ...(inner.predictSync ? { predictSync: (x: Tensor, plan?: FeaturePlan) => tf.tidy(() => after(inner.predictSync!(map.before ? before(x, plan) : x, map.before ? undefined : plan))) } : {}),
  };
}
