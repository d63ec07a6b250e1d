/**
 * An exponential moving average of the student's weights (Polyak averaging; timm's ModelEmaV2),
 * BatchNorm running statistics included, kept in a second model of the same architecture. Under a
 * constant learning rate the raw weights swing by several points between evaluations; the average
 * smooths the last few hundred steps. The trainer evaluates both (the average is the headline,
 * the raw weights are logged as raw*), checkpoints store it as `ema/<name>`, and a run loaded as
 * a teacher or for evaluation uses it.
 */
import { z } from 'zod';
import { tf } from '../tf.js';
import type { Module } from '../nn/module.js';

export const WeightAverageSchema = z.strictObject({
  /** Weight of the old average per step: 0.999 averages over ~1,000 steps. */
  decay: z.number().gt(0).lt(1).default(0.999),
  /**
   * Ramp the decay as min(decay, (1 + step) / (10 + step)), so the first steps are not averaged
   * with the random initialisation for thousands of steps.
   */
  warmup: z.boolean().default(true),
});
export type WeightAverageOptions = z.infer<typeof WeightAverageSchema>;

export function averageDecay(options: WeightAverageOptions, step: number): number {
  return options.warmup ? Math.min(options.decay, (1 + step) / (10 + step)) : options.decay;
}

/** Copies every parameter and buffer of `from` into `to` (same architecture). */
export function copyWeights(from: Module, to: Module): void {
  const source = from.stateDict();
  for (const [name, variable] of to.stateDict()) variable.assign(source.get(name)!);
}

/** average = d * average + (1 - d) * current, for every parameter and buffer, after the step-th update. */
export function updateAverage(average: Module, current: Module, options: WeightAverageOptions, step: number): void {
  const d = averageDecay(options, step);
  const source = current.stateDict();
  tf.tidy(() => {
    for (const [name, variable] of average.stateDict()) {
      const value = source.get(name)!;
      // Integer buffers (none in our models today) would not average; they follow the current model.
      variable.assign(variable.dtype === 'float32' ? tf.add(tf.mul(variable, d), tf.mul(value, 1 - d)) : value);
    }
  });
}
