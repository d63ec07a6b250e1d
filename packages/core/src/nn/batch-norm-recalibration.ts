/**
 * Batch-norm statistics recomputed from scratch over a fixed set of training inputs (as
 * torch.optim.swa_utils.update_bn does): each running mean and variance becomes the plain average
 * of K batches' statistics, not the momentum-0.1 trace of the last few dozen training batches.
 * The trace follows a weight trajectory and a patch stream that both move; for a weight average
 * (whose weights no batch ever saw) it describes other weights entirely.
 */
import { tf, type Tensor } from '../tf.js';
import { BatchNorm2d } from './layers.js';
import type { Module } from './module.js';

/**
 * Overwrites every BatchNorm2d's running statistics in `model` with their average over `inputs`
 * (each a student-ready batch, freed by the caller). Returns how many layers were recalibrated.
 */
export async function recalibrateBatchNorm(model: Module, inputs: AsyncIterable<Tensor> | Iterable<Tensor>): Promise<number> {
  const layers = model.modules().filter((m): m is BatchNorm2d => m instanceof BatchNorm2d);
  if (layers.length === 0) return 0;
  let k = 0;
  try {
    for await (const x of inputs) {
      k += 1;
      // Momentum 1/k turns the running update into the cumulative mean of the k batches so far.
      for (const layer of layers) layer.setMomentum(1 / k);
      tf.tidy(() => {
        model.forward(x, { training: true });
      });
    }
  } finally {
    for (const layer of layers) layer.setMomentum(undefined);
  }
  return k === 0 ? 0 : layers.length;
}
