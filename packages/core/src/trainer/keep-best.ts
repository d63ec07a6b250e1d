/**
 * Keeping the best evaluation's weights (experiment.keepBest): an early stop chosen on the run's
 * eval set, as timm keeps `model_best` beside its last checkpoint. A run whose curve peaks and then
 * falls (a fixed pool seen hundreds of times) is worth its peak, not its last step, and the peak
 * is only known after the fact. The checkpoint lives in `<run>/best/`, in the ordinary checkpoint
 * format, so everything that loads a checkpoint loads it.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AugpriorError } from '../errors.js';
import { listCheckpoints, type CheckpointInfo } from './checkpoint.js';
import type { Metrics } from './types.js';

export const KeepBestSchema = z.strictObject({
  /** A metric of the run's evaluations (metrics.jsonl): top1, balancedAccuracy, macroF1, ... */
  metric: z.string().min(1).default('top1'),
  mode: z.enum(['max', 'min']).default('max'),
});
export type KeepBestOptions = z.infer<typeof KeepBestSchema>;

/** The best evaluation so far, carried in every checkpoint so a resumed run compares against it. */
export interface BestRecord {
  metric: string;
  value: number;
  step: number;
  samplesSeen: number;
  elapsedSeconds: number;
}

export function bestDirOf(runPath: string): string {
  return join(runPath, 'best');
}

/** The kept best checkpoint of a run, if it has one. */
export function bestCheckpointOf(runPath: string): CheckpointInfo | undefined {
  return listCheckpoints(bestDirOf(runPath))[0];
}

/** Whether `metrics` beats `best` (ties keep the earlier, smaller-sample model). */
export function improves(options: KeepBestOptions, metrics: Metrics, best: BestRecord | undefined): boolean {
  const value = metrics[options.metric];
  if (value === undefined) {
    const known = Object.keys(metrics).sort().join(', ');
    throw new AugpriorError('config.invalid', `keepBest.metric "${options.metric}" is not among the evaluation's metrics (${known})`, 'set keepBest.metric to one of them');
  }
  if (Number.isNaN(value)) return false;
  if (!best) return true;
  return options.mode === 'max' ? value > best.value : value < best.value;
}

/**
 * Removes best checkpoints written after `step`: a run killed between saving a new best and the
 * regular checkpoint that records it resumes before that best, and would otherwise load a model
 * its own state does not know about.
 */
export function dropBestAfter(runPath: string, step: number): number {
  const dir = bestDirOf(runPath);
  if (!existsSync(dir)) return 0;
  let dropped = 0;
  for (const c of listCheckpoints(dir)) {
    if (c.step > step) {
      rmSync(c.path, { force: true });
      dropped++;
    }
  }
  return dropped;
}
