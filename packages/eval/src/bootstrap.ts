/**
 * Percentile bootstrap confidence intervals over test samples. The shared test sets are small
 * (300 clips, 1,000 ImageNet images, 14 videos), so every reported figure carries its interval.
 * Each resample draws n samples with replacement and recomputes the metric from the resampled
 * confusion matrix; the interval is the (1 - level)/2 and (1 + level)/2 quantiles of the resampled
 * values (linear interpolation). Deterministic per seed.
 */
import { Rng, RNG_STREAMS } from '@augprior/core';
import { balancedAccuracyOf, macroF1Of } from './confusion-metrics.js';

export interface Interval {
  low: number;
  high: number;
}

export interface BootstrapOptions {
  resamples?: number;
  /** Coverage, e.g. 0.95. */
  level?: number;
  seed?: number;
}

export type ConfusionMetric = (confusion: number[][]) => number;

export const BOOTSTRAP_METRICS: Record<string, ConfusionMetric> = {
  top1: (confusion) => {
    let correct = 0;
    let total = 0;
    confusion.forEach((row, c) => {
      correct += row[c]!;
      for (const v of row) total += v;
    });
    return total ? correct / total : NaN;
  },
  balancedAccuracy: balancedAccuracyOf,
  macroF1: macroF1Of,
};

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/** Intervals for each metric, from per-sample true labels and predictions. */
export function bootstrapIntervals(labels: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number, metrics: Record<string, ConfusionMetric> = BOOTSTRAP_METRICS, options: BootstrapOptions = {}): Record<string, Interval> {
  const n = labels.length;
  if (predicted.length !== n) throw new Error(`bootstrap: ${n} labels but ${predicted.length} predictions`);
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  const names = Object.keys(metrics);
  const values = names.map(() => new Float64Array(resamples));
  if (n === 0) return Object.fromEntries(names.map((name) => [name, { low: NaN, high: NaN }]));
  const rng = Rng.derive(options.seed ?? 0, RNG_STREAMS.bootstrap);
  const confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let r = 0; r < resamples; r++) {
    for (const row of confusion) row.fill(0);
    for (let i = 0; i < n; i++) {
      const k = rng.int(n);
      confusion[labels[k]!]![predicted[k]!]! += 1;
    }
    names.forEach((name, m) => (values[m]![r] = metrics[name]!(confusion)));
  }
  for (const row of confusion) row.fill(0);
  for (let i = 0; i < n; i++) confusion[labels[i]!]![predicted[i]!]! += 1;
  return Object.fromEntries(
    names.map((name, m) => {
      // NaN resamples (a metric undefined on that draw) are left out of the quantiles.
      const finite = Float64Array.from(values[m]!.filter((v) => !Number.isNaN(v))).sort();
      const interval = { low: quantile(finite, (1 - level) / 2), high: quantile(finite, (1 + level) / 2) };
      // A percentile interval can miss its own point estimate on degenerate resamples (one class
      // left, a skewed metric); a reported figure always lies inside its interval.
      const point = metrics[name]!(confusion);
      return [name, Number.isNaN(point) || Number.isNaN(interval.low) ? interval : { low: Math.min(interval.low, point), high: Math.max(interval.high, point) }];
    }),
  );
}
