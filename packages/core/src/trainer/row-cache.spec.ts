import { beforeAll, describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../tf.js';
import { selectEngine } from '../engine/select-engine.js';
import { RowCache } from './row-cache.js';

beforeAll(async () => {
  await selectEngine({ backend: 'wasm' });
});

// Row i of the pool holds [i, 10 i]; the "model" doubles it and adds 1.
const pool = (keys: number[]) => tf.tensor2d(keys.flatMap((k) => [k, 10 * k]), [keys.length, 2]);
const model = (x: Tensor) => tf.tidy(() => tf.add(tf.mul(x, 2), 1));
const expected = (keys: number[]) => keys.flatMap((k) => [2 * k + 1, 20 * k + 1]);

describe('RowCache', () => {
  it('computes each key once and serves later batches from memory, with the same values', async () => {
    const cache = new RowCache('test');
    const seen: number[] = [];
    const compute = (x: Tensor) => {
      seen.push(x.shape[0]!);
      return model(x);
    };
    const ask = async (keys: number[]) => {
      const x = pool(keys);
      const out = await cache.get(Int32Array.from(keys), x, compute);
      const values = Array.from(await out.data());
      tf.dispose([x, out]);
      return values;
    };
    expect(await ask([0, 1, 2, 3])).toEqual(expected([0, 1, 2, 3]));
    const before = tf.memory().numTensors;
    expect(await ask([3, 2, 1, 0])).toEqual(expected([3, 2, 1, 0]));
    // Two new keys among held ones: only those two rows go through the model.
    expect(await ask([5, 0, 4, 0])).toEqual(expected([5, 0, 4, 0]));
    expect(await ask([4, 5, 1])).toEqual(expected([4, 5, 1]));
    expect(seen).toEqual([4, 2]);
    expect(cache.size).toBe(6);
    expect(cache.misses).toBe(6);
    expect(cache.hits).toBe(4 + 2 + 3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops taking rows at its byte cap and still answers every batch correctly', async () => {
    // Two rows of two floats fit in 16 bytes.
    const cache = new RowCache('capped', 16);
    let calls = 0;
    const compute = (x: Tensor) => {
      calls++;
      return model(x);
    };
    for (const keys of [[0, 1], [0, 1], [2, 3], [0, 2], [1, 0]]) {
      const x = pool(keys);
      const out = await cache.get(Int32Array.from(keys), x, compute);
      expect(Array.from(await out.data())).toEqual(expected(keys));
      tf.dispose([x, out]);
    }
    expect(cache.full).toBe(true);
    expect(cache.size).toBe(2);
    // [0, 1] twice from memory; [2, 3] and [0, 2] computed (past the cap); [1, 0] from memory.
    expect(calls).toBe(3);
  });

  it('names a compute whose answer does not have one row per key', async () => {
    const cache = new RowCache('teacher logits');
    const x = pool([0, 1]);
    await expect(cache.get(Int32Array.from([0, 1]), x, () => tf.zeros([3, 2]))).rejects.toThrow(/teacher logits: the computed answer has shape \[3, 2\]/);
    x.dispose();
  });
});
