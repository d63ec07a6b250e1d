import { Rng } from '@augprior/core';
import { describe, expect, it } from 'vitest';
import { augmentBatch, BatchAugmentSchema, cutmixBox } from './batch-augment.js';

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
});
