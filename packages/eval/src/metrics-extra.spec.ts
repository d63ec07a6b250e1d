/** Macro-F1, balanced accuracy, calibration and bootstrap intervals against hand-computed values. */
import { describe, expect, it } from 'vitest';
import { bootstrapIntervals } from './bootstrap.js';
import { CalibrationAccumulator } from './calibration.js';
import { ClassificationAccumulator } from './classification-metrics.js';
import { balancedAccuracyOf, macroF1Of, perClassF1 } from './confusion-metrics.js';

describe('confusion-matrix metrics', () => {
  // true 0: 3 samples, predicted 0,0,1; true 1: 1 sample predicted 1; true 2: 2 samples predicted 0,1
  // (class 2 has samples but is never predicted); true 3: no samples.
  const confusion = [
    [2, 1, 0, 0],
    [0, 1, 0, 0],
    [1, 1, 0, 0],
    [0, 0, 0, 0],
  ];
  it('F1 per class: precision from columns, recall from rows, 0 for a never-predicted class, NaN for an empty one', () => {
    // class 0: P = 2/3, R = 2/3 -> 2/3; class 1: P = 1/3, R = 1 -> 0.5; class 2: 0; class 3: NaN
    const f1 = perClassF1(confusion);
    expect(f1[0]).toBeCloseTo(2 / 3, 12);
    expect(f1[1]).toBeCloseTo(0.5, 12);
    expect(f1[2]).toBe(0);
    expect(f1[3]).toBeNaN();
    expect(macroF1Of(confusion)).toBeCloseTo((2 / 3 + 0.5 + 0) / 3, 12);
  });
  it('balanced accuracy averages recall over the classes with samples', () => {
    expect(balancedAccuracyOf(confusion)).toBeCloseTo((2 / 3 + 1 + 0) / 3, 12);
    expect(balancedAccuracyOf([[0, 0], [0, 0]])).toBeNaN();
  });
  it('the accumulator reports them, with ties resolved to the lowest index for the prediction', () => {
    const acc = new ClassificationAccumulator(3, [1]);
    acc.add([1, 1, 0, 0, 2, 0, 0, 0, 5], [1, 1, 2]); // argmax 0 (tie), 1, 2
    const r = acc.report();
    expect(r.confusion).toEqual([[0, 0, 0], [1, 1, 0], [0, 0, 1]]);
    expect(r.balancedAccuracy).toBeCloseTo((0.5 + 1) / 2, 12);
    // class 1: P 1, R 0.5 -> 2/3; class 2: 1; class 0 has no samples
    expect(r.macroF1).toBeCloseTo((2 / 3 + 1) / 2, 12);
  });
});

describe('expected calibration error', () => {
  it('weights |accuracy - confidence| per bin by the bin\'s share', () => {
    const cal = new CalibrationAccumulator(10);
    cal.add(0.95, true);
    cal.add(0.95, false); // bin (0.9, 1]: accuracy 0.5, confidence 0.95
    cal.add(0.3, true); // bin (0.2, 0.3]: accuracy 1, confidence 0.3
    cal.add(1, true); // 1 lands in the last bin
    const r = cal.report();
    expect(r.bins[9]!.count).toBe(3);
    expect(r.bins[2]!.count).toBe(1);
    const top = Math.abs(2 / 3 - (0.95 + 0.95 + 1) / 3);
    expect(r.ece).toBeCloseTo((3 / 4) * top + (1 / 4) * 0.7, 12);
    expect(new CalibrationAccumulator().report().ece).toBeNaN();
  });
  it('is the confidence gap of a constant predictor from the accumulator\'s softmax', () => {
    const acc = new ClassificationAccumulator(2, [1]);
    // logits [ln 3, 0]: softmax 0.75 for class 0; labels half 0, half 1 -> accuracy 0.5
    acc.add([Math.log(3), 0, Math.log(3), 0], [0, 1]);
    expect(acc.report().ece).toBeCloseTo(0.25, 12);
  });
});

describe('bootstrap intervals', () => {
  const labels = Array.from({ length: 200 }, (_, i) => i % 4);
  const predicted = labels.map((l, i) => (i % 5 === 0 ? (l + 1) % 4 : l)); // 80% right

  it('bracket the point estimate, narrow with more samples, and repeat exactly per seed', () => {
    const a = bootstrapIntervals(labels, predicted, 4, undefined, { seed: 3, resamples: 500 });
    expect(a['top1']!.low).toBeLessThan(0.8);
    expect(a['top1']!.high).toBeGreaterThan(0.8);
    // binomial standard error sqrt(0.16 / 200) = 0.028: the 95% interval is about +-0.055
    expect(a['top1']!.high - a['top1']!.low).toBeGreaterThan(0.07);
    expect(a['top1']!.high - a['top1']!.low).toBeLessThan(0.15);
    expect(bootstrapIntervals(labels, predicted, 4, undefined, { seed: 3, resamples: 500 })).toEqual(a);
    expect(bootstrapIntervals(labels, predicted, 4, undefined, { seed: 4, resamples: 500 })).not.toEqual(a);
    const many = bootstrapIntervals([...labels, ...labels, ...labels, ...labels], [...predicted, ...predicted, ...predicted, ...predicted], 4, undefined, { seed: 3, resamples: 500 });
    expect(many['top1']!.high - many['top1']!.low).toBeLessThan(a['top1']!.high - a['top1']!.low);
    expect(a['macroF1']!.low).toBeLessThan(a['macroF1']!.high);
  });
  it('collapses to the value when every prediction is right, and is NaN without samples', () => {
    const perfect = bootstrapIntervals([0, 1, 2], [0, 1, 2], 3, undefined, { resamples: 50 });
    expect(perfect['top1']).toEqual({ low: 1, high: 1 });
    expect(bootstrapIntervals([], [], 3)['top1']!.low).toBeNaN();
  });
});
