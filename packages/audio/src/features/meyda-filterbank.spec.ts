import { describe, expect, it } from 'vitest';
import { Meyda, meydaInternals } from './meyda.js';
import { meydaMelFilterBank } from './meyda-filterbank.js';

/** The bank Meyda.extract builds and caches on the singleton, for a fresh configuration. */
function meydasOwnBank(melBands: number, sampleRate: number, fftSize: number): number[][] {
  Object.assign(Meyda, { melBands, sampleRate, bufferSize: fftSize, numberOfMFCCCoefficients: 1 });
  meydaInternals().melFilterBank = undefined;
  Meyda.extract('melBands', new Float32Array(fftSize));
  return meydaInternals().melFilterBank!;
}

describe("meyda's mel filterbank, reproduced", () => {
  it.each([
    [40, 16000, 512],
    [26, 44100, 1024],
    [80, 16000, 256],
    [13, 8000, 64],
    [64, 22050, 2048],
  ])('equals the one meyda builds for %i bands at %i Hz, fft %i', (bands, rate, fft) => {
    expect(meydaMelFilterBank(bands, rate, fft)).toEqual(meydasOwnBank(bands, rate, fft));
  });

  it('keeps meyda\'s conventions: 0 Hz to Nyquist, peak 1, bands collapsing at low frequency', () => {
    const bank = meydaMelFilterBank(80, 16000, 256);
    expect(bank).toHaveLength(80);
    expect(bank[0]).toHaveLength(129);
    expect(Math.max(...bank.flat())).toBe(1);
    // With 80 bands over 129 bins the lowest bands share bins: some are empty.
    expect(bank.some((row) => row.every((w) => w === 0))).toBe(true);
  });

  it('is cached by meyda per band count only, which is why the reference path resets it', () => {
    const at16k = meydasOwnBank(20, 16000, 512);
    Meyda.sampleRate = 8000;
    Meyda.extract('melBands', new Float32Array(512));
    expect(meydaInternals().melFilterBank).toEqual(at16k);
    expect(meydaMelFilterBank(20, 8000, 512)).not.toEqual(at16k);
  });
});
