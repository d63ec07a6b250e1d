/**
 * Per-row answers kept across epochs. When a source's batch rows are a pure function of a key
 * (fixed clips, no per-batch augmentation: `Batch.keys`), the teacher's logits and the student's
 * input features of a row are the same every time the row comes back. Computing them once and
 * reading them from memory afterwards leaves the student's forward and backward pass as the step's
 * work: on the audio recipe the teacher's own MFCC and network were half of each step.
 *
 * The cache holds plain Float32Arrays, never tensors, so the tensor count stays flat. It stops
 * taking rows past `maxBytes` and keeps serving the rows it holds.
 */
import { tf, type Tensor } from '../tf.js';

/** Default memory cap of one cache (teacher logits or student inputs). */
export const ROW_CACHE_MAX_BYTES = 1 << 30;

export class RowCache {
  private readonly rows = new Map<number, Float32Array>();
  private rowShape: number[] | undefined;
  private bytes = 0;
  /** Rows served from memory and rows computed, since creation. */
  hits = 0;
  misses = 0;
  full = false;

  constructor(readonly what: string, private readonly maxBytes = ROW_CACHE_MAX_BYTES) {}

  get size(): number {
    return this.rows.size;
  }

  /**
   * The [n, ...] answer for a batch whose row i is keyed `keys[i]` and holds `x[i]`: rows held
   * come from memory, the others from `compute` over just those rows of `x` (and are then kept).
   * The caller owns the returned tensor.
   */
  async get(keys: Int32Array, x: Tensor, compute: (rows: Tensor) => Tensor | Promise<Tensor>): Promise<Tensor> {
    const missing: number[] = [];
    keys.forEach((k, i) => {
      if (!this.rows.has(k)) missing.push(i);
    });
    if (missing.length === 0 && this.rowShape) {
      this.hits += keys.length;
      return this.assemble(keys, new Map());
    }
    // Past the cap, or a batch of new rows only: the answer for the whole batch as computed.
    if (this.full || missing.length === keys.length) {
      const computed = await compute(x);
      this.misses += keys.length;
      if (!this.full) {
        try {
          await this.keep(keys, computed);
        } catch (err) {
          computed.dispose();
          throw err;
        }
      }
      return computed;
    }
    const index = tf.tensor1d(missing, 'int32');
    const subset = tf.gather(x, index);
    index.dispose();
    let fresh: Tensor;
    try {
      fresh = await compute(subset);
    } finally {
      subset.dispose();
    }
    this.misses += missing.length;
    this.hits += keys.length - missing.length;
    const values = (await fresh.data()) as Float32Array;
    const shape = fresh.shape.slice(1);
    fresh.dispose();
    const width = shape.reduce((a, b) => a * b, 1);
    const extra = new Map<number, Float32Array>();
    missing.forEach((row, j) => extra.set(keys[row]!, values.slice(j * width, (j + 1) * width)));
    for (const [k, v] of extra) this.store(k, v);
    return this.assemble(keys, extra);
  }

  private assemble(keys: Int32Array, extra: Map<number, Float32Array>): Tensor {
    const shape = this.rowShape!;
    const width = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(keys.length * width);
    keys.forEach((k, i) => data.set(this.rows.get(k) ?? extra.get(k)!, i * width));
    return tf.tensor(data, [keys.length, ...shape], 'float32');
  }

  private async keep(keys: Int32Array, computed: Tensor): Promise<void> {
    if (computed.dtype !== 'float32' || computed.shape[0] !== keys.length) {
      throw new Error(`${this.what}: the computed answer has shape [${computed.shape.join(', ')}] (${computed.dtype}) for ${keys.length} keyed rows`);
    }
    const shape = computed.shape.slice(1);
    if (this.rowShape && shape.join('x') !== this.rowShape.join('x')) {
      throw new Error(`${this.what}: rows of shape [${shape.join(', ')}] after rows of shape [${this.rowShape.join(', ')}]`);
    }
    this.rowShape = shape;
    const width = shape.reduce((a, b) => a * b, 1);
    const values = (await computed.data()) as Float32Array;
    keys.forEach((k, i) => this.store(k, values.slice(i * width, (i + 1) * width)));
  }

  private store(key: number, row: Float32Array): void {
    if (this.full || this.rows.has(key)) return;
    if (this.bytes + row.length * 4 > this.maxBytes) {
      this.full = true;
      return;
    }
    this.rows.set(key, row);
    this.bytes += row.length * 4;
  }
}
