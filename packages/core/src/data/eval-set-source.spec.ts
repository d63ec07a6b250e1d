import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import type { LabeledDataset } from '../trainer/types.js';
import { evalSetSource } from './eval-set-source.js';

/** Five 1x1x1 "images" whose value is their label, so a batch shows which samples it holds. */
const tiny: LabeledDataset = {
  description: 'five numbers',
  size: 5,
  numClasses: 5,
  async *batches(batchSize) {
    for (let start = 0; start < 5; start += batchSize) {
      const ids = Array.from({ length: Math.min(batchSize, 5 - start) }, (_, i) => start + i);
      yield { x: tf.tensor4d(ids, [ids.length, 1, 1, 1]), y: tf.tensor1d(ids, 'int32') };
    }
  },
};

async function take(source: Awaited<ReturnType<typeof evalSetSource>>, fromStep: number, steps: number, batchSize: number): Promise<number[][]> {
  const out: number[][] = [];
  const it = source.batches(fromStep, batchSize);
  for (let s = 0; s < steps; s++) {
    const batch = (await it.next()).value!;
    const x = Array.from(batch.x.dataSync() as Float32Array);
    expect(Array.from(batch.y!.dataSync())).toEqual(x);
    out.push(x);
    tf.dispose([batch.x, batch.y!]);
  }
  return out;
}

describe('eval_set as training data', () => {
  it('serves every sample once per epoch, labelled, deterministic and resumable by step', async () => {
    const before = tf.memory().numTensors;
    const source = await evalSetSource(tiny, { maxSamples: 100 }, 7);
    expect(source.labeled).toBe(true);
    expect(source.inputShape).toEqual([1, 1, 1]);
    const batches = await take(source, 1, 5, 2); // 10 samples = 2 epochs
    const flat = batches.flat();
    expect([...flat.slice(0, 5)].sort()).toEqual([0, 1, 2, 3, 4]);
    expect([...flat.slice(5)].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(await take(source, 3, 3, 2)).toEqual(batches.slice(2));
    expect(await take(await evalSetSource(tiny, { maxSamples: 100 }, 7), 1, 5, 2)).toEqual(batches);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses sets above maxSamples, naming the set', async () => {
    await expect(evalSetSource(tiny, { maxSamples: 4 }, 0)).rejects.toThrow(/five numbers has 5 samples, more than maxSamples 4/);
  });
});
