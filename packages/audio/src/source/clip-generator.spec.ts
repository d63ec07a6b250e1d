import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipRecipeSchema, makeClip } from './clip-generator.js';
import { generateClips, readClips } from './clip-shards.js';
import { createLengthResampler, type LengthResampler } from './length-resampler.js';
import { addNoiseAtSnr, biquad, syntheticNoise, timeShift, timeStretch } from './waveform-augment.js';
import { Rng } from '@augprior/core';

const SR = 16000;
const recording = Float32Array.from({ length: SR * 5 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / SR) * (1 + 0.5 * Math.sin((2 * Math.PI * 3 * i) / SR)));

/** Dominant frequency by a coarse DFT scan (Hz). */
function dominantHz(x: Float32Array, from = 100, to = 2000, step = 5): number {
  let best = 0;
  let bestPower = -1;
  for (let f = from; f <= to; f += step) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < x.length; i++) {
      re += x[i]! * Math.cos((2 * Math.PI * f * i) / SR);
      im += x[i]! * Math.sin((2 * Math.PI * f * i) / SR);
    }
    if (re * re + im * im > bestPower) [bestPower, best] = [re * re + im * im, f];
  }
  return best;
}
const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);

describe('waveform augmentations', () => {
  let resampler: LengthResampler;
  beforeAll(async () => {
    resampler = await createLengthResampler();
  });
  afterAll(() => resampler.dispose());

  it('noise lands at the requested SNR; pink noise has more low-frequency power than white', () => {
    const signal = recording.slice(0, SR);
    const noise = syntheticNoise(SR, 'white', Rng.derive(1));
    const mixed = signal.slice();
    addNoiseAtSnr(mixed, noise, 10);
    const added = mixed.map((v, i) => v - signal[i]!);
    expect(20 * Math.log10(rms(signal) / rms(added))).toBeCloseTo(10, 1);
    const pink = syntheticNoise(SR, 'pink', Rng.derive(2));
    const low = (x: Float32Array) => rms(biquad(x, 'lowpass', 200, SR)) / rms(x);
    expect(low(pink)).toBeGreaterThan(2 * low(noise));
  });

  it('time shift moves the signal and zero-fills; a low-pass filter removes a high tone', () => {
    const x = Float32Array.from([1, 2, 3, 4]);
    expect(Array.from(timeShift(x, 1))).toEqual([0, 1, 2, 3]);
    expect(Array.from(timeShift(x, -2))).toEqual([3, 4, 0, 0]);
    const high = Float32Array.from({ length: SR }, (_, i) => Math.sin((2 * Math.PI * 3000 * i) / SR));
    expect(rms(biquad(high, 'lowpass', 300, SR).subarray(1000))).toBeLessThan(0.02);
  });

  it('WSOLA stretch keeps the pitch; resampling to a length moves it', () => {
    const clip = recording.slice(0, SR);
    const stretched = timeStretch(clip, Math.round(SR * 1.2));
    expect(stretched.length).toBe(Math.round(SR * 1.2));
    expect(Math.abs(dominantHz(stretched) - 440)).toBeLessThanOrEqual(10);
    const faster = resampler.toLength(clip, Math.round(SR / 1.25));
    expect(Math.abs(dominantHz(faster) - 550)).toBeLessThanOrEqual(10);
  });

  it('a clip depends only on (seed, index); pitch shifts show in the spectrum', () => {
    const recipe = ClipRecipeSchema.parse({ augment: { noise: { p: 0 }, filter: { p: 0 }, speed: { p: 0 }, pitch: { p: 1, semitones: [4, 4] }, shiftMs: 0, gainDb: [0, 0] } });
    const a = makeClip(recording, recipe, 3, 17, resampler);
    const b = makeClip(recording, recipe, 3, 17, resampler);
    expect(a.clip).toEqual(b.clip);
    expect(a.draw.semitones).toBe(4);
    expect(Math.abs(dominantHz(a.clip) - 440 * 2 ** (4 / 12))).toBeLessThanOrEqual(12);
    expect(makeClip(recording, recipe, 3, 18, resampler).draw.start).not.toBe(a.draw.start);
  });

  it('draws speed, pitch, noise and filter with the configured probabilities and ranges', () => {
    const recipe = ClipRecipeSchema.parse({});
    const draws = Array.from({ length: 300 }, (_, i) => makeClip(recording, recipe, 0, i, resampler).draw);
    const share = (f: (d: (typeof draws)[number]) => boolean) => draws.filter(f).length / draws.length;
    expect(Math.abs(share((d) => d.speed !== 1) - 0.5)).toBeLessThan(0.1);
    expect(Math.abs(share((d) => d.semitones !== 0) - 0.3)).toBeLessThan(0.1);
    expect(Math.abs(share((d) => d.noise !== null) - 0.5)).toBeLessThan(0.1);
    expect(Math.abs(share((d) => d.filter !== null) - 0.3)).toBeLessThan(0.1);
    expect(draws.every((d) => d.speed >= 0.9 && d.speed <= 1.1 && Math.abs(d.shift) <= 1600 && d.gainDb >= -6 && d.gainDb <= 6)).toBe(true);
    expect(draws.every((d) => !d.noise || (d.noise.snrDb >= 5 && d.noise.snrDb <= 30))).toBe(true);
    expect(draws.every((d) => d.isolate === null)).toBe(true);
  });

  it('isolation keeps one faded word-length piece in silence and leaves every other draw unchanged', () => {
    const base = { noise: { p: 0 }, filter: { p: 0 }, shiftMs: 0, gainDb: [0, 0] as [number, number] };
    const off = ClipRecipeSchema.parse({ augment: base });
    const on = ClipRecipeSchema.parse({ augment: { ...base, isolate: { p: 1, seconds: [0.3, 0.3], fadeMs: 20 } } });
    for (let index = 0; index < 20; index++) {
      const plain = makeClip(recording, off, 2, index, resampler);
      const isolated = makeClip(recording, on, 2, index, resampler);
      const { start, speed, semitones, gainDb } = plain.draw;
      expect(isolated.draw).toMatchObject({ start, speed, semitones, gainDb });
      const { from, length, to } = isolated.draw.isolate!;
      expect(length).toBe(Math.round(0.3 * SR));
      const x = isolated.clip;
      // Silence outside the piece, the source (faded at the edges only) inside it.
      expect(rms(x.subarray(0, to))).toBe(0);
      expect(rms(x.subarray(to + length))).toBe(0);
      const fade = Math.round(0.02 * SR);
      for (const k of [fade, length / 2, length - fade - 1]) expect(x[to + k]).toBeCloseTo(plain.clip[from + k]!, 4);
      expect(Math.abs(x[to]!)).toBeLessThan(Math.abs(plain.clip[from]!) + 1e-6);
      expect(Math.abs(x[to]!)).toBeLessThan(0.01);
    }
  });
});

