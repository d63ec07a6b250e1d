import { Rng } from '@augprior/core';
import { describe, expect, it } from 'vitest';
import { augmentImagenetBatch, ImagenetAugmentSchema } from './imagenet-augment.js';

describe('augmentImagenetBatch', () => {
  const S = 40;
  const pixels = new Uint8Array(3 * S * S * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) % 251;

  it('crops and resizes every image to the target size, in [0, 1], deterministically per seed', () => {
    const options = ImagenetAugmentSchema.parse({ pipeline: 'imagenet', size: 24 });
    const a = new Float32Array(3 * 24 * 24 * 3);
    const b = new Float32Array(3 * 24 * 24 * 3);
    augmentImagenetBatch(pixels, S, [0, 1, 2], options, Rng.fromSeed(1), a);
    augmentImagenetBatch(pixels, S, [0, 1, 2], options, Rng.fromSeed(1), b);
    expect(a).toEqual(b);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThanOrEqual(1);
  });

  it('solarizes (inverts values >= 128) and greys at the configured rates', () => {
    const flat = new Uint8Array(S * S * 3).fill(200);
    const options = ImagenetAugmentSchema.parse({ pipeline: 'imagenet', size: 8, jitter: { p: 0 }, grayscale: 0, solarize: 0.2, cutmix: { p: 0 } });
    let solarized = 0;
    for (let seed = 0; seed < 500; seed++) {
      const out = new Float32Array(8 * 8 * 3);
      augmentImagenetBatch(flat, S, [0], options, Rng.fromSeed(seed), out);
      if (Math.round(out[0]! * 255) === 55) solarized++;
      else expect(Math.round(out[0]! * 255)).toBe(200);
    }
    expect(solarized / 500).toBeGreaterThan(0.15);
    expect(solarized / 500).toBeLessThan(0.25);
  });
});
