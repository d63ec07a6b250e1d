/**
 * Waveform augmentations for single-recording clips, each a config field so an ablation is a
 * config: gain, time shift, speed perturbation (resampling: tempo and pitch together, as Kaldi's
 * speed perturbation), pitch shift (resampling + WSOLA time-stretch back to the clip length),
 * synthetic noise at a random SNR, and a random biquad filter. All randomness comes from the
 * clip's own Rng, so a clip depends only on (seed, index).
 */
import { z } from 'zod';
import type { Rng } from '@augprior/core';

const range = (low: number, high: number) => z.tuple([z.number(), z.number()]).default([low, high]);

export const WaveformAugmentSchema = z.strictObject({
  /**
   * Isolate one word-length piece: keep a random `seconds`-long piece of the clip (raised-cosine
   * fades of `fadeMs`), placed at a random position in silence. Keyword datasets hold one word per
   * second with silence around it; crops of continuous speech never look like that, and a keyword
   * teacher files almost all of them under `_unknown_`. `minRms` (relative to the clip's RMS) makes
   * it re-draw a piece that fell into a pause, up to 8 tries. An extension of the paper (off by default).
   */
  isolate: z
    .strictObject({ p: z.number().min(0).max(1).default(0), seconds: range(0.25, 0.8), fadeMs: z.number().min(0).default(20), minRms: z.number().min(0).default(0.5) })
    .default({ p: 0, seconds: [0.25, 0.8], fadeMs: 20, minRms: 0.5 }),
  /**
   * Synthesised `_silence_`: with probability p the clip is not speech but low-level synthetic noise
   * (white or pink, half of it through a random biquad) at an RMS level uniform in `rmsDb` (dBFS).
   * Speech Commands' own silence is cut from its background-noise files, which must not enter
   * training; a room's noise floor is what those crops hold. Drawn from its own stream (off by default).
   */
  silence: z
    .strictObject({ p: z.number().min(0).max(1).default(0), rmsDb: range(-70, -42), colors: z.array(z.enum(['white', 'pink'])).min(1).default(['white', 'pink']), filterP: z.number().min(0).max(1).default(0.5) })
    .default({ p: 0, rmsDb: [-70, -42], colors: ['white', 'pink'], filterP: 0.5 }),
  /**
   * A noise floor under speech clips at an absolute level (dBFS RMS, not an SNR), drawn like the
   * synthesised silence, so that level alone never tells silence from speech: real keyword clips
   * carry their room's floor around the word, and without it a student learns "low-level noise =
   * `_silence_`" and files quiet-surrounded words there. Own stream (off by default).
   */
  floor: z
    .strictObject({ p: z.number().min(0).max(1).default(0), rmsDb: range(-70, -42), colors: z.array(z.enum(['white', 'pink'])).min(1).default(['white', 'pink']) })
    .default({ p: 0, rmsDb: [-70, -42], colors: ['white', 'pink'] }),
  /** Gain in dB, uniform in the range. */
  gainDb: range(-6, 6),
  /** Circular-free time shift: up to this many ms either way, zero-filled. */
  shiftMs: z.number().min(0).default(100),
  /** Speed factor range (1 = off) and the probability of applying it. */
  speed: z.strictObject({ p: z.number().min(0).max(1).default(0.5), range: range(0.9, 1.1) }).default({ p: 0.5, range: [0.9, 1.1] }),
  /** Pitch shift in semitones (duration kept). */
  pitch: z.strictObject({ p: z.number().min(0).max(1).default(0.3), semitones: range(-3, 3) }).default({ p: 0.3, semitones: [-3, 3] }),
  /** Added synthetic noise (white or pink) at an SNR in dB. */
  noise: z.strictObject({ p: z.number().min(0).max(1).default(0.5), snrDb: range(5, 30), colors: z.array(z.enum(['white', 'pink'])).min(1).default(['white', 'pink']) }).default({ p: 0.5, snrDb: [5, 30], colors: ['white', 'pink'] }),
  /** A random low-pass / high-pass / band-pass biquad, cut-off log-uniform in Hz. */
  filter: z.strictObject({ p: z.number().min(0).max(1).default(0.3), cutoffHz: range(300, 4000), types: z.array(z.enum(['lowpass', 'highpass', 'bandpass'])).min(1).default(['lowpass', 'highpass', 'bandpass']) }).default({ p: 0.3, cutoffHz: [300, 4000], types: ['lowpass', 'highpass', 'bandpass'] }),
});
export type WaveformAugment = z.infer<typeof WaveformAugmentSchema>;

export function applyGain(x: Float32Array, db: number): void {
  const g = 10 ** (db / 20);
  for (let i = 0; i < x.length; i++) x[i] = x[i]! * g;
}

/** Moves the signal by `samples` (positive: later), filling with zeros. */
export function timeShift(x: Float32Array, samples: number): Float32Array {
  const out = new Float32Array(x.length);
  if (samples >= 0) out.set(x.subarray(0, Math.max(0, x.length - samples)), samples);
  else out.set(x.subarray(-samples));
  return out;
}

