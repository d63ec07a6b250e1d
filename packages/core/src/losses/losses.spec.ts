import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { useEngine } from '../test-utils/backends.js';
import { crossEntropy, klDistillation } from './index.js';

beforeAll(() => useEngine('cpu'));

describe('klDistillation', () => {
  it('matches a hand-computed KL at T = 2', () => {
    // teacher [0, ln 3] / 2 -> softmax [1/(1+sqrt3), sqrt3/(1+sqrt3)]; student [0, 0] -> [1/2, 1/2].
    const p = [1 / (1 + Math.sqrt(3)), Math.sqrt(3) / (1 + Math.sqrt(3))];
    const expected = p[0]! * Math.log(p[0]! / 0.5) + p[1]! * Math.log(p[1]! / 0.5);
    const loss = klDistillation(tf.tensor2d([[0, 0]]), tf.tensor2d([[0, Math.log(3)]]), { temperature: 2, scaleByTemperatureSquared: false });
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 6);
    const scaled = klDistillation(tf.tensor2d([[0, 0]]), tf.tensor2d([[0, Math.log(3)]]), { temperature: 2, scaleByTemperatureSquared: true });
    expect(scaled.dataSync()[0]).toBeCloseTo(4 * expected, 5);
  });
  it('is zero when the student equals the teacher and averages over the batch', () => {
    const same = klDistillation(tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[1, 2, 3]]), { temperature: 8, scaleByTemperatureSquared: false });
    expect(same.dataSync()[0]).toBeCloseTo(0, 7);
    const one = klDistillation(tf.tensor2d([[0, 0]]), tf.tensor2d([[0, 4]]), { temperature: 1, scaleByTemperatureSquared: false }).dataSync()[0]!;
    const two = klDistillation(tf.tensor2d([[0, 0], [1, 1]]), tf.tensor2d([[0, 4], [1, 1]]), { temperature: 1, scaleByTemperatureSquared: false }).dataSync()[0]!;
    expect(two).toBeCloseTo(one / 2, 6);
  });
  it('class-balance weights count each teacher class in the batch equally at power 1, half-way at 0.5', () => {
    const student = [[0, 0], [0, 1], [2, 0]];
    const teacher = [[3, 0], [1, 0], [0, 2]]; // argmax 0, 0, 1
    const options = { temperature: 1, scaleByTemperatureSquared: false };
    const each = student.map((s, i) => klDistillation(tf.tensor2d([s]), tf.tensor2d([teacher[i]!]), options).dataSync()[0]!);
    const weighted = (w: number[]) => (each[0]! * w[0]! + each[1]! * w[1]! + each[2]! * w[2]!) / 3;
    // power 1: weights 1/2, 1/2, 1 normalised to mean 1 -> 0.75, 0.75, 1.5
    const balanced = klDistillation(tf.tensor2d(student), tf.tensor2d(teacher), { ...options, classBalancePower: 1 }).dataSync()[0]!;
    expect(balanced).toBeCloseTo(weighted([0.75, 0.75, 1.5]), 6);
    const r = Math.SQRT1_2;
    const half = klDistillation(tf.tensor2d(student), tf.tensor2d(teacher), { ...options, classBalancePower: 0.5 }).dataSync()[0]!;
    const m = (2 * r + 1) / 3;
    expect(half).toBeCloseTo(weighted([r / m, r / m, 1 / m]), 6);
    expect(klDistillation(tf.tensor2d(student), tf.tensor2d(teacher), { ...options, classBalancePower: 0 }).dataSync()[0]).toBeCloseTo(weighted([1, 1, 1]), 6);
  });
});

describe('crossEntropy', () => {
  it('equals -log softmax of the true class, with label smoothing as documented', () => {
    const logits = tf.tensor2d([[2, 0, 0]]);
    const logZ = Math.log(Math.exp(2) + 2);
    expect(crossEntropy(logits, tf.tensor1d([0], 'int32'), { labelSmoothing: 0 }).dataSync()[0]).toBeCloseTo(logZ - 2, 6);
    // smoothing 0.3 over 3 classes: targets [0.8, 0.1, 0.1]
    const expected = 0.8 * (logZ - 2) + 0.1 * logZ + 0.1 * logZ;
    expect(crossEntropy(logits, tf.tensor1d([0], 'int32'), { labelSmoothing: 0.3 }).dataSync()[0]).toBeCloseTo(expected, 6);
  });
});
