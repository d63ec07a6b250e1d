import { describe, expect, it } from 'vitest';
import { Rng } from '@augprior/core';
import { applySpecPlan, drawSpecPlan, SpecAugmentSchema, type LogMelLayout, type SpecPlan } from './spec-plan.js';

const layout = (frames: number, bands: number): LogMelLayout => ({
  frames,
  bands,
  frameSeconds: Float64Array.from({ length: frames }, (_, f) => (f + 0.5) / frames),
  bandHz: Float64Array.from({ length: bands }, (_, b) => ((b + 0.5) * 8000) / bands),
  floor: -99,
});

describe('spectrogram plans', () => {
  it('draws the same plan from the same seed, masks within the configured widths', () => {
    const options = SpecAugmentSchema.parse({ timeMasks: { count: 3, maxSeconds: 0.2 }, freqMasks: { count: 2, maxFraction: 0.1 }, mix: { mode: 'cutmix', p: 1 } });
    const a = drawSpecPlan(options, 8, 1, 8000, Rng.derive(1, 2));
    const b = drawSpecPlan(options, 8, 1, 8000, Rng.derive(1, 2));
    expect(a).toEqual(b);
    expect(a.time.every((t) => t.length === 3 && t.every(([s, e]) => s >= 0 && e <= 1 && e - s <= 0.2))).toBe(true);
    expect(a.freq.every((f) => f.length === 2 && f.every(([l, h]) => l >= 0 && h <= 8000.001 && h >= l))).toBe(true);
    expect(a.mix?.mode).toBe('cutmix');
    expect(a.mix!.partner).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('cutmix takes the partner span covering 1 - lambda of the clip on average', () => {
    const options = SpecAugmentSchema.parse({ mix: { mode: 'cutmix', p: 1, alpha: 1 } });
    let covered = 0;
    for (let s = 0; s < 400; s++) {
      const plan = drawSpecPlan(options, 2, 1, 8000, Rng.derive(9, s));
      if (plan.mix?.mode !== 'cutmix') throw new Error('expected cutmix');
      covered += plan.mix.span[1] - plan.mix.span[0];
    }
    expect(covered / 400).toBeGreaterThan(0.45); // E[1 - lambda] = 0.5 for Beta(1, 1)
    expect(covered / 400).toBeLessThan(0.55);
  });

  it('applies mix before masks, masks in seconds and Hz, in place', () => {
    const L = layout(10, 8);
    const n = 2;
    const values = Float32Array.from({ length: n * 80 }, (_, i) => (i < 80 ? 1 : 2));
    const plan: SpecPlan = { kind: 'spec-augment/1', time: [[[0.2, 0.4]], []], freq: [[], [[0, 1000]]], mix: { mode: 'cutmix', span: [0.5, 1], partner: [1, 0] } };
    applySpecPlan(values, L, plan);
    const at = (i: number, f: number, b: number) => values[i * 80 + f * 8 + b];
    expect(at(0, 0, 3)).toBe(1);
    expect(at(0, 2, 3)).toBe(-99); // time mask 0.2-0.4 s covers frames 2 and 3 (centres 0.25, 0.35)
    expect(at(0, 3, 3)).toBe(-99);
    expect(at(0, 4, 3)).toBe(1);
    expect(at(0, 5, 3)).toBe(2); // second half from the partner
    expect(at(1, 9, 3)).toBe(1);
    expect(at(1, 0, 0)).toBe(-99); // band centred at 500 Hz masked
    expect(at(1, 0, 1)).toBe(2); // 1500 Hz kept
    const mixup = Float32Array.from({ length: n * 80 }, (_, i) => (i < 80 ? 1 : 3));
    applySpecPlan(mixup, L, { kind: 'spec-augment/1', time: [[], []], freq: [[], []], mix: { mode: 'mixup', lambda: 0.25, partner: [1, 0] } });
    expect(mixup[0]).toBeCloseTo(0.25 * 1 + 0.75 * 3);
    expect(mixup[80]).toBeCloseTo(0.25 * 3 + 0.75 * 1);
  });

  it('fills masks with the clip\'s mean log-mel (after the mix) when maskValue is mean', () => {
    const L = layout(10, 8);
    // Clip 0: frames 0-4 hold 1, frames 5-9 hold 3 (mean 2); clip 1 all 5.
    const values = Float32Array.from({ length: 160 }, (_, i) => (i < 80 ? (i < 40 ? 1 : 3) : 5));
    applySpecPlan(values, L, { kind: 'spec-augment/1', time: [[[0.2, 0.4]], []], freq: [[], [[0, 1000]]], mix: null, maskValue: 'mean' });
    expect(values[2 * 8 + 3]).toBeCloseTo(2);
    expect(values[80]).toBeCloseTo(5);
    expect(values[0]).toBe(1);
    const drawn = drawSpecPlan(SpecAugmentSchema.parse({ maskValue: 'mean' }), 2, 1, 8000, Rng.derive(1, 2));
    expect(drawn.maskValue).toBe('mean');
    expect(drawSpecPlan(SpecAugmentSchema.parse({}), 2, 1, 8000, Rng.derive(1, 2))).not.toHaveProperty('maskValue');
  });
});
