/**
 * The `image_patches` data source: a single-image patch dataset (generated on first use and cached
 * under `cacheDir`, keyed by source sha256, recipe, seed and count) served as augmented batches.
 * Batch k draws from epoch floor((k-1)B/N)'s permutation, so a run visits every patch once per
 * epoch and a resumed run sees exactly the batches it would have seen.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { AugpriorError, Rng, createProgress, fitPicture, tf, type BatchSource, type DataRoot, RNG_STREAMS, EpochSampler, hasManifest, resolveDataPath, imageTiles, SelectionSchema, WeightedSampler, scorePool, selectionWeights, describeSelection, writeFileAtomic, type TeacherScores } from '@augprior/core';
import { generatePatches } from '../patches/generate.js';
import { PatchRecipeSchema } from '../patches/recipe.js';
import { readPatches } from '../patches/shards.js';
import { deadLeavesSource, loadSourceImage, noiseSource, type LoadedSource } from '../patches/sources.js';
import { augmentBatch, BatchAugmentSchema } from './batch-augment.js';
import { augmentImagenetBatch, ImagenetAugmentSchema } from './imagenet-augment.js';

/** Longer side of the source's thumbnail in a run's contact sheet. */
const SOURCE_PICTURE_SIDE = 512;

export const ImagePatchesArgs = z.strictObject({
  /** A file under the data root (or ./path), or a procedural source: "noise" / "dead_leaves". */
  source: z.string().min(1),
  /** Size of procedural sources. */
  proceduralSize: z.tuple([z.number().int().positive(), z.number().int().positive()]).default([600, 225]),
  count: z.number().int().positive().default(50_000),
  /** Seed of the patch dataset (fixed: the dataset is data, not a training choice). */
  datasetSeed: z.number().int().min(0).default(0),
  recipe: PatchRecipeSchema.default(PatchRecipeSchema.parse({})),
  /** The CIFAR recipe (flip, pad-crop, CutMix) or {"pipeline": "imagenet"} for 224-px training. */
  augment: z.union([ImagenetAugmentSchema, BatchAugmentSchema]).default(BatchAugmentSchema.parse({})),
  /** 'epochs': every patch once per epoch (a fresh permutation each); 'replacement': each batch drawn independently, as the PyTorch port does. */
  sampling: z.enum(['epochs', 'replacement']).default('epochs'),
  /**
   * Teacher-aware selection (no labels): the teacher scores every patch once, un-augmented, and
   * batches are drawn with replacement in proportion to the rule's weights (needs
   * sampling=replacement: a weighted draw has no epochs).
   */
  selection: SelectionSchema.default({ kind: 'none' }),
  /** Default: <runs>/patches (the context's runsDir, i.e. $AUGPRIOR_RUNS or runs/). */
  cacheDir: z.string().optional(),
  workers: z.number().int().min(0).default(0),
});
export type ImagePatchesOptions = z.infer<typeof ImagePatchesArgs>;

export async function resolveSource(source: string, size: [number, number], seed: number, dataRoot: DataRoot, cwd: string): Promise<LoadedSource> {
  if (source === 'noise') return noiseSource(size[0], size[1], seed);
  if (source === 'dead_leaves') return deadLeavesSource(size[0], size[1], seed);
  const path = resolveDataPath(source, { dataRoot, cwd }, 'the source image');
  return loadSourceImage(path);
}

export async function openPatchDataset(options: ImagePatchesOptions, context: { dataRoot: DataRoot; cwd: string; runsDir?: string }): Promise<{ dir: string; pixels: Uint8Array; size: number; count: number; description: string; source: LoadedSource }> {
  const source = await resolveSource(options.source, options.proceduralSize, options.datasetSeed, context.dataRoot, context.cwd);
  const key = createHash('sha256').update(JSON.stringify({ source: source.sha256, recipe: options.recipe, seed: options.datasetSeed, count: options.count })).digest('hex').slice(0, 12);
  const name = options.source.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const dir = resolve(context.cwd, options.cacheDir ?? join(context.runsDir ?? 'runs', 'patches'), `${name}-${key}`);
  if (!hasManifest(dir)) {
    const progress = createProgress({ label: `patches ${name}`, unit: 'patch' });
    try {
      await generatePatches({ source, recipe: options.recipe, count: options.count, seed: options.datasetSeed, out: dir, workers: options.workers, progress });
    } finally {
      progress.stop();
    }
  }
  const { manifest, pixels } = readPatches(dir);
  if (manifest.source.sha256 !== source.sha256) throw new AugpriorError('data.corrupt', `${dir} was generated from another source (sha256 ${manifest.source.sha256})`);
  return { dir, pixels, size: manifest.size, count: manifest.count, description: `${manifest.count} ${manifest.size}px patches of ${source.description} (${dir})`, source };
}

