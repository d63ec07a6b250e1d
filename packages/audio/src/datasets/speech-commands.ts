/**
 * Speech Commands (Warden 2018), v0.01 and v0.02: `<word>/<speaker>_nohash_<k>.wav` folders with the
 * official `validation_list.txt` / `testing_list.txt` (a clip in neither is training data).
 *
 * Protocols:
 * - `12`: the ten keywords, `_unknown_` for every other word, `_silence_` made from 1-s crops of
 *   `_background_noise_` (the MLPerf Tiny / TF tutorial task). Class order is configurable because a
 *   teacher fixes it: `mlperf` (down, go, left, no, off, on, right, stop, up, yes, silence, unknown)
 *   or `tf` (silence, unknown, yes, no, up, down, left, right, on, off, stop, go).
 * - `10`: the ten keywords only, in the same class order without `_silence_` / `_unknown_` (other
 *   words are left out): the task of a keyword teacher restricted to its keyword outputs.
 * - `all`: every word folder found, alphabetically (30 words in v0.01, 35 in v0.02).
 * Clips shorter than the clip length are zero-padded at the end, as the reference pipelines do.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { AugpriorError, Rng, tf, type LabeledDataset, RNG_STREAMS, spectrogramTiles } from '@augprior/core';
import { loadAudioFile } from '../wav/index.js';

export const KEYWORDS = ['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'] as const;
export const SILENCE = '_silence_';
export const UNKNOWN = '_unknown_';

const CLASS_ORDERS = {
  mlperf: ['down', 'go', 'left', 'no', 'off', 'on', 'right', 'stop', 'up', 'yes', SILENCE, UNKNOWN],
  tf: [SILENCE, UNKNOWN, ...KEYWORDS],
} as const;

export const SpeechCommandsArgs = z.strictObject({
  /** The dataset folder (word folders + the two list files), under the data root. */
  path: z.string().min(1),
  split: z.enum(['train', 'validation', 'test', 'all']).default('all'),
  // `--set dataset.protocol=10` arrives as the number 10.
  protocol: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.enum(['12', '10', 'all'])).default('12'),
  classOrder: z.enum(['mlperf', 'tf']).default('mlperf'),
  sampleRate: z.number().int().positive().default(16000),
  clipSeconds: z.number().positive().default(1),
  /** Resample clips recorded at another rate (otherwise such a clip is an error). */
  resample: z.boolean().default(true),
  /** `_silence_` clips for protocol 12: how many, cut from which folder (default: <path>/_background_noise_, else its sibling). */
  silence: z.strictObject({ count: z.number().int().min(0).optional(), fraction: z.number().min(0).default(0.1), from: z.string().optional(), seed: z.number().int().min(0).default(0) }).default({ fraction: 0.1, seed: 0 }),
  limit: z.number().int().positive().optional(),
});
export type SpeechCommandsOptions = z.infer<typeof SpeechCommandsArgs>;

export interface SpeechCommandsItem {
  /** `word/file.wav` relative to the dataset folder, or `_silence_/<noise file>@<offset>`. */
  id: string;
  label: number;
  /** The file to read; for silence, the background-noise file and the sample offset of the crop. */
  file: string;
  offset?: number;
}

export interface SpeechCommandsIndex {
  root: string;
  classNames: string[];
  items: SpeechCommandsItem[];
  /** Per-class counts, to print and to check the protocol produced every class. */
  counts: Record<string, number>;
}

function readList(root: string, name: string): Set<string> {
  const file = join(root, name);
  if (!existsSync(file)) {
    throw new AugpriorError('speech-commands.no-list', `${file} is missing: Speech Commands splits come from the official ${name}`, 'use the dataset folder as published (it contains validation_list.txt and testing_list.txt), or split "all"');
  }
  return new Set(readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean));
}

function splitOf(path: string, validation: Set<string>, testing: Set<string>): 'train' | 'validation' | 'test' {
  return testing.has(path) ? 'test' : validation.has(path) ? 'validation' : 'train';
}

function wordFolders(root: string): string[] {
  return readdirSync(root)
    .filter((name) => !name.startsWith('_') && !name.startsWith('.') && statSync(join(root, name)).isDirectory())
    .sort();
}

function backgroundFolder(root: string, from: string | undefined): string {
  const candidates = from ? [from] : [join(root, '_background_noise_'), join(root, '..', '_background_noise_')];
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new AugpriorError('speech-commands.no-background', `no _background_noise_ folder for the _silence_ class (looked in ${candidates.join(', ')})`, 'set silence.from to the folder of background-noise wavs, or silence.count to 0');
  }
  return found;
}

