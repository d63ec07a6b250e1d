/**
 * The single-recording clip recipe: clip i is a random crop of the recording (length set by the
 * speed factor), resampled to the clip length, optionally pitch-shifted, time-shifted, filtered,
 * gain-changed and mixed with synthetic noise, then peak-limited; or, with the recipe's silence
 * probability, low-level synthetic noise instead. Clip i depends only on (seed, i).
 */
import { z } from 'zod';
import { Rng, RNG_STREAMS } from '@augprior/core';
import type { LengthResampler } from './length-resampler.js';
import { addNoiseAtSnr, applyGain, biquad, isolatePiece, limitPeak, rmsOf, syntheticNoise, timeShift, timeStretch, WaveformAugmentSchema } from './waveform-augment.js';

export const ClipRecipeSchema = z.strictObject({
  sampleRate: z.number().int().positive().default(16000),
  clipSeconds: z.number().positive().default(1),
  augment: WaveformAugmentSchema.default(WaveformAugmentSchema.parse({})),
});
export type ClipRecipe = z.infer<typeof ClipRecipeSchema>;

export function clipLength(recipe: ClipRecipe): number {
  return Math.round(recipe.clipSeconds * recipe.sampleRate);
}

/** What was drawn for one clip (kept for statistics tests and the dataset report). */
export interface ClipDraw {
  start: number;
  speed: number;
  semitones: number;
  shift: number;
  gainDb: number;
  noise: { color: 'white' | 'pink'; snrDb: number } | null;
  filter: { type: 'lowpass' | 'highpass' | 'bandpass'; cutoffHz: number } | null;
  /** The isolated piece: where it came from in the clip, its length and where it was put (samples). */
  isolate: { from: number; length: number; to: number } | null;
  /** The noise floor added under the speech, where drawn. */
  floor?: { color: 'white' | 'pink'; rmsDb: number };
  /** Set when the clip is synthesised silence instead of speech (every speech field is then neutral). */
  silence?: { color: 'white' | 'pink'; rmsDb: number };
}

/** Adds the recipe's absolute-level noise floor to `x` (own stream), returning what was drawn. */
function drawFloor(x: Float32Array, recipe: ClipRecipe, seed: number, index: number): ClipDraw['floor'] {
  const a = recipe.augment.floor;
  if (a.p === 0) return undefined;
  const rng = Rng.derive(seed, RNG_STREAMS.clipFloor, index);
  if (!rng.bernoulli(a.p)) return undefined;
  const color = a.colors[rng.int(a.colors.length)]!;
  const rmsDb = rng.range(a.rmsDb[0], a.rmsDb[1]);
  const noise = syntheticNoise(x.length, color, rng);
  const scale = 10 ** (rmsDb / 20) / Math.max(rmsOf(noise), 1e-12);
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + noise[i]! * scale;
  return { color, rmsDb };
}

/** A synthesised-silence clip from its own stream, or null when this index draws speech. */
function silenceClip(recipe: ClipRecipe, seed: number, index: number): { clip: Float32Array; draw: ClipDraw } | null {
  const a = recipe.augment.silence;
  if (a.p === 0) return null;
  const rng = Rng.derive(seed, RNG_STREAMS.silenceClip, index);
  if (!rng.bernoulli(a.p)) return null;
  const n = clipLength(recipe);
  const color = a.colors[rng.int(a.colors.length)]!;
  const rmsDb = rng.range(a.rmsDb[0], a.rmsDb[1]);
  let x = syntheticNoise(n, color, rng);
  let filter: ClipDraw['filter'] = null;
  if (rng.bernoulli(a.filterP)) {
    const f = recipe.augment.filter;
    const type = f.types[rng.int(f.types.length)]!;
    const cutoffHz = Math.exp(rng.range(Math.log(f.cutoffHz[0]), Math.log(f.cutoffHz[1])));
    x = biquad(x, type, cutoffHz, recipe.sampleRate);
    filter = { type, cutoffHz };
  }
  const scale = 10 ** (rmsDb / 20) / Math.max(rmsOf(x), 1e-12);
  for (let i = 0; i < n; i++) x[i] = x[i]! * scale;
  limitPeak(x);
  return { clip: x, draw: { start: 0, speed: 1, semitones: 0, shift: 0, gainDb: 0, noise: null, filter, isolate: null, silence: { color, rmsDb } } };
}

