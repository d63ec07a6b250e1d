/**
 * Train-time augmentation of uint8 patch batches, done while they are converted to float so no
 * extra tensor passes are needed. The CIFAR recipe of the paper's code (RECIPE.md section 2):
 * random horizontal flip, zero-pad 4 + random 32-crop, then CutMix on every batch with the batch
 * reversed as partner, lambda ~ Beta(0.25, 0.25) and ONE box for the whole batch (images only:
 * there are no labels). MixUp is available but off, as in the paper.
 *
 * The PyTorch port of that code (../shared/tools/pytorch-recipe-port) pads by reflection and crops
 * the whole batch at one offset; `padMode` and `cropOffset` reproduce it, so the two can be compared
 * at equal samples (experiments/image/RESULTS.md, fidelity).
 */
import { z } from 'zod';
import type { Rng } from '@augprior/core';

export const BatchAugmentSchema = z.strictObject({
  flip: z.boolean().default(true),
  /** Padding before the random crop back to the patch size (0 = off). */
  pad: z.number().int().min(0).default(4),
  /** 'zeros' (the paper's code) or 'reflect' (torch's F.pad reflect: the edge pixel is not repeated). */
  padMode: z.enum(['zeros', 'reflect']).default('zeros'),
  /** One crop offset per image (the paper's RandomCrop) or one for the whole batch (the PyTorch port). */
  cropOffset: z.enum(['per_image', 'per_batch']).default('per_image'),
  cutmix: z.strictObject({ p: z.number().min(0).max(1).default(1), alpha: z.number().positive().default(0.25) }).default({ p: 1, alpha: 0.25 }),
  mixup: z.strictObject({ p: z.number().min(0).max(1).default(0), alpha: z.number().positive().default(1) }).default({ p: 0, alpha: 1 }),
  /** 'reverse' (the paper's CIFAR code) or 'permutation' (its ImageNet code). */
  partner: z.enum(['reverse', 'permutation']).default('reverse'),
});
export type BatchAugment = z.infer<typeof BatchAugmentSchema>;

/** A CutMix box covering (1 - lambda) of the image: side ratio sqrt(1 - lambda), uniform centre, clipped. */
export function cutmixBox(rng: Rng, size: number, lambda: number): { x0: number; y0: number; x1: number; y1: number } {
  const cut = Math.sqrt(1 - lambda);
  const w = Math.floor(size * cut);
  const h = Math.floor(size * cut);
  const cx = rng.int(size);
  const cy = rng.int(size);
  return { x0: Math.max(cx - Math.floor(w / 2), 0), y0: Math.max(cy - Math.floor(h / 2), 0), x1: Math.min(cx + Math.floor(w / 2), size), y1: Math.min(cy + Math.floor(h / 2), size) };
}

/** Index into [0, size) of a reflect-padded axis (size > pad): -1 -> 1, size -> size - 2. */
export function reflectIndex(i: number, size: number): number {
  if (i < 0) return -i;
  if (i >= size) return 2 * (size - 1) - i;
  return i;
}

/**
 * Writes `indices.length` augmented images from `pixels` (uint8 [N, S, S, 3]) into `out` as floats
 * in [0, 1]. Returns what was applied (for tests and logs).
 */
export function augmentBatch(pixels: Uint8Array, size: number, indices: ArrayLike<number>, options: BatchAugment, rng: Rng, out: Float32Array): { cutmix?: { lambda: number; area: number }; mixup?: number } {
  const n = indices.length;
  const S = size;
  const image = S * S * 3;
  // 1. flip + pad/crop per image, straight from uint8 into float
  const offset = () => (options.pad ? rng.int(2 * options.pad + 1) - options.pad : 0);
  const perBatch = options.cropOffset === 'per_batch';
  let dx = 0;
  let dy = 0;
  // The port flips every image before it draws the batch's offset; drawing in its order keeps streams comparable.
  const flips = perBatch ? Array.from({ length: n }, () => options.flip && rng.bernoulli(0.5)) : undefined;
  if (perBatch) [dy, dx] = [offset(), offset()];
  const reflect = options.padMode === 'reflect';
  for (let i = 0; i < n; i++) {
    const src = indices[i]! * image;
    const flip = flips ? flips[i]! : options.flip && rng.bernoulli(0.5);
    if (!perBatch) [dx, dy] = [offset(), offset()];
    for (let y = 0; y < S; y++) {
      let sy = y + dy;
      if (reflect) sy = reflectIndex(sy, S);
      for (let x = 0; x < S; x++) {
        const o = (i * S * S + y * S + x) * 3;
        let sxRaw = x + dx;
        if (reflect) sxRaw = reflectIndex(sxRaw, S);
        else if (sy < 0 || sy >= S || sxRaw < 0 || sxRaw >= S) {
          out[o] = out[o + 1] = out[o + 2] = 0;
          continue;
        }
        // Flipping before padding (the paper's and the port's order) mirrors the crop window too.
        const sx = flip ? S - 1 - sxRaw : sxRaw;
        const p = src + (sy * S + sx) * 3;
        out[o] = pixels[p]! / 255;
        out[o + 1] = pixels[p + 1]! / 255;
        out[o + 2] = pixels[p + 2]! / 255;
      }
    }
  }
  const partner = (i: number, perm: Int32Array | undefined) => (perm ? perm[i]! : n - 1 - i);
  const result: { cutmix?: { lambda: number; area: number }; mixup?: number } = {};
  // 2. CutMix: one box for the batch, pasted from the partner image (a snapshot keeps pastes one-way)
  if (options.cutmix.p > 0 && rng.bernoulli(options.cutmix.p)) {
    const lambda = rng.beta(options.cutmix.alpha, options.cutmix.alpha);
    const box = cutmixBox(rng, S, lambda);
    const perm = options.partner === 'permutation' ? rng.permutation(n) : undefined;
    const before = out.slice(0, n * image);
    for (let i = 0; i < n; i++) {
      const j = partner(i, perm);
      for (let y = box.y0; y < box.y1; y++) {
        const row = (y * S + box.x0) * 3;
        out.set(before.subarray(j * image + row, j * image + row + (box.x1 - box.x0) * 3), i * image + row);
      }
    }
    result.cutmix = { lambda, area: ((box.x1 - box.x0) * (box.y1 - box.y0)) / (S * S) };
  }
  // 3. MixUp (off by default): a convex combination with the partner
  if (options.mixup.p > 0 && rng.bernoulli(options.mixup.p)) {
    const lambda = rng.beta(options.mixup.alpha, options.mixup.alpha);
    const perm = options.partner === 'permutation' ? rng.permutation(n) : undefined;
    const before = out.slice(0, n * image);
    for (let i = 0; i < n; i++) {
      const j = partner(i, perm);
      for (let k = 0; k < image; k++) out[i * image + k] = lambda * before[i * image + k]! + (1 - lambda) * before[j * image + k]!;
    }
    result.mixup = lambda;
  }
  return result;
}
