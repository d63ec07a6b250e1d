/**
 * The teacher's MFCC against tools/audio/tf_mfcc_reference.py (float64 numpy, written apart from
 * this code). Tolerance: 1e-4 absolute on every value (values reach 124 in magnitude, so this is
 * also under 1e-6 relative to the largest).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AugpriorError } from '@augprior/core';
import { describe, expect, it } from 'vitest';
import { createTfMfcc, MLPERF_KWS_MFCC, nextPowerOfTwo } from './tf-mfcc.js';
import { tfMelWeightMatrix } from './tf-mel.js';
import { generatedClip } from './test-utils/generated-clip.js';
import { readPcm16 } from './test-utils/pcm16.js';
import { missing, SHARED_DATA } from './test-utils/shared-data.js';

interface FixtureClip {
  name: string;
  path?: string;
  sha256?: string;
  samples: number;
  peak: number;
  mfcc: number[][];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/tf-mfcc-reference.json', import.meta.url), 'utf8')) as {
  spec: Record<string, number>;
  melWeightColumnSums: number[];
  clips: FixtureClip[];
};
const clip = (name: string): FixtureClip => fixture.clips.find((c) => c.name === name)!;

function maxAbsError(got: Float32Array, want: number[][]): number {
  return want.flat().reduce((worst, w, i) => Math.max(worst, Math.abs(w - got[i]!)), 0);
}

/** c0 of a frame whose every band sits at the floor: DCT-II row 0 = 2 * sum, times rsqrt(2 * 40). */
const SILENT_C0 = (2 * 40 * Math.log(1e-6)) / Math.sqrt(80);

describe('TF MFCC (MLPerf Tiny KWS)', () => {
  const tf = createTfMfcc();

  it('uses the spec the fixture was made with, and gives the teacher its 49x10 input', () => {
    const { normalisation, ...numbers } = MLPERF_KWS_MFCC;
    expect(numbers).toEqual(fixture.spec);
    expect(normalisation).toBe('max');
    expect(nextPowerOfTwo(480)).toBe(512);
    expect([tf.frames, tf.coefficients]).toEqual([49, 10]);
  });

  it("builds TF's mel weight matrix (column sums against numpy)", () => {
    const m = tfMelWeightMatrix({ melBands: 40, spectrogramBins: 257, sampleRate: 16000, lowerHz: 20, upperHz: 4000 });
    const sums = Array.from({ length: 40 }, (_, b) => Array.from({ length: 257 }, (_, k) => m[k * 40 + b]!).reduce((a, v) => a + v, 0));
    sums.forEach((s, b) => expect(Math.abs(s - fixture.melWeightColumnSums[b]!)).toBeLessThan(1e-8));
    expect(Array.from({ length: 40 }, (_, b) => m[b])).toEqual(new Array(40).fill(0)); // DC row zeroed
  });

  it('matches the reference on the generated clip (min below -max: divided by max, not clipped)', () => {
    const x = generatedClip(16000, 1);
    const max = x.reduce((a, v) => Math.max(a, v), -Infinity);
    const min = x.reduce((a, v) => Math.min(a, v), Infinity);
    expect(min).toBeLessThan(-max);
    expect(max).toBeCloseTo(clip('generated-full').peak, 6);
    expect(maxAbsError(tf.extract(x), clip('generated-full').mfcc)).toBeLessThan(1e-4);
  });

  it('matches the reference on a short, quiet clip (normalised up, zero-padded to 16000)', () => {
    const x = generatedClip(12000, 0.25);
    const got = tf.extract(x);
    expect(maxAbsError(got, clip('generated-short').mfcc)).toBeLessThan(1e-4);
    // Frames wholly inside the padding sit at the floor.
    expect(got[48 * 10]).toBeCloseTo(SILENT_C0, 4);
  });

  const real = clip('speechcommands-yes');
  const realPath = join(SHARED_DATA, real.path!);
  it.skipIf(missing(realPath))(`matches the reference on ${real.path} (${missing(realPath) ?? 'present'})`, () => {
    const { samples, sampleRate, bytes } = readPcm16(realPath);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(real.sha256);
    expect([samples.length, sampleRate]).toEqual([real.samples, 16000]);
    expect(maxAbsError(tf.extract(samples), real.mfcc)).toBeLessThan(1e-4);
  });

  it('does not produce NaN on silence: left unscaled, every band at log(1e-6)', () => {
    const got = tf.extract(new Float32Array(16000));
    expect(got.every(Number.isFinite)).toBe(true);
    for (let f = 0; f < 49; f++) {
      expect(got[f * 10]).toBeCloseTo(SILENT_C0, 4);
      for (let k = 1; k < 10; k++) expect(Math.abs(got[f * 10 + k]!)).toBeLessThan(1e-4);
    }
    expect(tf.extract(new Float32Array(0)).every((v, i) => (i % 10 === 0 ? Math.abs(v - SILENT_C0) < 1e-4 : Math.abs(v) < 1e-4))).toBe(true);
  });

  it("is invariant to gain under 'max' normalisation and not under 'none'", () => {
    const x = generatedClip(16000, 1);
    const quiet = x.map((v) => v * 0.125);
    const loud = tf.extract(x);
    expect(tf.extract(quiet).reduce((worst, v, i) => Math.max(worst, Math.abs(v - loud[i]!)), 0)).toBeLessThan(1e-4);
    const raw = createTfMfcc({ ...MLPERF_KWS_MFCC, normalisation: 'none' });
    expect(Math.abs(raw.extract(quiet)[0]! - raw.extract(x)[0]!)).toBeGreaterThan(1);
  });

  it('is deterministic, and the batch forms agree with clip-by-clip extraction', () => {
    const a = generatedClip(16000, 1);
    const b = generatedClip(16000, 0.5).map((v, i) => v + 0.01 * Math.sin(i));
    const one = [tf.extract(a), tf.extract(b)];
    expect(Array.from(createTfMfcc().extract(a))).toEqual(Array.from(one[0]!));
    const fromList = tf.features([a, b]);
    const flat = new Float32Array(32000);
    flat.set(a);
    flat.set(b, 16000);
    expect(fromList.length).toBe(2 * 490);
    expect(Array.from(fromList)).toEqual([...one[0]!, ...one[1]!]);
    expect(Array.from(tf.features(flat))).toEqual(Array.from(fromList));
  });

  it('takes other specs: shapes follow frames = 1 + floor((clip - window) / hop)', () => {
    const spec = { ...MLPERF_KWS_MFCC, clipSamples: 8000, sampleRate: 8000, window: 200, hop: 80, fftSize: 256, melBands: 32, upperHz: 3800, coefficients: 13 };
    const x = createTfMfcc(spec);
    expect([x.frames, x.coefficients]).toEqual([98, 13]);
    const out = x.features([generatedClip(8000, 1), generatedClip(5000, 1)]);
    expect(out.length).toBe(2 * 98 * 13);
    expect(out.every(Number.isFinite)).toBe(true);
  });

  it('names user errors', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof AugpriorError ? e.code : 'not an AugpriorError';
      }
      return undefined;
    };
    expect(code(() => tf.extract(new Float32Array(16001)))).toBe('features.clip-too-long');
    expect(code(() => tf.features(new Float32Array(16000 * 2 + 1)))).toBe('features.batch-shape');
    expect(code(() => createTfMfcc({ ...MLPERF_KWS_MFCC, fftSize: 480 }))).toBe('features.bad-spec');
    expect(code(() => createTfMfcc({ ...MLPERF_KWS_MFCC, upperHz: 9000 }))).toBe('features.bad-spec');
    expect(code(() => createTfMfcc({ ...MLPERF_KWS_MFCC, coefficients: 41 }))).toBe('features.bad-spec');
  });
});

