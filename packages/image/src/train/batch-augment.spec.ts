import { Rng } from '@augprior/core';
import { describe, expect, it } from 'vitest';
import { augmentBatch, BatchAugmentSchema, cutmixBox, reflectIndex } from './batch-augment.js';

const S = 8;
/** n images whose every pixel value is the image's index (so pastes are visible). */
function constantImages(n: number): Uint8Array {
  const pixels = new Uint8Array(n * S * S * 3);
  for (let i = 0; i < n; i++) pixels.fill(i * 10 + 5, i * S * S * 3, (i + 1) * S * S * 3);
  return pixels;
}

describe('cutmixBox', () => {
  it('covers 1 - lambda of the image when it is not clipped (side ratio sqrt(1 - lambda))', () => {
    // A centre in the middle never clips: lambda 0.75 -> side 16 of 32 -> area 0.25 exactly.
    const rng = { int: () => 16 } as unknown as Rng;
    const box = cutmixBox(rng, 32, 0.75);
    expect(((box.x1 - box.x0) * (box.y1 - box.y0)) / 1024).toBe(0.25);
    const rngB = { int: () => 16 } as unknown as Rng;
    const boxB = cutmixBox(rngB, 32, 1 - 0.5 ** 2);
    expect((boxB.x1 - boxB.x0) * (boxB.y1 - boxB.y0)).toBe(256);
  });
  it('over many draws, the unclipped area tracks 1 - lambda to within a pixel row', () => {
    const rng = Rng.fromSeed(4);
    for (let i = 0; i < 500; i++) {
      const lambda = rng.beta(0.25, 0.25);
      const box = cutmixBox(rng, 32, lambda);
      const w = box.x1 - box.x0;
      const h = box.y1 - box.y0;
      const expected = Math.floor(32 * Math.sqrt(1 - lambda));
      if (box.x0 > 0 && box.y0 > 0 && box.x1 < 32 && box.y1 < 32) {
        expect(w).toBeGreaterThanOrEqual(expected - 1);
        expect(Math.abs((w * h) / 1024 - (1 - lambda))).toBeLessThan((2 * 32 + 1) / 1024 + 0.0001 + 2 * Math.sqrt(1 - lambda) / 32);
      }
    }
  });
});

