/**
 * The `fake_videos` training source: fake clips of ONE image (generated once into the cache, keyed
 * by source hash + recipe + seed + count), served as [n, frames, size, size, 3] in [0, 1] with the
 * training augmentations: `frames` uniformly subsampled from the stored ones, a strong per-frame
 * colour augmentation (independent jitter and grayscale per frame, the role AugMix plays in the
 * paper), horizontal flip per clip, and CutMix over the chosen axes (height x width by default).
 * Batch s depends only on (seed, s).
 */
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { PAPER_JITTER, colorJitter, createProgress, Rng, tf, type BatchSource, type DataRoot, RNG_STREAMS, hasManifest, resolveDataPath, clipTiles } from '@augprior/core';
import { generateFakeVideos, loadSource, readFakeVideos } from '../fake-video/fake-clips.js';
import { FakeVideoRecipeSchema } from '../fake-video/recipe.js';
import { sourceMediaPicture } from '../fake-video/source-picture.js';
import { uniformIndices } from '../sampling/clip-sampling.js';
import { applyClipCutmix, clipCutmixBox } from './video-cutmix.js';

export const FakeVideosArgs = z.strictObject({
  /** The one source, under the data root (or ./path): an image (fake videos) or a video file (clips of one real video). */
  source: z.string().min(1),
  count: z.number().int().positive().default(2000),
  datasetSeed: z.number().int().min(0).default(0),
  recipe: FakeVideoRecipeSchema.default(FakeVideoRecipeSchema.parse({})),
  /** Frames per training clip, uniformly subsampled from the stored `recipe.frames`. */
  frames: z.number().int().positive().default(8),
  augment: z
    .strictObject({
      flip: z.boolean().default(true),
      /** Probability of an independent colour jitter (0.4, 0.4, 0.4, 0.1) on each frame. */
      frameJitter: z.number().min(0).max(1).default(0.5),
      frameGrayscale: z.number().min(0).max(1).default(0.1),
      cutmix: z.strictObject({ p: z.number().min(0).max(1).default(1), alpha: z.number().positive().default(1), axes: z.enum(['hw', 'th', 'tw']).default('hw') }).default({ p: 1, alpha: 1, axes: 'hw' }),
    })
    .default({ flip: true, frameJitter: 0.5, frameGrayscale: 0.1, cutmix: { p: 1, alpha: 1, axes: 'hw' } }),
  /** Default: <runs>/fake-videos (the context's runsDir, i.e. $AUGPRIOR_RUNS or runs/). */
  cacheDir: z.string().optional(),
});
export type FakeVideosOptions = z.infer<typeof FakeVideosArgs>;

export async function fakeVideosSource(options: FakeVideosOptions, context: { dataRoot: DataRoot; cwd: string; seed: number; runsDir?: string }): Promise<BatchSource> {
  const file = resolveDataPath(options.source, context, 'the source image or video');
  const image = await loadSource(file);
  const key = createHash('sha256').update(JSON.stringify({ source: image.sha256, recipe: options.recipe, seed: options.datasetSeed, count: options.count })).digest('hex').slice(0, 12);
  const dir = resolve(context.cwd, options.cacheDir ?? join(context.runsDir ?? 'runs', 'fake-videos'), `${options.source.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '')}-${key}`);
  if (!hasManifest(dir)) {
    const progress = createProgress({ label: 'fake videos', unit: 'clip' });
    try {
      await generateFakeVideos({ source: image, recipe: options.recipe, count: options.count, seed: options.datasetSeed, out: dir, progress });
    } finally {
      progress.stop();
    }
  }
  const { manifest, clips } = readFakeVideos(dir);
  const { frames: stored, size: S } = manifest.recipe;
  const T = Math.min(options.frames, stored);
  const frameBytes = S * S * 3;
  const storedBytes = stored * frameBytes;
  const take = uniformIndices(0, stored, T, stored);
  const a = options.augment;
  return {
    description: `${manifest.count} ${'frames' in image ? '' : 'fake '}${stored}-frame ${S}px clips of ${image.description} (${dir})`,
    labeled: false,
    inputShape: [T, S, S, 3],
    drawInputs: clipTiles,
    async *batches(fromStep, batchSize) {
      const frame = new Uint8Array(frameBytes);
      for (let step = fromStep; ; step++) {
        const rng = Rng.derive(context.seed, RNG_STREAMS.videoAugment, step);
        const x = new Float32Array(batchSize * T * frameBytes);
        for (let i = 0; i < batchSize; i++) {
          const clip = rng.int(manifest.count);
          const flip = a.flip && rng.bernoulli(0.5);
          for (let t = 0; t < T; t++) {
            frame.set(clips.subarray(clip * storedBytes + take[t]! * frameBytes, clip * storedBytes + (take[t]! + 1) * frameBytes));
            if (rng.bernoulli(a.frameJitter)) colorJitter(frame, PAPER_JITTER, rng);
            const gray = rng.bernoulli(a.frameGrayscale);
            const base = (i * T + t) * frameBytes;
            for (let y = 0; y < S; y++) {
              for (let px = 0; px < S; px++) {
                const src = (y * S + (flip ? S - 1 - px : px)) * 3;
                const dst = base + (y * S + px) * 3;
                if (gray) {
                  const l = (frame[src]! * 299 + frame[src + 1]! * 587 + frame[src + 2]! * 114) / 255000;
                  x[dst] = x[dst + 1] = x[dst + 2] = l;
                } else {
                  x[dst] = frame[src]! / 255;
                  x[dst + 1] = frame[src + 1]! / 255;
                  x[dst + 2] = frame[src + 2]! / 255;
                }
              }
            }
          }
        }
        if (a.cutmix.p > 0 && rng.bernoulli(a.cutmix.p)) {
          const box = clipCutmixBox(rng, [T, S, S], rng.beta(a.cutmix.alpha, a.cutmix.alpha), a.cutmix.axes);
          applyClipCutmix(x, [batchSize, T, S, S, 3], box, Array.from({ length: batchSize }, (_, i) => batchSize - 1 - i));
        }
        yield { x: tf.tensor5d(x, [batchSize, T, S, S, 3]) };
      }
    },
    sourcePicture: async () => sourceMediaPicture(image, options.source),
    dispose() {},
  };
}
