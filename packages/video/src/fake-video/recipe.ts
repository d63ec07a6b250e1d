/**
 * Fake videos from ONE image (RECIPE.md section 4), or clips of ONE real video (the issue's
 * one-clip source: a random temporal window, then the same spatial recipe on every frame): per clip, a random crop of half the image's
 * shorter side, one colour jitter for the whole clip (p 0.5), and two RandomResizedCrop boxes in
 * that crop (scale 1/500..1) linearly interpolated over the frames, each frame resized to `size`
 * with PIL's antialiased filters. The camera thus zooms and pans smoothly across the image.
 * Clip i depends only on (seed, i).
 */
import { z } from 'zod';
import { JitterRecipeSchema, colorJitter, randomResizedBox, resizeRegion, Rng, type CropBox, RNG_STREAMS } from '@augprior/core';

export const FakeVideoRecipeSchema = z.strictObject({
  frames: z.number().int().min(2).default(16),
  /** Frame side in pixels (the paper: 230, then crops of 160 at training time). */
  size: z.number().int().positive().default(112),
  initialCrop: z.number().gt(0).max(1).default(0.5),
  scale: z.tuple([z.number().positive(), z.number().positive()]).default([1 / 500, 1]),
  ratio: z.tuple([z.number().positive(), z.number().positive()]).default([3 / 4, 4 / 3]),
  interpolation: z.enum(['bilinear', 'bicubic']).default('bilinear'),
  /** Video sources only: source frames between consecutive clip frames (a window of (frames - 1) * stride + 1). */
  stride: z.number().int().positive().default(2),
  jitter: JitterRecipeSchema,
});
export type FakeVideoRecipe = z.infer<typeof FakeVideoRecipeSchema>;

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** One image, or the frames of one video (all the same size). */
export type FakeVideoSource = RgbImage | { frames: Uint8Array[]; width: number; height: number };

export interface FakeClipDraw {
  /** Video sources: the source frame of clip frame 0. */
  start?: number;
  crop: CropBox;
  from: CropBox;
  to: CropBox;
  jittered: boolean;
}

/** The box of frame t: the two boxes interpolated, in source-image coordinates. */
export function frameBox(draw: FakeClipDraw, t: number, frames: number): CropBox {
  const a = t / (frames - 1);
  const lerp = (p: number, q: number) => p + (q - p) * a;
  const w = Math.max(1, Math.round(lerp(draw.from.w, draw.to.w)));
  const h = Math.max(1, Math.round(lerp(draw.from.h, draw.to.h)));
  const x = Math.min(draw.crop.w - w, Math.max(0, Math.round(lerp(draw.from.x, draw.to.x))));
  const y = Math.min(draw.crop.h - h, Math.max(0, Math.round(lerp(draw.from.y, draw.to.y))));
  return { x: draw.crop.x + x, y: draw.crop.y + y, w, h };
}

/** Writes clip `index` as uint8 [frames, size, size, 3] into `out`. */
export function makeFakeClip(source: FakeVideoSource, recipe: FakeVideoRecipe, seed: number, index: number, out: Uint8Array): FakeClipDraw {
  const rng = Rng.derive(seed, RNG_STREAMS.fakeVideo, index);
  const side = Math.max(1, Math.floor(recipe.initialCrop * Math.min(source.width, source.height)));
  const crop = { x: rng.int(source.width - side + 1), y: rng.int(source.height - side + 1), w: side, h: side };
  const from = randomResizedBox(rng, side, side, recipe.scale, recipe.ratio);
  const to = randomResizedBox(rng, side, side, recipe.scale, recipe.ratio);
  const jittered = rng.bernoulli(recipe.jitter.p);
  const jitterSeed = rng.int(2 ** 31);
  // Drawn last so image clips stay what they were before video sources existed.
  const video = 'frames' in source ? source.frames : undefined;
  const span = (recipe.frames - 1) * recipe.stride + 1;
  const start = video ? rng.int(Math.max(1, video.length - span + 1)) : undefined;
  const draw: FakeClipDraw = { crop, from, to, jittered, ...(start !== undefined ? { start } : {}) };
  const S = recipe.size;
  const frameBytes = S * S * 3;
  const scratch = new Uint8Array(source.height * S * 3);
  for (let t = 0; t < recipe.frames; t++) {
    const frame = out.subarray(t * frameBytes, (t + 1) * frameBytes);
    const pixels = video ? video[Math.min(video.length - 1, start! + t * recipe.stride)]! : (source as RgbImage).data;
    resizeRegion(pixels, source.width, source.height, frameBox(draw, t, recipe.frames), frame, S, S, recipe.interpolation, scratch);
    // One jitter per clip: every frame replays the same draws.
    if (jittered) colorJitter(frame, recipe.jitter, Rng.derive(jitterSeed));
  }
  return draw;
}
