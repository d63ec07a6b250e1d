/**
 * The `audio_clips` training source: clips of ONE recording (generated once into the cache, keyed
 * by source hash + recipe + seed + count), served as waveform batches [n, 1, samples, 1] with a
 * SpecAugment/mix plan per batch. Batch s depends only on (seed, s), so resumed runs see the
 * batches they would have seen.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { AugpriorError, balancedSubset, createProgress, describeSelection, Rng, scorePool, SelectionSchema, selectionWeights, tf, WeightedSampler, writeFileAtomic, type BatchSource, type DataRoot, type Predictor, type Teacher, type TeacherScores, RNG_STREAMS, EpochSampler, hasManifest, spectrogramTiles } from '@augprior/core';
import { ClipRecipeSchema } from '../source/clip-generator.js';
import { generateClips, readClips } from '../source/clip-shards.js';
import { loadRecording, type Recording } from '../source/recording.js';
import { recordingPicture } from '../source/recording-picture.js';
import { augmentOnline, OnlineAugmentSchema } from './online-augment.js';
import { drawSpecPlan, isIdentityPlan, SpecAugmentSchema } from './spec-plan.js';
import { TeacherBalanceSchema } from './teacher-balance.js';

/** Loads a teacher from an experiment-style section (the registry lives with the caller). */
export type TeacherLoader = (section: { kind: string } & Record<string, unknown>) => Promise<Teacher>;

export const AudioClipsArgs = z.strictObject({
  /** Wav files joined into the one recording (data-root paths), or ["noise:white"] / ["noise:pink"]. */
  sources: z.array(z.string().min(1)).min(1),
  count: z.number().int().positive().default(10000),
  datasetSeed: z.number().int().min(0).default(0),
  recipe: ClipRecipeSchema.default(ClipRecipeSchema.parse({})),
  /** Duration of a procedural noise recording (the LJ Speech source is ~229 s). */
  noiseSeconds: z.number().positive().default(229),
  specAugment: SpecAugmentSchema.default(SpecAugmentSchema.parse({})),
  /** Default: <runs>/clips (the context's runsDir, i.e. $AUGPRIOR_RUNS or runs/). */
  cacheDir: z.string().optional(),
  /** Keep `count` clips of a larger pool so the teacher's predicted classes come out even (extension; off by default). */
  balance: TeacherBalanceSchema.optional(),
  /**
   * Teacher-aware draws over the (kept) clips, core's rule shared with the image patches:
   * class_balance or entropy weights from the experiment's teacher, batches drawn with
   * replacement. 'none': every clip once per epoch.
   */
  selection: SelectionSchema.default({ kind: 'none' }),
  /** Waveform augmentation drawn per batch over the fixed clips, read by teacher and student alike (extension; optional, so older configs keep their fingerprint). */
  online: OnlineAugmentSchema.optional(),
});
export type AudioClipsOptions = z.infer<typeof AudioClipsArgs>;

export async function openClipDataset(options: AudioClipsOptions, context: { dataRoot: DataRoot; cwd: string; runsDir?: string }): Promise<{ dir: string; samples: Int16Array; clipLength: number; count: number; description: string; recording: Recording }> {
  const recording = await loadRecording(options.sources, { sampleRate: options.recipe.sampleRate, noiseSeconds: options.noiseSeconds, seed: options.datasetSeed, dataRoot: context.dataRoot, cwd: context.cwd });
  const generated = options.balance?.pool ?? options.count;
  // Isolation draws from its own stream, so with it off the clips are those made before it existed: keep their key.
  const { isolate, ...augment } = options.recipe.augment;
  const keyedRecipe = isolate.p === 0 ? { ...options.recipe, augment } : options.recipe;
  const key = createHash('sha256').update(JSON.stringify({ source: recording.sha256, recipe: keyedRecipe, seed: options.datasetSeed, count: generated })).digest('hex').slice(0, 12);
  const name = options.sources[0]!.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(-40);
  const dir = resolve(context.cwd, options.cacheDir ?? join(context.runsDir ?? 'runs', 'clips'), `${name}-${key}`);
  if (!hasManifest(dir)) {
    const progress = createProgress({ label: `clips ${name}`, unit: 'clip' });
    try {
      await generateClips({ recording, recipe: options.recipe, count: generated, seed: options.datasetSeed, out: dir, progress });
    } finally {
      progress.stop();
    }
  }
  const { manifest, samples } = readClips(dir);
  if (manifest.source.sha256 !== recording.sha256) throw new AugpriorError('data.corrupt', `${dir} was generated from another recording (sha256 ${manifest.source.sha256})`);
  return { dir, samples, clipLength: manifest.clipLength, count: manifest.count, description: `${manifest.count} ${options.recipe.clipSeconds}-s clips of ${recording.description} (${dir})`, recording };
}