/** Lists the clips of a split with their labels (no audio is read). */
export async function indexSpeechCommands(options: SpeechCommandsOptions & { root: string }): Promise<SpeechCommandsIndex> {
  const { root } = options;
  if (!existsSync(root)) throw new AugpriorError('speech-commands.missing', `Speech Commands folder ${root} does not exist`, 'point data.path / eval.path at the folder holding the word folders');
  const words = wordFolders(root);
  if (words.length === 0) throw new AugpriorError('speech-commands.empty', `${root} has no word folders`, 'expected <word>/*.wav folders as in the published archive');
  const [validation, testing] = options.split === 'all' ? [new Set<string>(), new Set<string>()] : [readList(root, 'validation_list.txt'), readList(root, 'testing_list.txt')];
  const isKeyword = (word: string) => (KEYWORDS as readonly string[]).includes(word);
  const classNames: string[] = options.protocol === 'all' ? words : CLASS_ORDERS[options.classOrder].filter((name) => options.protocol === '12' || isKeyword(name));
  const classIndex = new Map(classNames.map((name, i) => [name, i]));
  const items: SpeechCommandsItem[] = [];
  for (const word of words) {
    if (options.protocol === '10' && !isKeyword(word)) continue;
    const label = options.protocol === '12' ? classIndex.get(isKeyword(word) ? word : UNKNOWN)! : classIndex.get(word)!;
    for (const name of readdirSync(join(root, word)).filter((f) => f.toLowerCase().endsWith('.wav')).sort()) {
      const id = `${word}/${name}`;
      if (options.split !== 'all' && splitOf(id, validation, testing) !== options.split) continue;
      items.push({ id, label, file: join(root, word, name) });
    }
  }
  if (options.protocol === '12') {
    const count = options.silence.count ?? Math.round(items.length * options.silence.fraction);
    if (count > 0) items.push(...(await silenceItems(backgroundFolder(root, options.silence.from), count, options, classIndex.get(SILENCE)!)));
  }
  // An evenly spaced subset keeps every class represented (the items are grouped by word).
  const limited = options.limit && options.limit < items.length ? Array.from({ length: options.limit }, (_, i) => items[Math.floor((i * items.length) / options.limit!)]!) : items;
  const counts: Record<string, number> = Object.fromEntries(classNames.map((name) => [name, 0]));
  for (const item of limited) counts[classNames[item.label]!]! += 1;
  return { root, classNames, items: limited, counts };
}

/** `count` 1-s crops spread over the background-noise files at seeded offsets. */
async function silenceItems(folder: string, count: number, options: SpeechCommandsOptions, label: number): Promise<SpeechCommandsItem[]> {
  const files = readdirSync(folder).filter((f) => f.toLowerCase().endsWith('.wav')).sort();
  if (files.length === 0) throw new AugpriorError('speech-commands.no-background', `${folder} has no .wav files for the _silence_ class`);
  const clip = Math.round(options.clipSeconds * options.sampleRate);
  const lengths = await Promise.all(files.map(async (f) => (await loadAudioFile(join(folder, f), { sampleRate: options.sampleRate, resample: options.resample })).samples.length));
  const rng = Rng.derive(options.silence.seed, RNG_STREAMS.silence);
  const items: SpeechCommandsItem[] = [];
  for (let k = 0; k < count; k++) {
    const which = k % files.length;
    const offset = rng.int(Math.max(1, lengths[which]! - clip + 1));
    items.push({ id: `${SILENCE}/${files[which]}@${offset}`, label, file: join(folder, files[which]!), offset });
  }
  return items;
}

/** Reads one item as exactly `clip` samples (zero-padded, or cut at the crop offset). */
export async function readClip(item: SpeechCommandsItem, clip: number, sampleRate: number, resample: boolean, cache?: Map<string, Float32Array>): Promise<Float32Array> {
  let samples = cache?.get(item.file);
  if (!samples) {
    samples = (await loadAudioFile(item.file, { sampleRate, resample })).samples;
    if (item.offset !== undefined) cache?.set(item.file, samples);
  }
  const out = new Float32Array(clip);
  const start = item.offset ?? 0;
  out.set(samples.subarray(start, Math.min(samples.length, start + clip)));
  return out;
}

/** A labelled Speech Commands split streamed as waveform batches [n, 1, samples, 1]. */
export async function speechCommandsSet(options: SpeechCommandsOptions & { root: string }): Promise<LabeledDataset & { index: SpeechCommandsIndex }> {
  const index = await indexSpeechCommands(options);
  if (index.items.length === 0) throw new AugpriorError('speech-commands.empty-split', `${options.root} has no clips in split "${options.split}"`);
  const clip = Math.round(options.clipSeconds * options.sampleRate);
  const backgroundCache = new Map<string, Float32Array>();
  return {
    description: `Speech Commands ${options.protocol === 'all' ? `${index.classNames.length}-word` : `${options.protocol}-class`} ${options.split} (${index.items.length} clips from ${relative(process.cwd(), options.root) || options.root})`,
    size: index.items.length,
    numClasses: index.classNames.length,
    drawInputs: spectrogramTiles,
    classNames: index.classNames,
    index,
    async *batches(batchSize) {
      for (let start = 0; start < index.items.length; start += batchSize) {
        const chunk = index.items.slice(start, start + batchSize);
        const data = new Float32Array(chunk.length * clip);
        for (let i = 0; i < chunk.length; i++) data.set(await readClip(chunk[i]!, clip, options.sampleRate, options.resample, backgroundCache), i * clip);
        yield { x: tf.tensor4d(data, [chunk.length, 1, clip, 1]), y: tf.tensor1d(chunk.map((c) => c.label), 'int32') };
      }
    },
  };
}
