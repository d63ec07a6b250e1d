/**
 * The single-image patch recipe of Asano & Saeed (../shared/docs/RECIPE.md section 1), one patch
 * at a time, fully determined by its Rng: random crop of side initialCrop * min(W, H) ->
 * RandomResizedCrop to round(sqrt(2) * S) (scale, ratio; bicubic) -> RandomAffine (rotation,
 * shear; bilinear, fill 0) -> CenterCrop S -> ColorJitter with probability p. Every knob is a field
 * so each ablation of the paper is a config.
 */
import { z } from 'zod';
import { affineWindow, inverseAffineMatrix } from './affine.js';
import { JitterRecipeSchema, colorJitter, randomResizedBox, resizeRegion, type Interpolation, type Rng } from '@augprior/core';

export const PatchRecipeSchema = z.strictObject({
  size: z.number().int().min(4).max(1024).default(32),
  /** Side of the first random crop as a fraction of the source's shorter side. */
  initialCrop: z.number().positive().max(1).default(0.5),
  /** RandomResizedCrop area fraction and aspect-ratio ranges. */
  scale: z.tuple([z.number().positive(), z.number().positive()]).default([1 / 500, 1]),
  ratio: z.tuple([z.number().positive(), z.number().positive()]).default([3 / 4, 4 / 3]),
  interpolation: z.enum(['bicubic', 'bilinear']).default('bicubic'),
  /** Pick bicubic or bilinear at random per patch (an ablation of the paper). */
  randomInterpolation: z.boolean().default(false),
  degrees: z.number().min(0).max(180).default(30),
  shear: z.number().min(0).max(89).default(30),
  jitter: JitterRecipeSchema,
  verticalFlip: z.number().min(0).max(1).default(0),
});
export type PatchRecipe = z.infer<typeof PatchRecipeSchema>;

export interface SourceImage {
  width: number;
  height: number;
  /** RGB uint8 HWC */
  data: Uint8Array;
}

/** Reusable per-worker buffers, so a patch allocates nothing. */
export interface PatchScratch {
  resized: Uint8Array;
  rows: Uint8Array;
}

export function patchScratch(recipe: PatchRecipe, source: SourceImage): PatchScratch {
  const mid = Math.round(Math.SQRT2 * recipe.size);
  return { resized: new Uint8Array(mid * mid * 3), rows: new Uint8Array(Math.max(source.height, source.width) * mid * 3) };
}

/** What was drawn for one patch (for statistics tests and the analyze command). */
export interface PatchDraw {
  areaFraction: number;
  aspect: number;
  angle: number;
  shearX: number;
  jittered: boolean;
  interpolation: Interpolation;
}

/** Python 3's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  if (x - floor !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Makes one size x size RGB patch into `out`; returns what was drawn. */
export function makePatch(source: SourceImage, recipe: PatchRecipe, rng: Rng, out: Uint8Array, scratch: PatchScratch): PatchDraw {
  const S = recipe.size;
  const mid = Math.round(Math.SQRT2 * S);
  // 1. random crop of side initialCrop * min(W, H)
  const side = Math.max(1, Math.floor(recipe.initialCrop * Math.min(source.width, source.height)));
  const cx = rng.int(source.width - side + 1);
  const cy = rng.int(source.height - side + 1);
  // 2. RandomResizedCrop of that crop to mid x mid
  const box = randomResizedBox(rng, side, side, recipe.scale, recipe.ratio);
  const interpolation: Interpolation = recipe.randomInterpolation ? (rng.bernoulli(0.5) ? 'bicubic' : 'bilinear') : recipe.interpolation;
  resizeRegion(source.data, source.width, source.height, { x: cx + box.x, y: cy + box.y, w: box.w, h: box.h }, scratch.resized, mid, mid, interpolation, scratch.rows);
  // 3 + 4. RandomAffine (rotation, x-shear as torchvision's single-number shear) then CenterCrop S
  const angle = rng.range(-recipe.degrees, recipe.degrees);
  const shearX = rng.range(-recipe.shear, recipe.shear);
  const offset = roundHalfEven((mid - S) / 2); // torchvision: int(round((45 - 32) / 2)) = 6
  affineWindow(scratch.resized, mid, inverseAffineMatrix(mid * 0.5, mid * 0.5, { angle, shearX, shearY: 0 }), offset, S, out);
  // 5. ColorJitter with probability p
  const jittered = rng.bernoulli(recipe.jitter.p);
  if (jittered) colorJitter(out, recipe.jitter, rng);
  if (recipe.verticalFlip > 0 && rng.bernoulli(recipe.verticalFlip)) {
    const row = S * 3;
    const tmp = new Uint8Array(row);
    for (let y = 0; y < S / 2; y++) {
      tmp.set(out.subarray(y * row, (y + 1) * row));
      out.copyWithin(y * row, (S - 1 - y) * row, (S - y) * row);
      out.set(tmp, (S - 1 - y) * row);
    }
  }
  return { areaFraction: (box.w * box.h) / (side * side), aspect: box.w / box.h, angle, shearX, jittered, interpolation };
}