/** Writes clip `clip` of the stored int16 clips into `out` as floats in [-1, 1). */
function fillClip(data: { samples: Int16Array; clipLength: number }, out: Float32Array, clip: number): void {
  const L = data.clipLength;
  const base = clip * L;
  for (let j = 0; j < L; j++) out[j] = data.samples[base + j]! / 32768;
}

/** Evaluation batch size of a scoring pass over the clips. */
const SCORE_BATCH = 256;

/** The teacher's scores of `indices` (clips of `data`), with a progress bar. */
export async function scoreClips(teacher: Predictor, data: { samples: Int16Array; clipLength: number }, indices: Int32Array, batchSize: number, label: string): Promise<TeacherScores> {
  const L = data.clipLength;
  const progress = createProgress({ label, unit: 'clip' });
  const started = performance.now();
  try {
    return await scorePool(
      teacher,
      indices.length,
      batchSize,
      (start, count) => {
        const x = new Float32Array(count * L);
        for (let i = 0; i < count; i++) fillClip(data, x.subarray(i * L, (i + 1) * L), indices[start + i]!);
        return tf.tensor4d(x, [count, 1, L, 1]);
      },
      (done) => progress.update({ fraction: done / indices.length, rate: done / Math.max((performance.now() - started) / 1000, 1e-9), status: `${done}/${indices.length} clips` }),
    );
  } finally {
    progress.stop();
  }
}

/** The pool indices to train on: all clips, or the teacher-balanced subset (cached beside the clips). */
async function selectClips(options: AudioClipsOptions, data: { dir: string; samples: Int16Array; clipLength: number; count: number }, loadTeacher: TeacherLoader | undefined): Promise<{ indices: Int32Array; note: string }> {
  const all = { indices: Int32Array.from({ length: data.count }, (_, i) => i), note: '' };
  if (!options.balance) return all;
  if (options.count >= data.count) return all;
  const teacherKey = createHash('sha256').update(JSON.stringify(options.balance.teacher)).digest('hex').slice(0, 12);
  const cache = join(data.dir, `votes-${teacherKey}.json`);
  let votes: { label: number[]; confidence: number[] };
  if (existsSync(cache)) votes = JSON.parse(readFileSync(cache, 'utf8')) as typeof votes;
  else {
    if (!loadTeacher) throw new AugpriorError('audio.balance', 'data.balance needs a teacher, and no teacher registry was given to the audio_clips source');
    const teacher = await loadTeacher(options.balance.teacher as { kind: string } & Record<string, unknown>);
    try {
      const scores = await scoreClips(teacher, data, all.indices, options.balance.batchSize, 'teacher votes');
      votes = { label: Array.from(scores.argmax), confidence: Array.from(scores.confidence, (c) => Math.round(c * 1e6) / 1e6) };
    } finally {
      teacher.dispose();
    }
    writeFileAtomic(cache, JSON.stringify(votes));
  }
  const label = Int32Array.from(votes.label);
  const indices = balancedSubset({ argmax: label, confidence: Float32Array.from(votes.confidence) }, options.count);
  const counts = new Map<number, number>();
  for (const i of indices) counts.set(label[i]!, (counts.get(label[i]!) ?? 0) + 1);
  const perClass = [...counts.entries()].sort((a, b) => a[0] - b[0]).map(([c, n]) => `${c}:${n}`).join(' ');
  return { indices, note: `, ${indices.length} of ${data.count} kept, teacher-balanced (class:clips ${perClass})` };
}

/** Teacher scores of the kept clips, cached beside them per teacher and subset. */
function readScores(file: string): TeacherScores | undefined {
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { numClasses: number; argmax: number[]; entropy: number[]; confidence: number[] };
  return { numClasses: saved.numClasses, argmax: Int32Array.from(saved.argmax), entropy: Float32Array.from(saved.entropy), confidence: Float32Array.from(saved.confidence) };
}

