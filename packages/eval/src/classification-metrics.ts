/**
 * Streaming classification metrics: batches of logits are folded into counts (and two ints per
 * sample for the bootstrap), so the logits of a test set are never held together. Accuracies are
 * FRACTIONS in [0, 1].
 *
 * Top-k uses the rank of the true class's logit: the number of classes scoring strictly higher.
 * A tie therefore counts in the true class's favour (torch.topk would break it by index order).
 */
import { bootstrapIntervals, type BootstrapOptions, type Interval } from './bootstrap.js';
import { CalibrationAccumulator } from './calibration.js';
import { balancedAccuracyOf, macroF1Of, perClassF1 } from './confusion-metrics.js';

export interface ClassificationReport {
  count: number;
  top1: number;
  /** Mean recall over the classes that have samples. */
  balancedAccuracy: number;
  /** Mean F1 over the classes that have samples (a never-predicted class scores 0). */
  macroF1: number;
  perClassF1: number[];
  /** Expected calibration error of the top-1 softmax confidence, 15 bins. */
  ece: number;
  /** Present when there are at least 5 classes. */
  top5?: number;
  /** Accuracy per true class; NaN for a class with no samples. */
  perClassAccuracy: number[];
  /** confusion[trueClass][predictedClass] = count. */
  confusion: number[][];
}

export class ClassificationAccumulator {
  private count = 0;
  private readonly correctAtK: number[];
  private readonly confusion: number[][];
  private readonly calibration = new CalibrationAccumulator(15);
  private labels = new Int32Array(1024);
  private predictions = new Int32Array(1024);

  constructor(
    readonly numClasses: number,
    readonly topK: readonly number[] = [1, 5],
  ) {
    this.correctAtK = topK.map(() => 0);
    this.confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  }

  /** logits: row-major [n, numClasses]; labels: [n]. */
  add(logits: Float32Array | number[], labels: Int32Array | number[]): void {
    const n = labels.length;
    if (logits.length !== n * this.numClasses) {
      throw new Error(`logits hold ${logits.length} values, expected ${n} x ${this.numClasses} classes`);
    }
    for (let i = 0; i < n; i++) {
      const label = labels[i]!;
      if (!Number.isInteger(label) || label < 0 || label >= this.numClasses) throw new Error(`label ${label} outside 0..${this.numClasses - 1}`);
      const row = i * this.numClasses;
      const trueScore = logits[row + label]!;
      let higher = 0;
      let argmax = 0;
      for (let c = 0; c < this.numClasses; c++) {
        const score = logits[row + c]!;
        if (score > trueScore) higher++;
        if (score > logits[row + argmax]!) argmax = c;
      }
      this.topK.forEach((k, j) => {
        if (higher < k) this.correctAtK[j]! += 1;
      });
      this.confusion[label]![argmax]! += 1;
      // Softmax probability of the argmax: 1 / sum_c exp(l_c - l_max).
      let partition = 0;
      for (let c = 0; c < this.numClasses; c++) partition += Math.exp(logits[row + c]! - logits[row + argmax]!);
      this.calibration.add(1 / partition, argmax === label);
      this.record(label, argmax);
      this.count++;
    }
  }

  private record(label: number, predicted: number): void {
    if (this.count === this.labels.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.labels = grow(this.labels);
      this.predictions = grow(this.predictions);
    }
    this.labels[this.count] = label;
    this.predictions[this.count] = predicted;
  }

  /** Percentile-bootstrap intervals of top-1, balanced accuracy and macro-F1. */
  intervals(options: BootstrapOptions = {}): Record<string, Interval> {
    return bootstrapIntervals(this.labels.subarray(0, this.count), this.predictions.subarray(0, this.count), this.numClasses, undefined, options);
  }

  report(): ClassificationReport {
    const at = (k: number) => {
      const j = this.topK.indexOf(k);
      return j < 0 ? undefined : this.count ? this.correctAtK[j]! / this.count : NaN;
    };
    const perClassAccuracy = this.confusion.map((row, c) => {
      const total = row.reduce((a, b) => a + b, 0);
      return total ? row[c]! / total : NaN;
    });
    const top5 = this.numClasses >= 5 ? at(5) : undefined;
    return {
      count: this.count,
      top1: at(1) ?? NaN,
      balancedAccuracy: balancedAccuracyOf(this.confusion),
      macroF1: macroF1Of(this.confusion),
      perClassF1: perClassF1(this.confusion),
      ece: this.calibration.report().ece,
      ...(top5 !== undefined ? { top5 } : {}),
      perClassAccuracy,
      confusion: this.confusion.map((row) => [...row]),
    };
  }
}

/** Top-1 agreement and mean KL(teacher || student) at temperature 1, streamed. */
export class AgreementAccumulator {
  private count = 0;
  private agree = 0;
  private klSum = 0;

  constructor(readonly numClasses: number) {}

  add(studentLogits: Float32Array, teacherLogits: Float32Array): void {
    const c = this.numClasses;
    const n = studentLogits.length / c;
    for (let i = 0; i < n; i++) {
      const s = studentLogits.subarray(i * c, (i + 1) * c);
      const t = teacherLogits.subarray(i * c, (i + 1) * c);
      const ls = logSoftmax(s);
      const lt = logSoftmax(t);
      let kl = 0;
      for (let j = 0; j < c; j++) kl += Math.exp(lt[j]!) * (lt[j]! - ls[j]!);
      this.klSum += kl;
      if (argmax(s) === argmax(t)) this.agree++;
      this.count++;
    }
  }

  report(): { agreement: number; meanKl: number; count: number } {
    return { agreement: this.agree / this.count, meanKl: this.klSum / this.count, count: this.count };
  }
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

function logSoftmax(v: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) max = Math.max(max, v[i]!);
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += Math.exp(v[i]! - max);
  const logZ = max + Math.log(sum);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! - logZ;
  return out;
}