describe('augmentBatch', () => {
  it('pastes one box from the reversed batch into every image, as the paper CIFAR code does', () => {
    const pixels = constantImages(4);
    const out = new Float32Array(4 * S * S * 3);
    const options = BatchAugmentSchema.parse({ flip: false, pad: 0, cutmix: { p: 1, alpha: 0.25 } });
    const applied = augmentBatch(pixels, S, [0, 1, 2, 3], options, Rng.fromSeed(11), out);
    expect(applied.cutmix).toBeDefined();
    for (let i = 0; i < 4; i++) {
      const values = new Set(Array.from(out.subarray(i * S * S * 3, (i + 1) * S * S * 3)).map((v) => Math.round(v * 255)));
      const own = i * 10 + 5;
      const partner = (3 - i) * 10 + 5;
      expect([...values].every((v) => v === own || v === partner)).toBe(true);
      const pasted = Array.from(out.subarray(i * S * S * 3, (i + 1) * S * S * 3)).filter((v) => Math.round(v * 255) === partner).length / (S * S * 3);
      if (own !== partner) expect(pasted).toBeCloseTo(applied.cutmix!.area, 6);
    }
  });
  it('flips and pad-crops within the configured range, filling with zeros', () => {
    const pixels = new Uint8Array(S * S * 3);
    for (let x = 0; x < S; x++) for (let y = 0; y < S; y++) pixels.fill(x * 30 + 10, (y * S + x) * 3, (y * S + x) * 3 + 3);
    const options = BatchAugmentSchema.parse({ flip: true, pad: 2, cutmix: { p: 0 } });
    let flipped = 0;
    for (let seed = 0; seed < 200; seed++) {
      const out = new Float32Array(S * S * 3);
      augmentBatch(pixels, S, [0], options, Rng.fromSeed(seed), out);
      const row = Array.from({ length: S }, (_, x) => Math.round(out[(3 * S + x) * 3]! * 255)).filter((v) => v > 0);
      if (row.length > 1 && row[0]! > row[1]!) flipped++;
      const zeros = Array.from(out).filter((v) => v === 0).length / 3;
      expect(zeros).toBeLessThanOrEqual(2 * S * 2 + 2 * S * 2); // at most two padded bands
    }
    expect(flipped / 200).toBeGreaterThan(0.35);
    expect(flipped / 200).toBeLessThan(0.65);
  });
  it('is deterministic per seed', () => {
    const pixels = constantImages(6);
    const options = BatchAugmentSchema.parse({});
    const a = new Float32Array(6 * S * S * 3);
    const b = new Float32Array(6 * S * S * 3);
    augmentBatch(pixels, S, [5, 4, 3, 2, 1, 0], options, Rng.fromSeed(3), a);
    augmentBatch(pixels, S, [5, 4, 3, 2, 1, 0], options, Rng.fromSeed(3), b);
    expect(a).toEqual(b);
  });
  it('reflect padding equals torch F.pad(mode="reflect") then crop, and leaves no black pixels', () => {
    // Distinct values everywhere, so any wrong source pixel shows.
    const n = 3;
    const pixels = new Uint8Array(n * S * S * 3);
    for (let k = 0; k < pixels.length; k++) pixels[k] = 1 + (k % 251);
    const options = BatchAugmentSchema.parse({ flip: true, pad: 3, padMode: 'reflect', cutmix: { p: 0 } });
    for (let seed = 0; seed < 40; seed++) {
      const out = new Float32Array(n * S * S * 3);
      augmentBatch(pixels, S, [0, 1, 2], options, Rng.fromSeed(seed), out);
      expect(out.every((v) => v > 0)).toBe(true);
      for (let i = 0; i < n; i++) {
        // Find the (flip, dx, dy) that reproduces the image from a naive padded reference: exactly one must.
        let matches = 0;
        for (const flip of [false, true]) {
          for (let dy = -3; dy <= 3; dy++) {
            for (let dx = -3; dx <= 3; dx++) {
              let same = true;
              for (let y = 0; y < S && same; y++) {
                for (let x = 0; x < S && same; x++) {
                  const py = y + dy < 0 ? -(y + dy) : y + dy >= S ? 2 * (S - 1) - (y + dy) : y + dy;
                  const pxFlipped = x + dx < 0 ? -(x + dx) : x + dx >= S ? 2 * (S - 1) - (x + dx) : x + dx;
                  const px = flip ? S - 1 - pxFlipped : pxFlipped;
                  for (let c = 0; c < 3; c++) if (Math.round(out[((i * S + y) * S + x) * 3 + c]! * 255) !== pixels[((i * S + py) * S + px) * 3 + c]) same = false;
                }
              }
              if (same) matches++;
            }
          }
        }
        expect(matches).toBe(1);
      }
    }
    expect([reflectIndex(-1, 8), reflectIndex(-4, 8), reflectIndex(8, 8), reflectIndex(11, 8), reflectIndex(5, 8)]).toEqual([1, 4, 6, 3, 5]);
  });
  it('crops every image of a batch at one offset with cropOffset per_batch, at independent offsets per_image', () => {
    // Identical unflipped images: one offset for the batch makes every output the same.
    const n = 16;
    const pixels = new Uint8Array(n * S * S * 3);
    for (let i = 0; i < n; i++) for (let k = 0; k < S * S * 3; k++) pixels[i * S * S * 3 + k] = 1 + k;
    const same = (out: Float32Array) => Array.from({ length: n }, (_, i) => out.subarray(i * S * S * 3, (i + 1) * S * S * 3).join()).every((v, _, all) => v === all[0]);
    let perImageAllSame = 0;
    for (let seed = 0; seed < 10; seed++) {
      const batch = new Float32Array(n * S * S * 3);
      augmentBatch(pixels, S, Array.from({ length: n }, (_, i) => i), BatchAugmentSchema.parse({ flip: false, pad: 2, cropOffset: 'per_batch', cutmix: { p: 0 } }), Rng.fromSeed(seed), batch);
      expect(same(batch)).toBe(true);
      const image = new Float32Array(n * S * S * 3);
      augmentBatch(pixels, S, Array.from({ length: n }, (_, i) => i), BatchAugmentSchema.parse({ flip: false, pad: 2, cutmix: { p: 0 } }), Rng.fromSeed(seed), image);
      if (same(image)) perImageAllSame++;
    }
    expect(perImageAllSame).toBe(0);
  });
});
