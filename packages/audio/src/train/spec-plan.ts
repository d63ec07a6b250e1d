/**
 * Spectrogram augmentation as a per-batch plan: SpecAugment time/frequency masks and mixup/cutmix
 * of spectrograms, drawn once per batch in physical units (seconds, Hz) and applied by every
 * feature front end to its own log-mel stage. The teacher (TF MFCC, 40 bands up to 4 kHz) and the
 * student (meyda log-mel) therefore see the same masks and the same mix in their own features.
 */
import { z } from 'zod';
import type { FeaturePlan, Rng } from '@augprior/core';
import type { LogMelLayout } from '../features/extractor.js';

export type { LogMelLayout };

export const SpecAugmentSchema = z.strictObject({
  /** Masks per clip and the widest mask: time in seconds, frequency as a fraction of the mel axis (0-8 kHz). */
  timeMasks: z.strictObject({ count: z.number().int().min(0).default(2), maxSeconds: z.number().min(0).default(0.1) }).default({ count: 2, maxSeconds: 0.1 }),
  freqMasks: z.strictObject({ count: z.number().int().min(0).default(2), maxFraction: z.number().min(0).max(1).default(0.15) }).default({ count: 2, maxFraction: 0.15 }),
  /** Mixing spectrograms with a partner clip: mixup (weighted sum) or cutmix (a time span). */
  /**
   * What a masked cell holds: 'floor' (no energy: the front end's log floor, a notch far below speech
   * that the front ends' DCT and normalisation turn into large coefficients; the default) or 'mean' (the clip's
   * mean log-mel, as SpecAugment implementations that mask normalised features with 0).
   */
  // Optional rather than defaulted, so configs resolved before the option keep their fingerprint.
  maskValue: z.enum(['floor', 'mean']).optional(),
  mix: z.strictObject({ mode: z.enum(['none', 'mixup', 'cutmix']).default('cutmix'), p: z.number().min(0).max(1).default(0.5), alpha: z.number().positive().default(1), partner: z.enum(['reverse', 'permute']).default('reverse') }).default({ mode: 'cutmix', p: 0.5, alpha: 1, partner: 'reverse' }),
});
export type SpecAugment = z.infer<typeof SpecAugmentSchema>;

export interface SpecPlan {
  kind: 'spec-augment/1';
  /** Per clip: masked [start, end) spans in seconds. */
  time: Array<Array<[number, number]>>;
  /** Per clip: masked [low, high) bands in Hz. */
  freq: Array<Array<[number, number]>>;
  mix: { mode: 'mixup'; lambda: number; partner: number[] } | { mode: 'cutmix'; span: [number, number]; partner: number[] } | null;
  /** Absent in plans drawn before the option: 'floor'. */
  maskValue?: 'floor' | 'mean';
}

const melOf = (hz: number) => 1127 * Math.log(1 + hz / 700);
const hzOf = (mel: number) => 700 * (Math.exp(mel / 1127) - 1);

export function drawSpecPlan(options: SpecAugment, n: number, clipSeconds: number, nyquistHz: number, rng: Rng): SpecPlan {
  const melMax = melOf(nyquistHz);
  const time: SpecPlan['time'] = [];
  const freq: SpecPlan['freq'] = [];
  for (let i = 0; i < n; i++) {
    const t: Array<[number, number]> = [];
    for (let k = 0; k < options.timeMasks.count; k++) {
      const width = rng.range(0, options.timeMasks.maxSeconds);
      const start = rng.range(0, Math.max(0, clipSeconds - width));
      t.push([start, start + width]);
    }
    const f: Array<[number, number]> = [];
    for (let k = 0; k < options.freqMasks.count; k++) {
      const width = rng.range(0, options.freqMasks.maxFraction) * melMax;
      const start = rng.range(0, melMax - width);
      f.push([hzOf(start), hzOf(start + width)]);
    }
    time.push(t);
    freq.push(f);
  }
  let mix: SpecPlan['mix'] = null;
  if (options.mix.mode !== 'none' && rng.bernoulli(options.mix.p)) {
    const partner = options.mix.partner === 'reverse' ? Array.from({ length: n }, (_, i) => n - 1 - i) : Array.from(rng.permutation(n));
    const lambda = rng.beta(options.mix.alpha, options.mix.alpha);
    if (options.mix.mode === 'mixup') mix = { mode: 'mixup', lambda, partner };
    else {
      // Partner content covers 1 - lambda of the clip, as image CutMix's box area.
      const width = (1 - lambda) * clipSeconds;
      const start = rng.range(0, clipSeconds - width);
      mix = { mode: 'cutmix', span: [start, start + width], partner };
    }
  }
  return { kind: 'spec-augment/1', time, freq, mix, ...(options.maskValue === 'mean' ? { maskValue: 'mean' as const } : {}) };
}

/** A plan that changes nothing: no mask on any clip and no mix. */
export function isIdentityPlan(plan: SpecPlan): boolean {
  return plan.mix === null && plan.time.every((t) => t.length === 0) && plan.freq.every((f) => f.length === 0);
}

export function isSpecPlan(plan: FeaturePlan | undefined): plan is FeaturePlan & SpecPlan {
  return plan !== undefined && plan['kind'] === 'spec-augment/1';
}

/**
 * Applies a plan in place to log-mel values [n, frames, bands]: mix first (partners read the
 * unmixed values), then masks (the front end's floor, or the clip's mean log-mel after the mix).
 */
export function applySpecPlan(values: Float32Array | Float64Array, layout: LogMelLayout, plan: SpecPlan): void {
  const { frames, bands } = layout;
  const per = frames * bands;
  const n = values.length / per;
  if (plan.mix) {
    const original = values.slice();
    const { partner } = plan.mix;
    for (let i = 0; i < n; i++) {
      const j = partner[i]!;
      if (plan.mix.mode === 'mixup') {
        const l = plan.mix.lambda;
        for (let k = 0; k < per; k++) values[i * per + k] = l * original[i * per + k]! + (1 - l) * original[j * per + k]!;
      } else {
        const [t0, t1] = plan.mix.span;
        for (let f = 0; f < frames; f++) {
          const t = layout.frameSeconds[f]!;
          if (t >= t0 && t < t1) values.set(original.subarray(j * per + f * bands, j * per + (f + 1) * bands), i * per + f * bands);
        }
      }
    }
  }
  for (let i = 0; i < n; i++) {
    let fill = layout.floor;
    if (plan.maskValue === 'mean') {
      let sum = 0;
      for (let k = 0; k < per; k++) sum += values[i * per + k]!;
      fill = sum / per;
    }
    for (const [t0, t1] of plan.time[i] ?? []) {
      for (let f = 0; f < frames; f++) {
        const t = layout.frameSeconds[f]!;
        if (t >= t0 && t < t1) values.fill(fill, i * per + f * bands, i * per + (f + 1) * bands);
      }
    }
    for (const [h0, h1] of plan.freq[i] ?? []) {
      for (let b = 0; b < bands; b++) {
        const hz = layout.bandHz[b]!;
        if (hz >= h0 && hz < h1) for (let f = 0; f < frames; f++) values[i * per + f * bands + b] = fill;
      }
    }
  }
}
