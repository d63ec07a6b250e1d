/**
 * Which sample each training position takes: epochs over `count` samples, each epoch a fresh
 * permutation drawn from (seed, stream, epoch). Position p of step s (1-based) with batch b is
 * (s - 1) * b + i, so the order depends only on the step, never on how a run was resumed.
 */
import { Rng } from '../rng.js';

export class EpochSampler {
  private epoch = -1;
  private order: Int32Array = new Int32Array(0);

  constructor(
    private readonly seed: number,
    private readonly stream: number,
    readonly count: number,
  ) {}

  /** The sample index at a position of the endless stream of epochs. */
  at(position: number): number {
    const epoch = Math.floor(position / this.count);
    if (epoch !== this.epoch) {
      this.order = Rng.derive(this.seed, this.stream, epoch).permutation(this.count);
      this.epoch = epoch;
    }
    return this.order[position % this.count]!;
  }

  /** The sample indices of one training step's batch. */
  batch(step: number, batchSize: number, out: Int32Array = new Int32Array(batchSize)): Int32Array {
    for (let i = 0; i < batchSize; i++) out[i] = this.at((step - 1) * batchSize + i);
    return out;
  }
}
