/**
 * The one `result.json` every `train` and `eval` writes, so that reports can read any run of any
 * modality: what was trained from what, on which machine, for how long, and every metric with its
 * 95% bootstrap interval. Older runs (written before this schema) are read through
 * `readRunResult`, which says which field is missing rather than guessing.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AugpriorError, formatZodIssues, type Modality } from '@augprior/core';
import type { EvaluationResult } from './evaluate.js';

export const RESULT_FORMAT = 'augprior-result/1';

/** A figure with its interval (both NaN-free; absent when the interval is undefined, e.g. an empty class set). */
export const MetricSchema = z.strictObject({ value: z.number(), low: z.number().optional(), high: z.number().optional() });

export const EvalSummarySchema = z.strictObject({
  dataset: z.string().min(1),
  count: z.number().int().min(0),
  metrics: z.record(z.string(), MetricSchema),
  perClassAccuracy: z.array(z.number().nullable()),
  classNames: z.array(z.string()).optional(),
  confusion: z.array(z.array(z.number().int().min(0))),
});
export type EvalSummary = z.infer<typeof EvalSummarySchema>;

export const RunResultSchema = z.strictObject({
  format: z.literal(RESULT_FORMAT),
  kind: z.enum(['train', 'eval']),
  name: z.string().min(1),
  modality: z.string().regex(/^[a-z0-9_]+$/, 'a registered modality name (image, audio, video, ...)'),
  mode: z.enum(['distill', 'supervised', 'eval']),
  /** The training data (the one source) or, for an eval, the model evaluated. */
  source: z.string().min(1),
  teacher: z.strictObject({ description: z.string(), eval: EvalSummarySchema.optional() }).nullable(),
  student: z.strictObject({ arch: z.string(), parameters: z.number().int().min(0).optional(), numClasses: z.number().int().positive() }),
  engine: z.strictObject({ name: z.string(), backend: z.string(), device: z.string() }),
  samplesSeen: z.number().int().min(0),
  steps: z.number().int().min(0),
  wallSeconds: z.number().min(0),
  eval: EvalSummarySchema.nullable(),
  configHash: z.string().nullable(),
  gitCommit: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string(),
  augprior: z.string(),
  /** Anything kind-specific (stop reason, resume point, run directory). */
  extra: z.record(z.string(), z.unknown()).default({}),
});
export type RunResult = z.infer<typeof RunResultSchema>;

const finite = (v: number) => (Number.isFinite(v) ? v : undefined);

/** An evaluation as the schema stores it: scalar figures with their intervals, per-class accuracy (null = no samples). */
export function summarizeEvaluation(result: EvaluationResult, dataset: string, classNames?: readonly string[]): EvalSummary {
  const metrics: EvalSummary['metrics'] = {};
  const put = (name: string, value: number | undefined) => {
    if (value === undefined || !Number.isFinite(value)) return;
    const interval = result.intervals?.[name];
    const low = interval ? finite(interval.low) : undefined;
    const high = interval ? finite(interval.high) : undefined;
    metrics[name] = { value, ...(low !== undefined && high !== undefined ? { low, high } : {}) };
  };
  put('top1', result.top1);
  put('top5', result.top5);
  put('balancedAccuracy', result.balancedAccuracy);
  put('macroF1', result.macroF1);
  put('ece', result.ece);
  put('agreement', result.agreement);
  put('meanKl', result.meanKl);
  return {
    dataset,
    count: result.count,
    metrics,
    perClassAccuracy: result.perClassAccuracy.map((a) => (Number.isNaN(a) ? null : a)),
    ...(classNames ? { classNames: [...classNames] } : {}),
    confusion: result.confusion,
  };
}

/** Validates before writing: a malformed result names its field instead of landing on disk. */
export function validateRunResult(value: unknown, where: string): RunResult {
  const parsed = RunResultSchema.safeParse(value);
  if (!parsed.success) throw new AugpriorError('result.invalid', `${where}: ${formatZodIssues(parsed.error)}`);
  return parsed.data;
}

export function readRunResult(file: string): RunResult {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AugpriorError('result.unreadable', `${file}: ${(error as Error).message}`);
  }
  return validateRunResult(raw, file);
}

export type { Modality };