/**
 * EEMBC's int8 test features come from this pipeline on Speech Commands v2 test clips, which are
 * not here; the v0.01 sample clips are different recordings, so only the statistics can agree.
 * Ours are put through the same int8 quantisation (scale 0.5847, zero point 83) first.
 */
describe('TF MFCC against the EEMBC int8 features (statistics only)', () => {
  const eembcDir = join(SHARED_DATA, 'speechcommands/mlperf-kws-test-mfcc-int8');
  const sampleDir = join(SHARED_DATA, 'speechcommands/v0.01-sample');
  const why = missing(eembcDir) ?? missing(join(sampleDir, 'labels.csv'));

  function moments(rows: Iterable<ArrayLike<number>>): { mean: number[]; std: number[]; frames: number } {
    const s = new Float64Array(10);
    const s2 = new Float64Array(10);
    let frames = 0;
    for (const v of rows) {
      for (let i = 0; i < v.length; i++) {
        s[i % 10] = s[i % 10]! + v[i]!;
        s2[i % 10] = s2[i % 10]! + v[i]! ** 2;
      }
      frames += v.length / 10;
    }
    const mean = Array.from(s, (x) => x / frames);
    return { mean, std: Array.from(s2, (x, i) => Math.sqrt(x / frames - mean[i]! ** 2)), frames };
  }

  it.skipIf(why)(`has per-coefficient mean and spread close to EEMBC's (${why ?? 'data present'})`, () => {
    const dequantise = (q: number): number => 0.5847 * (q - 83);
    const theirs = moments(
      readdirSync(eembcDir)
        .filter((f) => f.endsWith('.bin'))
        .map((f) => Array.from(new Int8Array(readFileSync(join(eembcDir, f))), dequantise)),
    );
    const tf = createTfMfcc();
    const paths = readFileSync(join(sampleDir, 'labels.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]!);
    const ours = moments(paths.map((p) => Array.from(tf.extract(readPcm16(join(sampleDir, p)).samples), (v) => dequantise(Math.min(127, Math.max(-128, Math.round(v / 0.5847) + 83))))));
    expect(theirs.frames).toBe(1000 * 49);
    for (let k = 0; k < 10; k++) {
      expect(Math.abs(ours.mean[k]! - theirs.mean[k]!)).toBeLessThan(0.4 * theirs.std[k]!);
      expect(ours.std[k]! / theirs.std[k]!).toBeGreaterThan(0.7);
      expect(ours.std[k]! / theirs.std[k]!).toBeLessThan(1.3);
    }
  });
});
