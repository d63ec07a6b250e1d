/**
 * `eval_set`: any registered evaluation set served as training data, reshuffled every epoch.
 * Two uses: the in-domain reference the single-source numbers are compared against (distil or
 * train on real data of the target domain), and pipeline checks (a student that cannot even fit
 * the teacher on a few hundred real clips points at the pipeline, not at the source). The set is
 * read once into memory, so it is for small sets; `maxSamples` guards against an accident.
 */
import { z } from 'zod';
import { AugpriorError } from '../errors.js';
import { RNG_STREAMS } from '../rng-streams.js';
import { EpochSampler } from './epoch-sampler.js';
import { tf } from '../tf.js';
import type { BatchSource, LabeledDataset } from '../trainer/types.js';

export const EvalSetSourceArgs = z.strictObject({
  /** Any `eval` section (`{kind, ...}`). */
  set: z.looseObject({ kind: z.string().min(1) }),
  /** Refuse sets larger than this (everything is held in memory). */
  maxSamples: z.number().int().positive().default(20000),
});
export type EvalSetSourceOptions = z.infer<typeof EvalSetSourceArgs>;

export async function evalSetSource(dataset: LabeledDataset, options: { maxSamples: number }, seed: number): Promise<BatchSource> {
  if (dataset.size > options.maxSamples) {
    throw new AugpriorError('data.too-large', `${dataset.description} has ${dataset.size} samples, more than maxSamples ${options.maxSamples} that eval_set holds in memory`, 'raise data.maxSamples if the memory is there');
  }
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  let shape: number[] | undefined;
  for await (const batch of dataset.batches(64)) {
    if (batch.views !== undefined && batch.views !== 1) throw new AugpriorError('data.multi-view', `${dataset.description} is multi-view (${batch.views} views per sample); eval_set serves single-view sets only`);
    const n = batch.x.shape[0]!;
    shape ??= batch.x.shape.slice(1);
    const x = batch.x.dataSync() as Float32Array;
    const y = batch.y.dataSync();
    const size = x.length / n;
    for (let i = 0; i < n; i++) {
      rows.push(x.slice(i * size, (i + 1) * size));
      labels.push(y[i]!);
    }
    tf.dispose([batch.x, batch.y]);
  }
  if (!shape || rows.length === 0) throw new AugpriorError('data.empty', `${dataset.description} yielded no samples`);
  const rowSize = rows[0]!.length;
  const count = rows.length;
  const inputShape = shape as BatchSource['inputShape'];
  return {
    description: `${dataset.description} as training data (${count} samples, reshuffled per epoch)`,
    labeled: true,
    inputShape,
    ...(dataset.drawInputs ? { drawInputs: dataset.drawInputs } : {}),
    async *batches(fromStep, batchSize) {
      const sampler = new EpochSampler(seed, RNG_STREAMS.clipEpoch, count);
      for (let step = fromStep; ; step++) {
        const x = new Float32Array(batchSize * rowSize);
        const y = new Int32Array(batchSize);
        const picks = sampler.batch(step, batchSize);
        for (let i = 0; i < batchSize; i++) {
          const row = picks[i]!;
          x.set(rows[row]!, i * rowSize);
          y[i] = labels[row]!;
        }
        yield { x: tf.tensor(x, [batchSize, ...inputShape]), y: tf.tensor1d(y, 'int32') };
      }
    },
    dispose() {
      rows.length = 0;
    },
  };
}
