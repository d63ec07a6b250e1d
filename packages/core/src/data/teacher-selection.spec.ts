import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { tf } from '../tf.js';
import { syncPredictor } from '../teachers/predictor.js';
import { balancedSubset, describeSelection, scorePool, SelectionSchema, selectionWeights, WeightedSampler, type TeacherScores } from './teacher-selection.js';

function drawCounts(weights: number[], draws: number, seed: number): number[] {
  const sampler = new WeightedSampler(Float64Array.from(weights));
  const rng = Rng.derive(seed, 7);
  const counts = new Array<number>(weights.length).fill(0);
  for (let i = 0; i < draws; i++) counts[sampler.draw(rng)]! += 1;
  return counts;
}

describe('WeightedSampler (alias method)', () => {
  it('draws each index in proportion to its weight', () => {
    const weights = [1, 2, 3, 4, 0.5, 9.5];
    const draws = 200_000;
    const counts = drawCounts(weights, draws, 1);
    const total = weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < weights.length; i++) {
      const p = weights[i]! / total;
      // 5 standard deviations of a binomial count: fails only if the sampler is biased.
      expect(Math.abs(counts[i]! - draws * p)).toBeLessThan(5 * Math.sqrt(draws * p * (1 - p)));
    }
  });
  it('is a function of the stream it is given (resume-exact), and differs between streams', () => {
    expect(drawCounts([1, 5, 2, 8], 1000, 3)).toEqual(drawCounts([1, 5, 2, 8], 1000, 3));
    const a = new WeightedSampler(Float64Array.from([1, 5, 2, 8]));
    const seq = (seed: number) => { const r = Rng.derive(seed, 7); return Array.from({ length: 50 }, () => a.draw(r)); };
    expect(seq(3)).not.toEqual(seq(4));
  });
  it('refuses zero, negative or non-finite weights and an empty pool, naming the problem', () => {
    expect(() => new WeightedSampler(Float64Array.from([1, 0]))).toThrow(/finite and > 0/);
    expect(() => new WeightedSampler(Float64Array.from([1, Number.NaN]))).toThrow(/finite and > 0/);
    expect(() => new WeightedSampler(new Float64Array(0))).toThrow(/at least one sample/);
  });
});

describe('selection weights from teacher scores', () => {
  // 6 samples: the teacher calls four of them class 0, one class 1, one class 2.
  const scores: TeacherScores = { numClasses: 3, argmax: Int32Array.from([0, 0, 0, 0, 1, 2]), entropy: Float32Array.from([0.1, 0.2, 0.3, 0.4, 1.0, Math.log(3)]), confidence: Float32Array.from([0.9, 0.9, 0.8, 0.8, 0.5, 1 / 3]) };
  const classMass = (w: Float64Array) => [0, 1, 2].map((c) => Array.from(w).reduce((sum, v, i) => sum + (scores.argmax[i] === c ? v : 0), 0));

  it('class_balance at strength 1 gives every predicted class the same draw mass; strength 0 is uniform', () => {
    const balanced = classMass(selectionWeights(scores, SelectionSchema.parse({ kind: 'class_balance' })));
    for (const mass of balanced) expect(mass).toBeCloseTo(balanced[0]!, 12);
    expect(Array.from(selectionWeights(scores, SelectionSchema.parse({ kind: 'class_balance', strength: 0 })))).toEqual([1, 1, 1, 1, 1, 1]);
    const half = classMass(selectionWeights(scores, SelectionSchema.parse({ kind: 'class_balance', strength: 0.5 })));
    expect(half[0]! / half[1]!).toBeCloseTo(2, 12); // 4 samples * 4^-0.5 vs 1 * 1
  });
  it('entropy weights rise with the teacher\'s uncertainty and reach 1 at the uniform distribution', () => {
    const w = selectionWeights(scores, SelectionSchema.parse({ kind: 'entropy', strength: 2 }));
    for (let i = 1; i < 6; i++) expect(w[i]!).toBeGreaterThan(w[i - 1]!);
    expect(w[5]).toBeCloseTo(1, 6);
    expect(Array.from(selectionWeights(scores, { kind: 'none' }))).toEqual([1, 1, 1, 1, 1, 1]);
  });
  it('describes the class shares before and after, by class name', () => {
    const line = describeSelection(scores, selectionWeights(scores, SelectionSchema.parse({ kind: 'class_balance' })), ['cat', 'dog', 'ship']);
    expect(line).toContain('cat 66.7%->33.3%');
    expect(line).toContain('ship 16.7%->33.3%');
  });
});

describe('scorePool', () => {
  it('returns the teacher\'s argmax, softmax entropy and top probability per sample, batch by batch, holding no tensors', async () => {
    // Logits [v, 0, -v] of a 1x1 "image" with value v: argmax 0 when v > 0, 2 when v < 0.
    const teacher = syncPredictor((x) => { const v = tf.reshape(x, [-1, 1]); return tf.concat([v, tf.zerosLike(v), tf.neg(v)], 1); }, { numClasses: 3 });
    const values = [2, -3, 0.5, -0.1, 4];
    const before = tf.memory().numTensors;
    const scores = await scorePool(teacher, values.length, 2, (start, count) => tf.tensor4d(values.slice(start, start + count), [count, 1, 1, 1]));
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(scores.argmax)).toEqual([0, 2, 0, 2, 0]);
    for (let i = 0; i < values.length; i++) {
      const z = [values[i]!, 0, -values[i]!];
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      const h = -e.reduce((acc, v) => acc + (v / s) * Math.log(v / s), 0);
      expect(scores.entropy[i]).toBeCloseTo(h, 5);
      expect(scores.confidence[i]).toBeCloseTo(Math.max(...e) / s, 5);
    }
  });
});

describe('balancedSubset', () => {
  it('lets classes take turns, most confident first, until `keep` samples are chosen', () => {
    // 8 samples: class 2 dominates (6), classes 0 and 1 have one each.
    const argmax = Int32Array.from([2, 2, 0, 2, 2, 1, 2, 2]);
    const confidence = Float32Array.from([0.9, 0.5, 0.4, 0.99, 0.6, 0.3, 0.7, 0.8]);
    expect(Array.from(balancedSubset({ argmax, confidence }, 4))).toEqual([0, 2, 3, 5]);
    expect(Array.from(balancedSubset({ argmax, confidence }, 5))).toEqual([0, 2, 3, 5, 7]);
    expect(Array.from(balancedSubset({ argmax, confidence }, 20))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