/** Draws the word-length piece from its own stream, so switching it on leaves every other draw as it was. */
function drawIsolation(x: Float32Array, recipe: ClipRecipe, seed: number, index: number): ClipDraw['isolate'] {
  const a = recipe.augment.isolate;
  const rng = Rng.derive(seed, RNG_STREAMS.isolate, index);
  if (!rng.bernoulli(a.p)) return null;
  const n = x.length;
  const length = Math.min(n, Math.round(rng.range(a.seconds[0], a.seconds[1]) * recipe.sampleRate));
  const whole = rmsOf(x);
  let from = 0;
  for (let attempt = 0; attempt < 8; attempt++) {
    from = rng.int(n - length + 1);
    if (rmsOf(x, from, from + length) >= a.minRms * whole) break;
  }
  return { from, length, to: rng.int(n - length + 1) };
}

export function makeClip(recording: Float32Array, recipe: ClipRecipe, seed: number, index: number, resampler: LengthResampler): { clip: Float32Array; draw: ClipDraw } {
  const silence = silenceClip(recipe, seed, index);
  if (silence) return silence;
  const rng = Rng.derive(seed, RNG_STREAMS.clip, index);
  const a = recipe.augment;
  const n = clipLength(recipe);
  const speed = rng.bernoulli(a.speed.p) ? rng.range(a.speed.range[0], a.speed.range[1]) : 1;
  const semitones = rng.bernoulli(a.pitch.p) ? rng.range(a.pitch.semitones[0], a.pitch.semitones[1]) : 0;
  const segment = Math.max(1, Math.round(n * speed));
  const start = recording.length > segment ? rng.int(recording.length - segment + 1) : 0;
  let x: Float32Array = new Float32Array(segment);
  x.set(recording.subarray(start, start + segment));
  if (segment !== n) x = resampler.toLength(x, n);
  if (semitones !== 0) {
    // Stretch by the pitch factor keeping pitch, then resample back: pitch moves, duration stays.
    const factor = 2 ** (semitones / 12);
    x = resampler.toLength(timeStretch(x, Math.round(n * factor)), n);
  }
  const isolate = drawIsolation(x, recipe, seed, index);
  if (isolate) x = isolatePiece(x, isolate.from, isolate.length, isolate.to, Math.round((recipe.augment.isolate.fadeMs * recipe.sampleRate) / 1000));
  const shift = Math.round(rng.range(-a.shiftMs, a.shiftMs) * recipe.sampleRate / 1000);
  if (shift !== 0) x = timeShift(x, shift);
  let filter: ClipDraw['filter'] = null;
  if (rng.bernoulli(a.filter.p)) {
    const type = a.filter.types[rng.int(a.filter.types.length)]!;
    const cutoffHz = Math.exp(rng.range(Math.log(a.filter.cutoffHz[0]), Math.log(a.filter.cutoffHz[1])));
    x = biquad(x, type, cutoffHz, recipe.sampleRate);
    filter = { type, cutoffHz };
  }
  const gainDb = rng.range(a.gainDb[0], a.gainDb[1]);
  applyGain(x, gainDb);
  let noise: ClipDraw['noise'] = null;
  if (rng.bernoulli(a.noise.p)) {
    const color = a.noise.colors[rng.int(a.noise.colors.length)]!;
    const snrDb = rng.range(a.noise.snrDb[0], a.noise.snrDb[1]);
    addNoiseAtSnr(x, syntheticNoise(n, color, rng), snrDb);
    noise = { color, snrDb };
  }
  const floor = drawFloor(x, recipe, seed, index);
  limitPeak(x);
  return { clip: x, draw: { start, speed, semitones, shift, gainDb, noise, filter, isolate, ...(floor ? { floor } : {}) } };
}
