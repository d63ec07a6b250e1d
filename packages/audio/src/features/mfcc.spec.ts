import { describe, expect, it } from 'vitest';
import { noiseClips } from './bench.js';
import { createMeydaMfccReference } from './meyda-reference.js';
import { KWS_MFCC, type MfccSpec } from './meyda-spec.js';
import { createMfcc } from './mfcc.js';
import { maxAbsDiff } from './test-utils/compare.js';
import { generatedClip } from './test-utils/generated-clip.js';
import { readPcm16 } from './test-utils/pcm16.js';
import { missing, SHARED_DATA } from './test-utils/shared-data.js';

const REAL = `${SHARED_DATA}/speechcommands/v0.01-sample/yes/439c84f4_nohash_1.wav`;

describe('MFCC: vectorised vs meyda per frame', () => {
  it.each<[string, MfccSpec]>([
    ['KWS_MFCC (49x10)', KWS_MFCC],
    ['window = fft = 512, 13 of 26 bands', { ...KWS_MFCC, window: 512, melBands: 26, coefficients: 13 }],
    ['8 kHz, 40 of 40', { ...KWS_MFCC, sampleRate: 8000, clipSamples: 8000, window: 256, hop: 128, fftSize: 256, coefficients: 40 }],
  ])('agrees within 1e-4 absolute: %s', (_, spec) => {
    const fast = createMfcc(spec);
    const slow = createMeydaMfccReference(spec);
    const clips = [generatedClip(spec.clipSamples, 1), noiseClips(1, spec.clipSamples, 3)[0]!, generatedClip(spec.clipSamples >> 1, 0.1)];
    if (!missing(REAL) && spec.sampleRate === 16000) clips.push(readPcm16(REAL).samples);
    for (const clip of clips) expect(maxAbsDiff(fast.extract(clip), slow.extract(clip))).toBeLessThan(1e-4);
  });

  it("gives the teacher's 49x10 shape by default and stays finite on silence", () => {
    const x = createMfcc(KWS_MFCC);
    expect([x.frames, x.coefficients]).toEqual([49, 10]);
    expect(x.extract(new Float32Array(16000)).every((v) => v === 0)).toBe(true);
    const floor = createMfcc({ ...KWS_MFCC, logOffset: 1e-6 }).extract(new Float32Array(16000));
    expect(floor[0]).toBeCloseTo(2 * 40 * Math.log(1e-6), 3);
    expect(floor.every(Number.isFinite)).toBe(true);
  });

  it('is deterministic across instances and batch forms', () => {
    const clips = noiseClips(3, 16000, 11);
    const a = createMfcc(KWS_MFCC).features(clips);
    const b = createMfcc(KWS_MFCC).features(clips);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.length).toBe(3 * 490);
  });

  it('names bad specs', () => {
    expect(() => createMfcc({ ...KWS_MFCC, coefficients: 41 })).toThrow(/exceed melBands/);
    expect(() => createMeydaMfccReference({ ...KWS_MFCC, melBands: 64, coefficients: 48 })).toThrow(/caps MFCCs at 40/);
  });
});
