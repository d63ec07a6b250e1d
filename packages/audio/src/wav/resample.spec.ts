import libsamplerate from '@alexanderolsen/libsamplerate-js';
import { AugpriorError } from '@augprior/core';
import { afterAll, describe, expect, it } from 'vitest';
import { resampleInBlocks } from './blocks.js';
import { releaseResamplers, resampleTo } from './resample.js';
import { sine } from './test-utils/wav-bytes.js';

afterAll(() => releaseResamplers());

/** Frequency from the positive-going zero crossings (linearly interpolated) of the middle 80%. */
function zeroCrossingFrequency(x: Float32Array, sampleRate: number): number {
  const times: number[] = [];
  for (let i = Math.floor(x.length * 0.1); i < Math.floor(x.length * 0.9); i++) {
    const a = x[i - 1]!;
    const b = x[i]!;
    if (a < 0 && b >= 0) times.push(i - 1 + a / (a - b));
  }
  return ((times.length - 1) * sampleRate) / (times.at(-1)! - times[0]!);
}

/** Peak amplitude of a sine from the RMS over `periods` whole periods starting at `from`. */
function amplitude(x: Float32Array, from: number, samplesPerPeriod: number, periods: number): number {
  let sum = 0;
  const n = samplesPerPeriod * periods;
  for (let i = from; i < from + n; i++) sum += x[i]! ** 2;
  return Math.sqrt((2 * sum) / n);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('resampleTo', () => {
  const cases = [
    { from: 48000, to: 16000 },
    { from: 8000, to: 16000 },
    { from: 44100, to: 16000 },
  ];
  for (const { from, to } of cases) {
    it(`${from} Hz -> ${to} Hz keeps a 1 kHz sine's frequency and amplitude; length scales by the ratio`, async () => {
      const input = sine(from, 1000, 1, 0.5);
      const out = await resampleTo(input, from, to);
      expect(Math.abs(out.length - (input.length * to) / from)).toBeLessThanOrEqual(3);
      expect(Math.abs(zeroCrossingFrequency(out, to) - 1000)).toBeLessThan(1); // 0.1%
      // 16 samples per 1 kHz period at 16 kHz; 800 periods from 0.1 s, clear of the edges.
      expect(Math.abs(amplitude(out, to / 10, to / 1000, 800) - 0.5)).toBeLessThan(0.005);
    });
  }

  it('copies when the rates are equal', async () => {
    const input = sine(16000, 440, 0.1);
    const out = await resampleTo(input, 16000, 16000);
    expect(out).not.toBe(input);
    expect(out).toEqual(input);
  });

  it('is deterministic: the same clip gives the same output, also after converting other clips', async () => {
    const clip = sine(48000, 1000, 0.5);
    const first = await resampleTo(clip, 48000, 16000);
    await resampleTo(sine(48000, 3000, 0.7, 0.9), 48000, 16000);
    await resampleTo(sine(22050, 300, 0.3), 22050, 16000);
    const again = await resampleTo(clip, 48000, 16000);
    expect(again).toEqual(first);
    // Concurrent callers share one converter safely (each call is synchronous inside).
    const both = await Promise.all([resampleTo(clip, 48000, 16000), resampleTo(sine(48000, 50, 0.5), 48000, 16000)]);
    expect(both[0]).toEqual(first);
  });

  it('uses the requested converter', async () => {
    const clip = sine(48000, 1000, 0.1);
    const best = await resampleTo(clip, 48000, 16000);
    const linear = await resampleTo(clip, 48000, 16000, { converter: 'linear' });
    expect(linear.length).toBe(best.length);
    expect(maxAbsDiff(linear, best)).toBeGreaterThan(1e-4);
  });

  it('handles inputs too long for one libsamplerate-js call (> 1,008,000 samples), without seams', async () => {
    const from = 48000;
    const input = sine(from, 1000, 25, 0.5); // 1.2 M samples: libsamplerate-js alone returns 1600
    const out = await resampleTo(input, from, 16000);
    expect(Math.abs(out.length - input.length / 3)).toBeLessThanOrEqual(3);
    // Every 1 ms period away from the two ends has the full amplitude, block joins included.
    for (let p = 100; p < out.length / 16 - 100; p++) expect(Math.abs(amplitude(out, p * 16, 16, 1) - 0.5)).toBeLessThan(0.005);
  });

  it('rejects rates libsamplerate cannot take with resample.bad-rate', async () => {
    for (const [from, to] of [[0, 16000], [44100.5, 16000], [384000, 16000], [16000, 50]]) {
      await expect(resampleTo(new Float32Array(10), from!, to!, { source: 'x.wav' })).rejects.toSatisfy(
        (e: unknown) => e instanceof AugpriorError && e.code === 'resample.bad-rate' && e.message.includes('x.wav') && e.message.includes(`${from} Hz`),
      );
    }
  });

  it('rejects an unknown converter name', async () => {
    await expect(resampleTo(new Float32Array(10), 48000, 16000, { converter: 'cubic' as never })).rejects.toMatchObject({ code: 'resample.bad-converter' });
  });
});

describe('resampleInBlocks', () => {
  for (const { from, to } of [
    { from: 48000, to: 16000 },
    { from: 8000, to: 16000 },
    { from: 44100, to: 16000 },
  ]) {
    it(`${from} Hz -> ${to} Hz in small blocks matches one conversion of the whole`, async () => {
      const src = await libsamplerate.create(1, from, to, { converterType: libsamplerate.ConverterType.SRC_SINC_BEST_QUALITY });
      const input = Float32Array.from(sine(from, 1234, 0.8, 0.4), (v, i) => v + 0.3 * Math.sin(i * 0.013) * Math.cos(i * 0.0007));
      const whole = src.simple(input);
      const blocked = resampleInBlocks((b) => src.simple(b), input, from, to, 9000, Math.ceil(256 / Math.min(1, to / from)));
      src.destroy();
      expect(blocked.length).toBe(whole.length);
      expect(maxAbsDiff(blocked, whole)).toBeLessThan(1e-5);
    });
  }
});
