/**
 * The `audio_clips` training source: clips of ONE recording (generated once into the cache, keyed
 * by source hash + recipe + seed + count), served as waveform batches [n, 1, samples, 1] with a
 * SpecAugment/mix plan per batch. Batch s depends only on (seed, s), so resumed runs see the
 * batches they would have seen.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { AugpriorError, createProgress, Rng, tf, type BatchSource, type DataRoot } from '@augprior/core';
import { ClipRecipeSchema } from '../source/clip-generator.js';
import { generateClips, readClips } from '../source/clip-shards.js';
import { loadRecording } from '../source/recording.js';
import { drawSpecPlan, SpecAugmentSchema } from './spec-plan.js';

export const AudioClipsArgs = z.strictObject({
  /** Wav files joined into the one recording (data-root paths), or ["noise:white"] / ["noise:pink"]. */
  sources: z.array(z.string().min(1)).min(1),
  count: z.number().int().positive().default(10000),
  datasetSeed: z.number().int().min(0).default(0),
  recipe: ClipRecipeSchema.default(ClipRecipeSchema.parse({})),
  /** Duration of a procedural noise recording (the LJ Speech source is ~229 s). */
  noiseSeconds: z.number().positive().default(229),
  specAugment: SpecAugmentSchema.default(SpecAugmentSchema.parse({})),
  cacheDir: z.string().default('runs/clips'),
});
export type AudioClipsOptions = z.infer<typeof AudioClipsArgs>;

export async function openClipDataset(options: AudioClipsOptions, context: { dataRoot: DataRoot; cwd: string }): Promise<{ dir: string; samples: Int16Array; clipLength: number; count: number; description: string }> {
  const recording = await loadRecording(options.sources, { sampleRate: options.recipe.sampleRate, noiseSeconds: options.noiseSeconds, seed: options.datasetSeed, dataRoot: context.dataRoot, cwd: context.cwd });
  const key = createHash('sha256').update(JSON.stringify({ source: recording.sha256, recipe: options.recipe, seed: options.datasetSeed, count: options.count })).digest('hex').slice(0, 12);
  const name = options.sources[0]!.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(-40);
  const dir = resolve(context.cwd, options.cacheDir, `${name}-${key}`);
  if (!existsSync(join(dir, 'manifest.json'))) {
    const progress = createProgress({ label: `clips ${name}`, unit: 'clip' });
    try {
      await generateClips({ recording, recipe: options.recipe, count: options.count, seed: options.datasetSeed, out: dir, progress });
    } finally {
      progress.stop();
    }
  }
  const { manifest, samples } = readClips(dir);
  if (manifest.source.sha256 !== recording.sha256) throw new AugpriorError('data.corrupt', `${dir} was generated from another recording (sha256 ${manifest.source.sha256})`);
  return { dir, samples, clipLength: manifest.clipLength, count: manifest.count, description: `${manifest.count} ${options.recipe.clipSeconds}-s clips of ${recording.description} (${dir})` };
}

export async function audioClipsSource(options: AudioClipsOptions, context: { dataRoot: DataRoot; cwd: string; seed: number }): Promise<BatchSource> {
  const data = await openClipDataset(options, context);
  const L = data.clipLength;
  let cachedEpoch = -1;
  let order: Int32Array = new Int32Array(0);
  const epochOrder = (epoch: number) => {
    if (epoch !== cachedEpoch) {
      order = Rng.derive(context.seed, 0x65706f, epoch).permutation(data.count); // 'epo'
      cachedEpoch = epoch;
    }
    return order;
  };
  return {
    description: data.description,
    labeled: false,
    inputShape: [1, L, 1],
    async *batches(fromStep, batchSize) {
      for (let step = fromStep; ; step++) {
        const x = new Float32Array(batchSize * L);
        for (let i = 0; i < batchSize; i++) {
          const position = (step - 1) * batchSize + i;
          const clip = epochOrder(Math.floor(position / data.count))[position % data.count]!;
          const base = clip * L;
          for (let k = 0; k < L; k++) x[i * L + k] = data.samples[base + k]! / 32768;
        }
        const plan = drawSpecPlan(options.specAugment, batchSize, options.recipe.clipSeconds, options.recipe.sampleRate / 2, Rng.derive(context.seed, 0x73706563, step)); // 'spec'
        yield { x: tf.tensor4d(x, [batchSize, 1, L, 1]), plan: plan as unknown as Readonly<Record<string, unknown>> };
      }
    },
    dispose() {},
  };
}
