/**
 * Teacher-aware selection of training samples, without labels: the teacher scores every sample
 * of a fixed pool once (its argmax class and the entropy of its softmax), and batches are then
 * drawn with replacement from weights built on those scores. `class_balance` flattens the
 * teacher's class histogram over the pool (a source whose patches the teacher mostly calls
 * "frog" then shows the student the few "truck"-like patches as often as the frogs); `entropy`
 * favours the patches the teacher is least sure of, where its soft outputs carry the most.
 * Modality-free: a source hands its pool in batches and gets weights back.
 */
import { z } from 'zod';
import { AugpriorError } from '../errors.js';
import { Rng } from '../rng.js';
import { tf, type Tensor } from '../tf.js';
import type { Predictor } from '../teachers/predictor.js';

export const SelectionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({
    kind: z.literal('class_balance'),
    /** 1: every teacher class drawn equally often; 0: no reweighting; between: weight = count^-strength. */
    strength: z.number().min(0).max(1).default(1),
  }),
  z.strictObject({
    kind: z.literal('entropy'),
    /** weight = (entropy / log K)^strength: 0 is uniform, larger favours uncertain samples harder. */
    strength: z.number().min(0).max(8).default(1),
  }),
]);
export type SelectionOptions = z.infer<typeof SelectionSchema>;

/** What the teacher says about each sample of the pool. */
export interface TeacherScores {
  readonly numClasses: number;
  readonly argmax: Int32Array;
  /** Entropy of the teacher's softmax (T = 1), in nats. */
  readonly entropy: Float32Array;
  /** The teacher's softmax probability of its argmax class. */
  readonly confidence: Float32Array;
}

/**
 * Runs the teacher once over a pool, in batches from `batchAt(start, count)` (a tensor the
 * caller allocates and this function frees).
 */
export async function scorePool(teacher: Predictor, poolSize: number, batchSize: number, batchAt: (start: number, count: number) => Tensor, onProgress?: (done: number) => void): Promise<TeacherScores> {
  const argmax = new Int32Array(poolSize);
  const entropy = new Float32Array(poolSize);
  const confidence = new Float32Array(poolSize);
  for (let start = 0; start < poolSize; start += batchSize) {
    const count = Math.min(batchSize, poolSize - start);
    const x = batchAt(start, count);
    let logits: Tensor | undefined;
    try {
      logits = await teacher.predict(x);
      const scored = logits;
      const classes = tf.tidy(() => tf.argMax(scored, 1));
      const nats = tf.tidy(() => {
        const logp = tf.logSoftmax(scored);
        return tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), 1));
      });
      const top = tf.tidy(() => tf.exp(tf.max(tf.logSoftmax(scored), 1)));
      try {
        argmax.set((await classes.data()) as Int32Array, start);
        entropy.set((await nats.data()) as Float32Array, start);
        confidence.set((await top.data()) as Float32Array, start);
      } finally {
        classes.dispose();
        nats.dispose();
        top.dispose();
      }
    } finally {
      x.dispose();
      logits?.dispose();
    }
    onProgress?.(start + count);
  }
  return { numClasses: teacher.numClasses, argmax, entropy, confidence };
}

/**
 * A subset of `keep` pool samples whose teacher classes come out as even as the pool allows: the
 * classes take turns, each giving its most confident remaining sample (ties to the lower index).
 * The kept indices come back sorted. Where `selectionWeights` reweights draws over the whole
 * pool, this fixes a smaller pool (the audio recipe's 10,000 of 30,000 clips).
 */
export function balancedSubset(scores: Pick<TeacherScores, 'argmax' | 'confidence'>, keep: number): Int32Array {
  const { argmax, confidence } = scores;
  const byClass = new Map<number, number[]>();
  argmax.forEach((c, i) => {
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  });
  const queues = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, ids]) => ids.sort((a, b) => confidence[b]! - confidence[a]! || a - b));
  const chosen: number[] = [];
  const target = Math.min(keep, argmax.length);
  for (let round = 0; chosen.length < target; round++) {
    for (const queue of queues) if (round < queue.length && chosen.length < target) chosen.push(queue[round]!);
  }
  return Int32Array.from(chosen.sort((a, b) => a - b));
}

/** Per-sample draw weights (unnormalised, all > 0) of a selection rule over the teacher's scores. */
export function selectionWeights(scores: TeacherScores, selection: SelectionOptions): Float64Array {
  const n = scores.argmax.length;
  const weights = new Float64Array(n).fill(1);
  if (selection.kind === 'class_balance') {
    const counts = new Float64Array(scores.numClasses);
    for (const c of scores.argmax) counts[c]! += 1;
    for (let i = 0; i < n; i++) weights[i] = counts[scores.argmax[i]!]! ** -selection.strength;
  } else if (selection.kind === 'entropy') {
    const maxNats = Math.log(scores.numClasses);
    // A floor keeps a confidently-scored sample drawable: the pool stays the pool.
    for (let i = 0; i < n; i++) weights[i] = Math.max(scores.entropy[i]! / maxNats, 1e-3) ** selection.strength;
  }
  return weights;
}

/**
 * Draws indices with probability proportional to fixed weights in O(1) per draw (Walker's alias
 * method); a draw uses exactly two uniforms of the given stream, so a batch depends only on the
 * stream it is given (resume-exact).
 */
export class WeightedSampler {
  private readonly probability: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: Float64Array) {
    const n = weights.length;
    if (n === 0) throw new AugpriorError('data.selection', 'a weighted sampler needs at least one sample');
    let total = 0;
    for (const w of weights) {
      if (!(w > 0) || !Number.isFinite(w)) throw new AugpriorError('data.selection', `selection weights must be finite and > 0 (got ${w})`);
      total += w;
    }
    this.probability = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = Float64Array.from(weights, (w) => (w * n) / total);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = n - 1; i >= 0; i--) (scaled[i]! < 1 ? small : large).push(i);
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.probability[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l]! < 1 ? small : large).push(l);
    }
    // What is left is 1 up to rounding.
    for (const i of [...small, ...large]) {
      this.probability[i] = 1;
      this.alias[i] = i;
    }
  }

  get size(): number {
    return this.probability.length;
  }

  draw(rng: Rng): number {
    const i = rng.int(this.probability.length);
    return rng.uniform() < this.probability[i]! ? i : this.alias[i]!;
  }
}

/** How the teacher's classes spread over the pool, before and after the weights: for the run log. */
export function describeSelection(scores: TeacherScores, weights: Float64Array, classNames?: readonly string[]): string {
  const before = new Float64Array(scores.numClasses);
  const after = new Float64Array(scores.numClasses);
  let total = 0;
  for (let i = 0; i < scores.argmax.length; i++) {
    before[scores.argmax[i]!]! += 1;
    after[scores.argmax[i]!]! += weights[i]!;
    total += weights[i]!;
  }
  const n = scores.argmax.length;
  const meanNats = scores.entropy.reduce((a, b) => a + b, 0) / n;
  const share = (v: number, of: number) => `${((100 * v) / of).toFixed(1)}%`;
  const parts = Array.from(before, (count, c) => `${classNames?.[c] ?? c} ${share(count, n)}->${share(after[c]!, total)}`);
  return `teacher argmax over ${n} samples (pool share -> draw share): ${parts.join(', ')}; mean entropy ${meanNats.toFixed(3)} nats`;
}
