/**
 * Seeded weight initialisers. Values are drawn in JavaScript from an Rng, not with tfjs random
 * ops, so a seed gives bit-identical initial weights on every backend.
 */
import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../rng.js';

/** He et al. 2015 normal init, std = gain / sqrt(fan); gain sqrt(2) for ReLU nets. */
export function kaimingNormal(rng: Rng, shape: number[], fan: number, gain = Math.SQRT2): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.fillNormal(new Float32Array(size), 0, gain / Math.sqrt(fan)), shape, 'float32');
}

/** PyTorch's default Linear/Conv init: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
export function uniformFanIn(rng: Rng, shape: number[], fanIn: number): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const bound = 1 / Math.sqrt(fanIn);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.range(-bound, bound);
  return tf.tensor(values, shape, 'float32');
}