export async function audioClipsSource(options: AudioClipsOptions, context: { dataRoot: DataRoot; cwd: string; seed: number; runsDir?: string }, loadTeacher?: TeacherLoader): Promise<BatchSource> {
  const pool = await openClipDataset(options, context);
  const selection = await selectClips(options, pool, loadTeacher);
  const onlineNote = options.online ? `, per-batch waveform augmentation ${JSON.stringify(options.online)}` : '';
  const data = { ...pool, count: selection.indices.length, description: `${pool.description}${selection.note}${onlineNote}` };
  const L = data.clipLength;
  if (options.online?.variants !== undefined && pool.count * options.online.variants > 2 ** 31 - 1) {
    throw new AugpriorError('config.invalid', `data.online.variants ${options.online.variants} x ${pool.count} clips is more rows than a row key holds (2^31)`, 'use fewer variants or a smaller pool');
  }
  const sampler = new EpochSampler(context.seed, RNG_STREAMS.clipEpoch, data.count);
  let weighted: WeightedSampler | undefined;
  const readClip = (k: number): Float32Array => {
    const out = new Float32Array(L);
    fillClip(data, out, selection.indices[k]!);
    return out;
  };
  return {
    description: data.description,
    labeled: false,
    inputShape: [1, L, 1],
    drawInputs: spectrogramTiles,
    ...(options.selection.kind === 'none'
      ? {}
      : ({
          async useTeacher(teacher, { cacheKey, classNames }) {
            const subset = createHash('sha256').update(selection.indices).digest('hex').slice(0, 8);
            const file = join(pool.dir, `teacher-scores-${createHash('sha256').update(cacheKey).digest('hex').slice(0, 12)}-${subset}.json`);
            const lines: string[] = [];
            let scores = readScores(file);
            if (!scores) {
              scores = await scoreClips(teacher, pool, selection.indices, SCORE_BATCH, 'teacher scores');
              writeFileAtomic(file, JSON.stringify({ numClasses: scores.numClasses, argmax: Array.from(scores.argmax), entropy: Array.from(scores.entropy), confidence: Array.from(scores.confidence) }));
              lines.push(`[augprior] scored ${data.count} clips with the teacher: ${file}`);
            } else lines.push(`[augprior] teacher scores of the clips: ${file} (cached)`);
            const weights = selectionWeights(scores, options.selection);
            weighted = new WeightedSampler(weights);
            lines.push(`[augprior] selection ${JSON.stringify(options.selection)}: ${describeSelection(scores, weights, classNames)}`);
            return lines;
          },
        } satisfies Pick<BatchSource, 'useTeacher'>)),
    async *batches(fromStep, batchSize) {
      if (options.selection.kind !== 'none' && !weighted) throw new AugpriorError('train.no-teacher', `data.selection ${options.selection.kind} scores clips with the teacher, and this run has none`, 'remove data.selection, or train in distill mode with a teacher');
      for (let step = fromStep; ; step++) {
        const x = new Float32Array(batchSize * L);
        // Weighted draws are with replacement, each batch from its own stream (resume-exact).
        const draw = weighted ? Rng.derive(context.seed, RNG_STREAMS.withReplacement, step) : undefined;
        const online = options.online ? Rng.derive(context.seed, RNG_STREAMS.clipOnline, step) : undefined;
        const variants = options.online?.variants;
        const keys = new Int32Array(batchSize);
        for (let i = 0; i < batchSize; i++) {
          const clip = selection.indices[weighted ? weighted.draw(draw!) : sampler.at((step - 1) * batchSize + i)]!;
          fillClip(data, x.subarray(i * L, (i + 1) * L), clip);
          if (variants !== undefined) {
            // The batch stream picks the variant; the variant's own stream fixes what it does.
            const variant = Math.min(variants - 1, Math.floor(online!.uniform() * variants));
            keys[i] = clip * variants + variant;
            augmentOnline(x.subarray(i * L, (i + 1) * L), options.online!, options.recipe.sampleRate, selection.indices.length, readClip, Rng.derive(context.seed, RNG_STREAMS.clipVariant, clip, variant));
          } else {
            keys[i] = clip;
            if (online) augmentOnline(x.subarray(i * L, (i + 1) * L), options.online!, options.recipe.sampleRate, selection.indices.length, readClip, online);
          }
        }
        const plan = drawSpecPlan(options.specAugment, batchSize, options.recipe.clipSeconds, options.recipe.sampleRate / 2, Rng.derive(context.seed, RNG_STREAMS.specAugment, step));
        // Rows that are a pure function of their key (the stored clip, or one of its fixed variants): the trainer may answer them from memory.
        const fixed = (!online || variants !== undefined) && isIdentityPlan(plan);
        yield { x: tf.tensor4d(x, [batchSize, 1, L, 1]), plan: plan as unknown as Readonly<Record<string, unknown>>, ...(fixed ? { keys } : {}) };
      }
    },
    sourcePicture: async () => recordingPicture(pool.recording, options.sources.join(' + ')),
    dispose() {},
  };
}
