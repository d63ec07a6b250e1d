import { AugpriorError } from '@augprior/core';
import { describe, expect, it } from 'vitest';
import { noiseClips } from './bench.js';
import { createLogMel } from './logmel.js';
import { Meyda, meydaInternals } from './meyda.js';
import { createMeydaLogMelReference } from './meyda-reference.js';
import { KWS_LOGMEL, type LogMelSpec } from './meyda-spec.js';
import { maxAbsDiff } from './test-utils/compare.js';
import { generatedClip } from './test-utils/generated-clip.js';
import { readPcm16 } from './test-utils/pcm16.js';
import { missing, SHARED_DATA } from './test-utils/shared-data.js';

const REAL = `${SHARED_DATA}/speechcommands/v0.01-sample/yes/439c84f4_nohash_1.wav`;

function clipsFor(spec: LogMelSpec): Float32Array[] {
  const out = [generatedClip(spec.clipSamples, 1), noiseClips(1, spec.clipSamples, 7)[0]!.map((v) => 0.2 * v), generatedClip(Math.floor(spec.clipSamples * 0.7), 0.3)];
  if (!missing(REAL) && spec.sampleRate === 16000) out.push(readPcm16(REAL).samples.subarray(0, spec.clipSamples));
  return out;
}

const SPECS: [string, LogMelSpec][] = [
  ['KWS_LOGMEL (480 in 512: pre-windowed, rect in meyda)', KWS_LOGMEL],
  ['window = fft = 512 (meyda windows the frame itself)', { ...KWS_LOGMEL, window: 512 }],
  ['8 kHz, 256/128, 26 bands, hamming', { ...KWS_LOGMEL, sampleRate: 8000, clipSamples: 8000, window: 256, hop: 128, fftSize: 256, melBands: 26, windowing: 'hamming' }],
  ['400 in 1024, 64 bands, blackman', { ...KWS_LOGMEL, window: 400, hop: 160, fftSize: 1024, melBands: 64, windowing: 'blackman' }],
  ['sine window', { ...KWS_LOGMEL, windowing: 'sine' }],
  ['no window', { ...KWS_LOGMEL, window: 512, windowing: 'rect' }],
];

describe('log-mel: vectorised vs meyda per frame', () => {
  it.each(SPECS)('agrees within 1e-4 absolute: %s', (_, spec) => {
    const fast = createLogMel(spec);
    const slow = createMeydaLogMelReference(spec);
    expect([fast.frames, fast.coefficients]).toEqual([slow.frames, slow.coefficients]);
    for (const clip of clipsFor(spec)) {
      const got = fast.extract(clip);
      expect(got.every(Number.isFinite)).toBe(true);
      expect(maxAbsDiff(got, slow.extract(clip))).toBeLessThan(1e-4);
    }
  });

  it("computes other log offsets as log(meyda's mel power + offset)", () => {
    const spec = { ...KWS_LOGMEL, window: 512, logOffset: 1e-6 };
    const clip = generatedClip(16000, 0.5);
    const got = createLogMel(spec).extract(clip);
    // Reference: meyda's power spectrum and its own filterbank, frame by frame.
    Object.assign(Meyda, { sampleRate: 16000, bufferSize: 512, melBands: 40, numberOfMFCCCoefficients: 1, windowingFunction: 'hanning' });
    meydaInternals().melFilterBank = undefined;
    for (let f = 0; f < 49; f++) {
      const power = Meyda.extract('powerSpectrum', clip.slice(f * 320, f * 320 + 512)) as unknown as Float32Array;
      const bank = meydaInternals().melFilterBank!;
      const want = bank.map((row) => Math.log(row.slice(0, 256).reduce((sum, w, k) => sum + w * power[k]!, 0) + 1e-6));
      expect(maxAbsDiff(got.subarray(f * 40, (f + 1) * 40), want)).toBeLessThan(1e-4);
    }
  });

  it('only has a meyda reference for the offset meyda hard-codes', () => {
    expect(() => createMeydaLogMelReference({ ...KWS_LOGMEL, logOffset: 1e-6 })).toThrow(AugpriorError);
    expect(() => createMeydaLogMelReference({ ...KWS_LOGMEL, logOffset: 1e-6 })).toThrow(/log\(x \+ 1\)/);
  });

  it('gives log(offset) on silence, never NaN', () => {
    expect(createLogMel(KWS_LOGMEL).extract(new Float32Array(16000)).every((v) => v === 0)).toBe(true);
    const floor = createLogMel({ ...KWS_LOGMEL, logOffset: 1e-6 }).extract(new Float32Array(16000));
    expect(floor.every((v) => v === Math.fround(Math.log(1e-6)))).toBe(true);
    expect(createMeydaLogMelReference(KWS_LOGMEL).extract(new Float32Array(16000)).every((v) => v === 0)).toBe(true);
  });

  it('has the teacher\'s 49 frames by default, other shapes from the spec, and batch forms that agree', () => {
    const x = createLogMel(KWS_LOGMEL);
    expect([x.frames, x.coefficients]).toEqual([49, 40]);
    const y = createLogMel({ ...KWS_LOGMEL, clipSamples: 24000, window: 400, hop: 160, melBands: 64 });
    expect([y.frames, y.coefficients]).toEqual([148, 64]);
    const [a, b] = [generatedClip(16000, 1), generatedClip(9000, 0.5)];
    const batch = x.features([a, b]);
    expect(batch.length).toBe(2 * 49 * 40);
    expect(Array.from(batch)).toEqual([...x.extract(a), ...x.extract(b)]);
    const flat = new Float32Array(32000);
    flat.set(a);
    flat.set(b, 16000);
    expect(Array.from(x.features(flat))).toEqual(Array.from(batch));
    expect(Array.from(createLogMel(KWS_LOGMEL).extract(a))).toEqual(Array.from(x.extract(a)));
  });

  it('names bad specs', () => {
    expect(() => createLogMel({ ...KWS_LOGMEL, fftSize: 500 })).toThrow(/power of two/);
    expect(() => createLogMel({ ...KWS_LOGMEL, window: 1024 })).toThrow(/longer than fftSize/);
    expect(() => createLogMel({ ...KWS_LOGMEL, windowing: 'kaiser' as never })).toThrow(/windowing must be one of/);
    expect(() => createLogMel(KWS_LOGMEL).extract(new Float32Array(20000))).toThrow(/longer than the 16000/);
  });
});