/** Patches scored by a teacher: cached beside the patch dataset, one file per teacher. */
function readScores(file: string): TeacherScores | undefined {
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { numClasses: number; argmax: number[]; entropy: number[]; confidence?: number[] };
  // Scores written before confidence was recorded are scored again.
  if (!saved.confidence) return undefined;
  return { numClasses: saved.numClasses, argmax: Int32Array.from(saved.argmax), entropy: Float32Array.from(saved.entropy), confidence: Float32Array.from(saved.confidence) };
}

/** Evaluation batch size of the one scoring pass over the pool. */
const SCORE_BATCH = 500;

export async function imagePatchesSource(options: ImagePatchesOptions, context: { dataRoot: DataRoot; cwd: string; seed: number; runsDir?: string }): Promise<BatchSource> {
  if (options.selection.kind !== 'none' && options.sampling !== 'replacement') {
    throw new AugpriorError('config.invalid', `data.selection ${options.selection.kind} draws patches by weight, which needs data.sampling "replacement" (it is "${options.sampling}")`, 'add --set data.sampling=replacement (or set "sampling": "replacement" in the data section)');
  }
  const data = await openPatchDataset(options, context);
  const S = data.size;
  const augment = options.augment;
  const outSize = 'pipeline' in augment ? augment.size : S;
  const sampler = new EpochSampler(context.seed, RNG_STREAMS.imageEpoch, data.count);
  let weighted: WeightedSampler | undefined;
  const patchBatch = (start: number, count: number) => {
    const floats = new Float32Array(count * S * S * 3);
    const bytes = data.pixels.subarray(start * S * S * 3, (start + count) * S * S * 3);
    for (let i = 0; i < floats.length; i++) floats[i] = bytes[i]! / 255;
    return tf.tensor4d(floats, [count, S, S, 3]);
  };
  return {
    description: data.description,
    labeled: false,
    inputShape: [outSize, outSize, 3],
    drawInputs: imageTiles,
    async *batches(fromStep, batchSize) {
      const indices = new Int32Array(batchSize);
      for (let step = fromStep; ; step++) {
        if (options.sampling === 'epochs') sampler.batch(step, batchSize, indices);
        else {
          if (options.selection.kind !== 'none' && !weighted) throw new AugpriorError('train.no-teacher', `data.selection ${options.selection.kind} scores patches with the teacher, and this run has none`, 'remove data.selection, or train in distill mode with a teacher');
          const draw = Rng.derive(context.seed, RNG_STREAMS.withReplacement, step);
          for (let i = 0; i < batchSize; i++) indices[i] = weighted ? weighted.draw(draw) : draw.int(data.count);
        }
        const out = new Float32Array(batchSize * outSize * outSize * 3);
        const rng = Rng.derive(context.seed, RNG_STREAMS.imageAugment, step);
        if ('pipeline' in augment) augmentImagenetBatch(data.pixels, S, indices, augment, rng, out);
        else augmentBatch(data.pixels, S, indices, augment, rng, out);
        yield { x: tf.tensor4d(out, [batchSize, outSize, outSize, 3]) };
      }
    },
    ...(options.selection.kind === 'none'
      ? {}
      : {
          async useTeacher(teacher, { cacheKey, classNames }) {
            const file = join(data.dir, `teacher-scores-${createHash('sha256').update(cacheKey).digest('hex').slice(0, 12)}.json`);
            let scores = readScores(file);
            const lines: string[] = [];
            if (!scores) {
              const progress = createProgress({ label: 'teacher scores', unit: 'patch' });
              const started = performance.now();
              try {
                scores = await scorePool(teacher, data.count, SCORE_BATCH, patchBatch, (done) =>
                  progress.update({ fraction: done / data.count, rate: done / Math.max((performance.now() - started) / 1000, 1e-9), status: `${done}/${data.count} patches` }));
              } finally {
                progress.stop();
              }
              writeFileAtomic(file, JSON.stringify({ numClasses: scores.numClasses, argmax: Array.from(scores.argmax), entropy: Array.from(scores.entropy), confidence: Array.from(scores.confidence) }));
              lines.push(`[augprior] scored ${data.count} patches with the teacher: ${file}`);
            } else lines.push(`[augprior] teacher scores of the patches: ${file} (cached)`);
            const weights = selectionWeights(scores, options.selection);
            weighted = new WeightedSampler(weights);
            lines.push(`[augprior] selection ${JSON.stringify(options.selection)}: ${describeSelection(scores, weights, classNames)}`);
            return lines;
          },
        } satisfies Pick<BatchSource, 'useTeacher'>),
    sourcePicture: async () => fitPicture(data.source.data, data.source.width, data.source.height, SOURCE_PICTURE_SIDE, `the source: ${options.source} (${data.source.width}x${data.source.height})`),
    dispose() {},
  };
}
