import { describe, expect, it } from 'vitest';
import { measureFeatureRates, noiseClips } from './bench.js';

describe('measureFeatureRates', () => {
  it('reports positive frame rates for the three paths', () => {
    const rates = measureFeatureRates({ secondsPerPath: 0.05, clips: 2 });
    for (const rate of [rates.meydaPerFrame, rates.vectorised, rates.tfMfcc]) {
      expect(rate.framesPerSecond).toBeGreaterThan(0);
      expect(rate.frames).toBe(rate.clips * 49);
    }
  });

  it('makes reproducible noise in [-0.5, 0.5)', () => {
    const [a] = noiseClips(1, 1000, 5);
    expect(Array.from(a!)).toEqual(Array.from(noiseClips(1, 1000, 5)[0]!));
    expect(a!.every((v) => v >= -0.5 && v < 0.5)).toBe(true);
  });
});
