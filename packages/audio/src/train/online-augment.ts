/**
 * Waveform augmentation drawn afresh for every batch, on top of the fixed generated clips. The
 * teacher reads the same augmented waveform as the student, so its targets stay its own answer to
 * exactly what the student sees (unlike a spectrogram mask filled with a value the teacher never
 * meets). It turns a fixed pool that a 60-minute run sees a hundred times into new inputs every
 * epoch: a time shift, a gain, and a second clip of the same recording mixed underneath at a
 * random SNR (a background talker, the commonest corruption of keyword recordings). An extension
 * of the paper; absent from a config, nothing changes.
 */
import { z } from 'zod';
import type { Rng } from '@augprior/core';
import { rmsOf } from '../source/waveform-augment.js';

export const OnlineAugmentSchema = z.strictObject({
  /** Each clip moves by up to this many ms either way, zero-filled. */
  shiftMs: z.number().min(0).default(0),
  /** Gain in dB, uniform in the range. */
  gainDb: z.tuple([z.number(), z.number()]).default([0, 0]),
  /** With probability p, another clip of the batch's pool is added under the clip at an SNR (dB) uniform in the range. */
  background: z
    .strictObject({ p: z.number().min(0).max(1).default(0), snrDb: z.tuple([z.number(), z.number()]).default([10, 30]) })
    .default({ p: 0, snrDb: [10, 30] }),
  /**
   * Draw each row's augmentation from `variants` fixed ones per clip instead of afresh: row =
   * (clip, variant), a pure function of both, so the trainer's row cache can answer it from memory
   * (trainer/row-cache.ts). Trades unlimited variety for variants x the fixed clips at cached speed.
   * Absent: a new augmentation every batch (not cacheable).
   */
  variants: z.number().int().min(1).max(1024).optional(),
});
export type OnlineAugment = z.infer<typeof OnlineAugmentSchema>;

/**
 * Augments clip `i` of a batch in place. `clip(k)` reads clip k of the pool as floats in [-1, 1];
 * `pool` is how many there are. Draws come from `rng` in a fixed order per clip (shift, gain,
 * background), so a batch depends only on its stream.
 */
export function augmentOnline(x: Float32Array, options: OnlineAugment, sampleRate: number, pool: number, clip: (k: number) => Float32Array, rng: Rng): void {
  const L = x.length;
  const maxShift = Math.round((options.shiftMs / 1000) * sampleRate);
  const shift = maxShift > 0 ? Math.round(rng.range(-maxShift, maxShift)) : 0;
  const gain = 10 ** (rng.range(options.gainDb[0], options.gainDb[1]) / 20);
  const mixed = rng.uniform() < options.background.p;
  const partner = mixed ? Math.min(pool - 1, Math.floor(rng.uniform() * pool)) : -1;
  const snrDb = mixed ? rng.range(options.background.snrDb[0], options.background.snrDb[1]) : 0;
  if (shift !== 0) {
    const moved = new Float32Array(L);
    if (shift > 0) moved.set(x.subarray(0, L - shift), shift);
    else moved.set(x.subarray(-shift));
    x.set(moved);
  }
  if (mixed) {
    const other = clip(partner);
    const signal = rmsOf(x);
    const noise = rmsOf(other);
    // A silent clip or a silent partner gets nothing: there is no SNR to hold.
    if (signal > 0 && noise > 0) {
      const scale = signal / (10 ** (snrDb / 20) * noise);
      for (let k = 0; k < L; k++) x[k] = x[k]! + other[k]! * scale;
    }
  }
  if (gain !== 1) for (let k = 0; k < L; k++) x[k] = Math.max(-1, Math.min(1, x[k]! * gain));
}