/** Unit-variance noise; pink through Paul Kellet's filter (-3 dB/octave within 0.05 dB above 10 Hz). */
export function syntheticNoise(n: number, color: 'white' | 'pink', rng: Rng): Float32Array {
  const white = rng.fillNormal(new Float32Array(n));
  if (color === 'white') return white;
  const out = new Float32Array(n);
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
  for (let i = 0; i < n; i++) {
    const w = white[i]!;
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    out[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
  }
  const scale = 1 / Math.max(rmsOf(out), 1e-12);
  for (let i = 0; i < n; i++) out[i] = out[i]! * scale;
  return out;
}

/** Adds `noise` scaled so that signal power / noise power = snrDb (a silent signal gets none). */
export function addNoiseAtSnr(x: Float32Array, noise: Float32Array, snrDb: number): void {
  const signal = rmsOf(x);
  if (signal === 0) return;
  const scale = signal / (10 ** (snrDb / 20) * Math.max(rmsOf(noise), 1e-12));
  for (let i = 0; i < x.length; i++) x[i] = x[i]! + noise[i]! * scale;
}

/** RBJ audio-EQ-cookbook biquad, direct form I, Q = 1/sqrt(2). */
export function biquad(x: Float32Array, type: 'lowpass' | 'highpass' | 'bandpass', cutoffHz: number, sampleRate: number): Float32Array {
  const w0 = (2 * Math.PI * Math.min(cutoffHz, sampleRate * 0.49)) / sampleRate;
  const alpha = Math.sin(w0) / (2 * Math.SQRT1_2);
  const cos = Math.cos(w0);
  let b0: number, b1: number, b2: number;
  if (type === 'lowpass') [b0, b1, b2] = [(1 - cos) / 2, 1 - cos, (1 - cos) / 2];
  else if (type === 'highpass') [b0, b1, b2] = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2];
  else [b0, b1, b2] = [alpha, 0, -alpha];
  const a0 = 1 + alpha, a1 = -2 * cos, a2 = 1 - alpha;
  const out = new Float32Array(x.length);
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i]!;
    const y0 = (b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0;
    out[i] = y0;
    x2 = x1; x1 = x0; y2 = y1; y1 = y0;
  }
  return out;
}

/**
 * WSOLA time-stretch of `x` to exactly `length` samples, pitch unchanged: Hann-windowed frames at a
 * fixed output hop, each taken from near its nominal input position where it best continues the
 * previous frame (max cross-correlation within +-tolerance), so periodic speech does not phase-smear.
 */
export function timeStretch(x: Float32Array, length: number, frame = 512, tolerance = 128): Float32Array {
  const hop = frame / 2;
  const out = new Float32Array(length + frame);
  const norm = new Float32Array(length + frame);
  const window = new Float32Array(frame);
  for (let i = 0; i < frame; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / frame);
  const rate = x.length / Math.max(1, length);
  const at = (i: number) => (i >= 0 && i < x.length ? x[i]! : 0);
  let previous = 0; // input start of the previous frame
  for (let outStart = 0, k = 0; outStart < length; outStart += hop, k++) {
    const nominal = Math.round(outStart * rate);
    let best = nominal;
    if (k > 0) {
      // The natural continuation of the previous frame is `previous + hop`; pick the candidate
      // around the nominal position whose start looks most like it.
      const target = previous + hop;
      let bestScore = -Infinity;
      for (let d = -tolerance; d <= tolerance; d += 4) {
        const candidate = nominal + d;
        let score = 0;
        for (let i = 0; i < hop; i += 2) score += at(candidate + i) * at(target + i);
        if (score > bestScore) [bestScore, best] = [score, candidate];
      }
    }
    for (let i = 0; i < frame; i++) {
      out[outStart + i] = out[outStart + i]! + at(best + i) * window[i]!;
      norm[outStart + i] = norm[outStart + i]! + window[i]!;
    }
    previous = best;
  }
  const result = new Float32Array(length);
  for (let i = 0; i < length; i++) result[i] = norm[i]! > 1e-3 ? out[i]! / norm[i]! : out[i]!;
  return result;
}

/**
 * `x[from, from + length)` with raised-cosine fades of `fade` samples at both ends, written at
 * `to` into silence of x's length.
 */
export function isolatePiece(x: Float32Array, from: number, length: number, to: number, fade: number): Float32Array {
  const out = new Float32Array(x.length);
  const n = Math.max(0, Math.min(length, x.length - from, x.length - to));
  const f = Math.min(fade, Math.floor(n / 2));
  for (let i = 0; i < n; i++) {
    const edge = Math.min(i, n - 1 - i);
    const gain = edge < f ? 0.5 - 0.5 * Math.cos((Math.PI * (edge + 0.5)) / f) : 1;
    out[to + i] = x[from + i]! * gain;
  }
  return out;
}

export function rmsOf(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, to - from));
}

/** Peak-limits to [-1, 1] by scaling (not clipping), so stored int16 clips never wrap. */
export function limitPeak(x: Float32Array): void {
  let peak = 0;
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]!));
  if (peak <= 0.999) return;
  const g = 0.999 / peak;
  for (let i = 0; i < x.length; i++) x[i] = x[i]! * g;
}
