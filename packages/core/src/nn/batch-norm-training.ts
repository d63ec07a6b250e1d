/**
 * Batch norm with batch statistics and a hand-derived gradient (Ioffe & Szegedy 2015, eq. in
 * section 3). tfjs would otherwise differentiate moments() + batchNorm() op by op: about 20
 * full-size passes per layer per step, where this needs 7. A backend that registers the two
 * kernels below (the native torch engine does, with ATen's fused native_batch_norm) runs each
 * direction as one fused kernel instead.
 */
import { tf, type Tensor } from '../tf.js';

/** Kernel contract shared with @augprior/engine-torch: inputs {x, scale, offset} -> [y, mean, invStd]. */
export const BATCH_NORM_TRAINING_KERNEL = 'AugpriorBatchNormTraining';
/** Inputs {dy, x, scale, mean, invStd} -> [dx, dscale, doffset]. */
export const BATCH_NORM_TRAINING_GRAD_KERNEL = 'AugpriorBatchNormTrainingGrad';

export interface BatchStatistics {
  /** Per-channel batch mean [c]; owned by the caller. */
  mean: Tensor;
  /** Per-channel biased batch variance [c]; owned by the caller. */
  variance: Tensor;
}

function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/**
 * y = (x - mean) / sqrt(var + eps) * scale + offset over every axis but the last. Returns y and,
 * through `stats`, the batch statistics (for running averages), which the caller disposes.
 */
export function batchNormTraining(x: Tensor, scale: Tensor, offset: Tensor, eps: number, stats: (s: BatchStatistics) => void): Tensor {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const fused = hasKernel(BATCH_NORM_TRAINING_KERNEL) && hasKernel(BATCH_NORM_TRAINING_GRAD_KERNEL);
  const op = tf.customGrad((xIn, scaleIn, offsetIn, save) => {
    const [xs, g, b] = [xIn as Tensor, scaleIn as Tensor, offsetIn as Tensor];
    const saveTensors = save as (tensors: Tensor[]) => void;
    if (fused) {
      const [y, mean, invStd] = tf.engine().runKernel(BATCH_NORM_TRAINING_KERNEL, { x: xs, scale: g, offset: b }, { varianceEpsilon: eps }) as Tensor[];
      stats({ mean: tf.keep(mean!.clone()), variance: tf.keep(tf.sub(tf.reciprocal(tf.square(invStd!)), eps)) });
      saveTensors([xs, g, mean!, invStd!]);
      return {
        value: y!,
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const [sx, sg, sMean, sInv] = saved as [Tensor, Tensor, Tensor, Tensor];
          return tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD_KERNEL, { dy, x: sx, scale: sg, mean: sMean, invStd: sInv }, { varianceEpsilon: eps }) as Tensor[];
        },
      };
    }
    const { mean, variance } = tf.moments(xs, axes);
    stats({ mean: tf.keep(mean.clone()), variance: tf.keep(variance.clone()) });
    const invStd = tf.rsqrt(tf.add(variance, eps));
    const normalized = tf.mul(tf.sub(xs, mean), invStd);
    saveTensors([normalized, invStd, g]);
    return {
      value: tf.add(tf.mul(normalized, g), b),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xhat, inv, gamma] = saved as [Tensor, Tensor, Tensor];
        const n = dy.size / (dy.shape[dy.shape.length - 1] ?? 1);
        const dOffset = tf.sum(dy, axes);
        const dScale = tf.sum(tf.mul(dy, xhat), axes);
        // dx = scale * invStd / n * (n * dy - sum(dy) - xhat * sum(dy * xhat))
        const inner = tf.sub(tf.sub(tf.mul(dy, n), dOffset), tf.mul(xhat, dScale));
        return [tf.mul(inner, tf.div(tf.mul(gamma, inv), n)), dScale, dOffset];
      },
    };
  });
  return op(x, scale, offset) as Tensor;
}
