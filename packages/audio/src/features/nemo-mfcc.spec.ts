/**
 * MatchboxNet's MFCC against tools/audio/nemo_mfcc_reference.py (torch 1.13 float64: torch.stft plus
 * torchaudio's filterbank and DCT definitions, written apart from this code). Values reach ~150 in
 * magnitude; tolerance 1e-3 absolute (float32 output, ~1e-5 relative).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AugpriorError } from '@augprior/core';
import { describe, expect, it } from 'vitest';
import { createNemoMfcc, MATCHBOXNET_MFCC, torchMelFilterbank } from './nemo-mfcc.js';
import { generatedClip } from './test-utils/generated-clip.js';
import { readPcm16 } from './test-utils/pcm16.js';
import { missing, SHARED_DATA } from './test-utils/shared-data.js';

interface FixtureClip {
  name: string;
  path?: string;
  sha256?: string;
  samples: number;
  frames: number;
  steps: Record<string, number[]>;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/nemo-mfcc-reference.json', import.meta.url), 'utf8')) as {
  spec: Record<string, number>;
  melFilterColumnSums: number[];
  clips: FixtureClip[];
};
const clip = (name: string): FixtureClip => fixture.clips.find((c) => c.name === name)!;

/** Worst absolute difference over the time steps the fixture holds (whole rows of 64 coefficients). */
function worstStepError(got: Float32Array, want: FixtureClip): number {
  let worst = 0;
  for (const [step, row] of Object.entries(want.steps)) {
    row.forEach((w, k) => (worst = Math.max(worst, Math.abs(w - got[Number(step) * 64 + k]!))));
  }
  return worst;
}

describe('NeMo MFCC (MatchboxNet front end)', () => {
  const nemo = createNemoMfcc();

  it('uses the spec the fixture was made with, and gives the teacher its 128 x 64 input', () => {
    expect({ ...MATCHBOXNET_MFCC }).toEqual(fixture.spec);
    expect([nemo.frames, nemo.coefficients]).toEqual([128, 64]);
    expect(nemo.stage!.layout.frames).toBe(clip('generated-full').frames); // 101 centred frames in 1 s
  });

  it("builds torchaudio's HTK filterbank (column sums against torch)", () => {
    const fb = torchMelFilterbank(257, 0, 8000, 64, 16000);
    const sums = Array.from({ length: 64 }, (_, b) => Array.from({ length: 257 }, (_, k) => fb[k * 64 + b]!).reduce((a, v) => a + v, 0));
    sums.forEach((s, b) => expect(Math.abs(s - fixture.melFilterColumnSums[b]!)).toBeLessThan(1e-8));
  });

  it('matches the reference on the generated clip, edges included (reflect padding, zero steps around the frames)', () => {
    const got = nemo.extract(generatedClip(16000, 1));
    expect(worstStepError(got, clip('generated-full'))).toBeLessThan(1e-3);
    // 128 - 101 = 27 padding steps: 13 zero rows before the frames, 14 after.
    expect(got.subarray(12 * 64, 13 * 64).every((v) => v === 0)).toBe(true);
    expect(got.subarray(13 * 64, 14 * 64).some((v) => v !== 0)).toBe(true);
    expect(got.subarray(113 * 64, 114 * 64).some((v) => v !== 0)).toBe(true);
    expect(got.subarray(114 * 64).every((v) => v === 0)).toBe(true);
  });

  it('matches the reference on a short, quiet clip (zero-padded to 1 s first)', () => {
    expect(worstStepError(nemo.extract(generatedClip(12000, 0.25)), clip('generated-short'))).toBeLessThan(1e-3);
  });

  const real = clip('speechcommands-yes');
  const realPath = join(SHARED_DATA, real.path!);
  it.skipIf(missing(realPath))(`matches the reference on ${real.path} (${missing(realPath) ?? 'present'})`, () => {
    const { samples, bytes } = readPcm16(realPath);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(real.sha256);
    expect(worstStepError(nemo.extract(samples), real)).toBeLessThan(1e-3);
  });

  it('is not gain-invariant (no normalisation, unlike the MLPerf MFCC): c0 moves by 2 ln(gain) sqrt(64)', () => {
    const x = generatedClip(16000, 1);
    const loud = nemo.extract(x);
    const quiet = nemo.extract(x.map((v) => v * 0.5));
    // A loud frame (mel energy far above 1e-6): halving the gain lowers every log-mel band by 2 ln 2,
    // and the ortho DCT's row 0 is sum / sqrt(64).
    expect(quiet[60 * 64]! - loud[60 * 64]!).toBeCloseTo((64 * 2 * Math.log(0.5)) / 8, 1);
  });

  it('crops a longer frame sequence to its centre when timesteps is shorter', () => {
    const short = createNemoMfcc({ ...MATCHBOXNET_MFCC, timesteps: 99 });
    const full = nemo.extract(generatedClip(16000, 1));
    const cropped = short.extract(generatedClip(16000, 1));
    // 101 frames -> 99: frame 1 first; in the 128-step output frame 1 sits at step 14.
    expect(Math.max(...cropped.subarray(0, 64).map((v, k) => Math.abs(v - full[14 * 64 + k]!)))).toBeLessThan(1e-5);
  });

  it('refuses a spec torch would refuse, naming the field', () => {
    expect(() => createNemoMfcc({ ...MATCHBOXNET_MFCC, clipSamples: 200 })).toThrow(AugpriorError);
    expect(() => createNemoMfcc({ ...MATCHBOXNET_MFCC, window: 600 })).toThrow(/window 600 is longer than fftSize 512/);
    expect(() => createNemoMfcc({ ...MATCHBOXNET_MFCC, coefficients: 80 })).toThrow(/coefficients 80 exceed melBands 64/);
    expect(() => nemo.extract(new Float32Array(16001))).toThrow(/longer than the 16000/);
  });
});
