/**
 * The paper's ImageNet-scale training augmentation (RECIPE.md section 3), per image from a stored
 * patch: RandomResizedCrop(224, scale (0.08, 1), bicubic) -> ColorJitter(0.4, 0.4, 0.4, 0.4) with
 * p 0.8 -> RandomGrayscale 0.2 -> Solarize(128) with p 0.2 -> horizontal flip; then CutMix on the
 * batch with lambda ~ Beta(1, 1) and a random permutation as partner.
 */
import { z } from 'zod';
import { colorJitter, randomResizedBox, resizeRegion, type Rng } from '@augprior/core';

import { cutmixBox } from './batch-augment.js';

export const ImagenetAugmentSchema = z.strictObject({
  pipeline: z.literal('imagenet'),
  size: z.number().int().positive().default(224),
  scale: z.tuple([z.number().positive(), z.number().positive()]).default([0.08, 1]),
  jitter: z.strictObject({ p: z.number().min(0).max(1).default(0.8), strength: z.number().min(0).default(0.4) }).default({ p: 0.8, strength: 0.4 }),
  grayscale: z.number().min(0).max(1).default(0.2),
  solarize: z.number().min(0).max(1).default(0.2),
  flip: z.boolean().default(true),
  cutmix: z.strictObject({ p: z.number().min(0).max(1).default(1), alpha: z.number().positive().default(1) }).default({ p: 1, alpha: 1 }),
});
export type ImagenetAugment = z.infer<typeof ImagenetAugmentSchema>;

/** `pixels`: uint8 [N, S, S, 3] patches; writes [n, size, size, 3] floats in [0, 1] into `out`. */
export function augmentImagenetBatch(pixels: Uint8Array, S: number, indices: ArrayLike<number>, options: ImagenetAugment, rng: Rng, out: Float32Array): void {
  const n = indices.length;
  const T = options.size;
  const image = new Uint8Array(T * T * 3);
  const scratch = new Uint8Array(S * T * 3);
  for (let i = 0; i < n; i++) {
    const patch = pixels.subarray(indices[i]! * S * S * 3, (indices[i]! + 1) * S * S * 3);
    resizeRegion(patch, S, S, randomResizedBox(rng, S, S, options.scale), image, T, T, 'bicubic', scratch);
    if (rng.bernoulli(options.jitter.p)) colorJitter(image, { brightness: options.jitter.strength, contrast: options.jitter.strength, saturation: options.jitter.strength, hue: Math.min(options.jitter.strength, 0.5) }, rng);
    if (rng.bernoulli(options.grayscale)) {
      for (let p = 0; p < image.length; p += 3) {
        const l = Math.round((image[p]! * 299 + image[p + 1]! * 587 + image[p + 2]! * 114) / 1000);
        image[p] = image[p + 1] = image[p + 2] = l;
      }
    }
    if (rng.bernoulli(options.solarize)) for (let k = 0; k < image.length; k++) if (image[k]! >= 128) image[k] = 255 - image[k]!;
    const flip = options.flip && rng.bernoulli(0.5);
    const base = i * T * T * 3;
    for (let y = 0; y < T; y++) {
      for (let x = 0; x < T; x++) {
        const src = (y * T + (flip ? T - 1 - x : x)) * 3;
        const dst = base + (y * T + x) * 3;
        out[dst] = image[src]! / 255;
        out[dst + 1] = image[src + 1]! / 255;
        out[dst + 2] = image[src + 2]! / 255;
      }
    }
  }
  if (options.cutmix.p > 0 && rng.bernoulli(options.cutmix.p)) {
    const lambda = rng.beta(options.cutmix.alpha, options.cutmix.alpha);
    const box = cutmixBox(rng, T, lambda);
    const perm = rng.permutation(n);
    const before = out.slice(0, n * T * T * 3);
    for (let i = 0; i < n; i++) {
      for (let y = box.y0; y < box.y1; y++) {
        const row = (y * T + box.x0) * 3;
        out.set(before.subarray(perm[i]! * T * T * 3 + row, perm[i]! * T * T * 3 + row + (box.x1 - box.x0) * 3), i * T * T * 3 + row);
      }
    }
  }
}
