import { describe, expect, it } from 'vitest';
import { AgreementAccumulator, ClassificationAccumulator } from './classification-metrics.js';

describe('ClassificationAccumulator', () => {
  it('counts top-1 / top-5, per-class accuracy and the confusion matrix by hand', () => {
    const acc = new ClassificationAccumulator(6);
    // sample 0: label 0, argmax 0 (correct); sample 1: label 1, argmax 2, rank of label 1 = 1 (top-5 hit)
    // sample 2: label 5, its score is the lowest of 6 -> rank 5 (top-5 miss)
    acc.add([9, 1, 1, 1, 1, 1, 0, 5, 6, 0, 0, 0, 6, 5, 4, 3, 2, 1], [0, 1, 5]);
    const r = acc.report();
    expect(r.count).toBe(3);
    expect(r.top1).toBeCloseTo(1 / 3);
    expect(r.top5).toBeCloseTo(2 / 3);
    expect(r.perClassAccuracy[0]).toBe(1);
    expect(r.perClassAccuracy[1]).toBe(0);
    expect(r.perClassAccuracy[3]).toBeNaN(); // a class with no samples
    expect(r.confusion[1]![2]).toBe(1);
    expect(r.confusion[5]![0]).toBe(1);
  });
  it('counts ties in the true class\'s favour and streams across batches', () => {
    const acc = new ClassificationAccumulator(3, [1]);
    acc.add([1, 1, 0], [1]);
    acc.add([0, 0, 2], [0]);
    expect(acc.report()).toMatchObject({ count: 2, top1: 0.5 });
    expect(acc.report().top5).toBeUndefined();
  });
  it('rejects labels out of range and logits of the wrong size', () => {
    const acc = new ClassificationAccumulator(3);
    expect(() => acc.add([0, 0, 0], [3])).toThrow(/label 3 outside 0..2/);
    expect(() => acc.add([0, 0], [0])).toThrow(/expected 1 x 3 classes/);
  });
});

describe('AgreementAccumulator', () => {
  it('reports top-1 agreement and mean KL(teacher || student)', () => {
    const acc = new AgreementAccumulator(2);
    acc.add(new Float32Array([0, 0, 1, 0]), new Float32Array([0, Math.log(3), 2, 0]));
    const r = acc.report();
    expect(r.agreement).toBe(0.5); // sample 0: student tie -> argmax 0 vs teacher 1; sample 1 agrees
    const p = [0.25, 0.75];
    const kl0 = p[0]! * Math.log(p[0]! / 0.5) + p[1]! * Math.log(p[1]! / 0.5);
    const s = [Math.E / (Math.E + 1), 1 / (Math.E + 1)];
    const t = [Math.exp(2) / (Math.exp(2) + 1), 1 / (Math.exp(2) + 1)];
    const kl1 = t[0]! * Math.log(t[0]! / s[0]!) + t[1]! * Math.log(t[1]! / s[1]!);
    expect(r.meanKl).toBeCloseTo((kl0 + kl1) / 2, 6);
  });
});
