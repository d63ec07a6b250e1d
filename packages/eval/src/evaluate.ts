/** Runs a model over a labelled dataset batch by batch and folds the logits into metrics. */
import { AugpriorError, checkClassNames, syncPredictor, tf, type LabeledDataset, type Predictor, type Tensor } from '@augprior/core';
import type { BootstrapOptions, Interval } from './bootstrap.js';
import { AgreementAccumulator, ClassificationAccumulator, type ClassificationReport } from './classification-metrics.js';

/** A plain synchronous tfjs function also counts as a predictor (it runs inside tidy). */
export type Predict = (x: Tensor) => Tensor;

function asPredictor(model: Predictor | Predict, numClasses: number): Predictor {
  return typeof model === 'function' ? syncPredictor(model, { numClasses }) : model;
}

/**
 * Rows [n * views, C] of logits -> [n, C] log of the mean softmax over each sample's views (the
 * standard multi-view protocol; ranks equal those of the averaged probabilities).
 */
export function averageViews(logits: Float32Array, classes: number, views: number): Float32Array {
  const n = logits.length / (classes * views);
  const out = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) {
    for (let v = 0; v < views; v++) {
      const row = (i * views + v) * classes;
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, logits[row + c]!);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp(logits[row + c]! - max);
      for (let c = 0; c < classes; c++) out[i * classes + c] = out[i * classes + c]! + Math.exp(logits[row + c]! - max) / sum / views;
    }
  }
  for (let k = 0; k < out.length; k++) out[k] = Math.log(out[k]!);
  return out;
}

export interface EvaluateOptions {
  batchSize?: number;
  topK?: number[];
  /** When given, also reports student/teacher agreement on the same images. */
  teacher?: Predictor;
  onBatch?: (done: number, total: number) => void;
  /** Bootstrap settings for the 95% intervals (1,000 resamples, seed 0 by default); false skips them. */
  bootstrap?: BootstrapOptions | false;
  /** The model's class names in output order, where it has them: checked against the dataset's. */
  classNames?: readonly string[];
  /** What is evaluated, for error messages (e.g. "teacher resnet56 from x.th"). */
  model?: string;
}

function countNonFinite(values: Float32Array): number {
  let bad = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) bad++;
  return bad;
}

export interface EvaluationResult extends ClassificationReport {
  /** Percentile-bootstrap intervals (top1, balancedAccuracy, macroF1). */
  intervals?: Record<string, Interval>;
  agreement?: number;
  meanKl?: number;
  seconds: number;
  samplesPerSecond: number;
}

export async function evaluateClassifier(model: Predictor | Predict, dataset: LabeledDataset, options: EvaluateOptions = {}): Promise<EvaluationResult> {
  const predictor = asPredictor(model, dataset.numClasses);
  const started = performance.now();
  const what = options.model ?? 'the model';
  const classNames = options.classNames ?? predictor.classNames;
  if (classNames && dataset.classNames) checkClassNames(classNames, dataset.classNames, what, dataset.description);
  const metrics = new ClassificationAccumulator(dataset.numClasses, options.topK ?? [1, 5]);
  const agreement = options.teacher ? new AgreementAccumulator(dataset.numClasses) : undefined;
  let done = 0;
  // Logits that are NaN/Inf make every metric meaningless (argmax of NaN is class 0, so a broken
  // model can score 100% on a sorted set); they are counted over the whole set, then refused.
  let nonFiniteSamples = 0;
  let nonFiniteValues = 0;
  for await (const batch of dataset.batches(options.batchSize ?? 256)) {
    try {
      const logits = await predictor.predict(batch.x);
      const teacherLogits = options.teacher ? await options.teacher.predict(batch.x) : undefined;
      try {
        const classes = logits.shape[logits.shape.length - 1];
        if (classes !== dataset.numClasses) {
          throw new AugpriorError('eval.class-mismatch', `${what} predicts ${classes} classes but ${dataset.description} has ${dataset.numClasses}`, 'evaluate on a dataset with the classes the model was trained on (a teacher subset: teacher kind class_subset)');
        }
        const views = batch.views ?? 1;
        const raw = (await logits.data()) as Float32Array;
        const bad = countNonFinite(raw);
        if (bad > 0) {
          nonFiniteValues += bad;
          for (let i = 0; i < raw.length; i += classes * views) if (countNonFinite(raw.subarray(i, i + classes * views)) > 0) nonFiniteSamples++;
        } else {
          const values = views > 1 ? averageViews(raw, dataset.numClasses, views) : raw;
          metrics.add(values, (await batch.y.data()) as Int32Array);
          if (agreement && teacherLogits) {
            const t = (await teacherLogits.data()) as Float32Array;
            agreement.add(values, views > 1 ? averageViews(t, dataset.numClasses, views) : t);
          }
        }
      } finally {
        tf.dispose([logits, ...(teacherLogits ? [teacherLogits] : [])]);
      }
      done += batch.y.shape[0]!;
      options.onBatch?.(done, dataset.size);
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  }
  if (nonFiniteSamples > 0) {
    throw new AugpriorError(
      'eval.non-finite',
      `${what} produced non-finite logits (NaN/Inf) for ${nonFiniteSamples} of ${done} samples of ${dataset.description} (${nonFiniteValues} values); no accuracy is reported for it`,
      'its weights are broken (a diverged run, a damaged file) or its input preprocessing is wrong; evaluate an earlier checkpoint or check the teacher file',
    );
  }
  if (done === 0) {
    throw new AugpriorError('eval.empty', `${dataset.description} yielded no samples, so there is nothing to evaluate`, 'check the dataset path and split (and, for video sets, that the videos decode)');
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    ...metrics.report(),
    ...(options.bootstrap === false ? {} : { intervals: metrics.intervals(options.bootstrap ?? {}) }),
    ...(agreement ? (({ agreement: a, meanKl }) => ({ agreement: a, meanKl }))(agreement.report()) : {}),
    seconds,
    samplesPerSecond: done / Math.max(seconds, 1e-9),
  };
}

/** The scalar part of a result, for metrics.jsonl lines. */
export function scalarMetrics(result: EvaluationResult): Record<string, number> {
  const out: Record<string, number> = { top1: result.top1, count: result.count, samplesPerSecond: Math.round(result.samplesPerSecond * 10) / 10 };
  // Test sets with skewed classes (Speech Commands' _unknown_ is 2/3 of the v0.01 sample) need the
  // class-balanced figure beside top-1: the mean accuracy over the classes that have samples.
  if (!Number.isNaN(result.balancedAccuracy)) out['balancedAccuracy'] = result.balancedAccuracy;
  if (!Number.isNaN(result.macroF1)) out['macroF1'] = result.macroF1;
  if (!Number.isNaN(result.ece)) out['ece'] = result.ece;
  for (const [name, interval] of Object.entries(result.intervals ?? {})) {
    if (Number.isNaN(interval.low)) continue;
    out[`${name}Low`] = interval.low;
    out[`${name}High`] = interval.high;
  }
  if (result.top5 !== undefined) out['top5'] = result.top5;
  if (result.agreement !== undefined) out['agreement'] = result.agreement;
  if (result.meanKl !== undefined) out['meanKl'] = result.meanKl;
  return out;
}