describe('synthesised silence', () => {
  let resampler: LengthResampler;
  beforeAll(async () => {
    resampler = await createLengthResampler();
  });
  afterAll(() => resampler.dispose());

  it('replaces a share p of the clips by low-level noise at the drawn RMS, deterministic per (seed, index), leaving speech clips as they were', () => {
    const off = ClipRecipeSchema.parse({});
    const on = ClipRecipeSchema.parse({ augment: { silence: { p: 0.3, rmsDb: [-60, -45] } } });
    let silent = 0;
    for (let index = 0; index < 200; index++) {
      const a = makeClip(recording, on, 5, index, resampler);
      if (a.draw.silence) {
        silent += 1;
        const level = 20 * Math.log10(rms(a.clip));
        expect(level).toBeGreaterThanOrEqual(-60.01);
        expect(level).toBeLessThanOrEqual(-44.99);
        expect(level).toBeCloseTo(a.draw.silence.rmsDb, 2);
        expect(Array.from(makeClip(recording, on, 5, index, resampler).clip)).toEqual(Array.from(a.clip));
        expect(Array.from(makeClip(recording, on, 6, index, resampler).clip)).not.toEqual(Array.from(a.clip));
      } else if (index < 40) {
        // The silence draw has its own stream: a speech clip is the same clip as with silence off.
        expect(Array.from(a.clip)).toEqual(Array.from(makeClip(recording, off, 5, index, resampler).clip));
      }
    }
    expect(silent).toBeGreaterThan(40);
    expect(silent).toBeLessThan(80);
    expect(makeClip(recording, off, 5, 0, resampler).draw.silence).toBeUndefined();
  });

  it('adds the noise floor at its absolute level under speech clips only, from its own stream', () => {
    const base = { noise: { p: 0 }, filter: { p: 0 }, shiftMs: 0, gainDb: [0, 0] as [number, number] };
    const off = ClipRecipeSchema.parse({ augment: base });
    const on = ClipRecipeSchema.parse({ augment: { ...base, floor: { p: 1, rmsDb: [-50, -50] } } });
    for (let index = 0; index < 10; index++) {
      const plain = makeClip(recording, off, 3, index, resampler);
      const floored = makeClip(recording, on, 3, index, resampler);
      expect(floored.draw).toMatchObject({ start: plain.draw.start, speed: plain.draw.speed, floor: { rmsDb: -50 } });
      const added = floored.clip.map((v, i) => v - plain.clip[i]!);
      expect(20 * Math.log10(rms(added))).toBeCloseTo(-50, 0);
    }
  });
});

describe('clip shards', () => {
  it('round-trip byte-identically and detect truncation', async () => {
    const out = mkdtempSync(join(tmpdir(), 'augprior-clips-'));
    const recipe = ClipRecipeSchema.parse({ clipSeconds: 0.25 });
    const source = { description: 'test tone', samples: recording, sampleRate: SR, sha256: 'x' };
    const manifest = await generateClips({ recording: source, recipe, count: 1203, seed: 5, out });
    expect(manifest.shards.map((s) => s.count)).toEqual([1000, 203]);
    const { samples } = readClips(out, { verify: true });
    expect(samples.length).toBe(1203 * 4000);
    const again = mkdtempSync(join(tmpdir(), 'augprior-clips-'));
    await generateClips({ recording: source, recipe, count: 1203, seed: 5, out: again });
    expect(Buffer.from(readClips(again).samples.buffer).equals(Buffer.from(samples.buffer))).toBe(true);
    writeFileSync(join(out, manifest.shards[1]!.file), new Uint8Array(100));
    expect(() => readClips(out)).toThrow(/truncated/);
  });
});
