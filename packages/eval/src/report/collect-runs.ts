/**
 * Finds every result a report can use under a runs folder: `runs/<run>/result.json` (training
 * runs, with the evaluations of their metrics.jsonl as curves), `runs/<run>/evals/*.json` and
 * `runs/evals/<name>/result.json` (re-evaluations and teachers). Results that do not validate
 * (written before augprior-result/1, or damaged) are listed with the reason, never guessed at.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readRunResult, RESULT_FORMAT, validateRunResult, type RunResult } from '../result-schema.js';

export interface CurvePoint {
  step: number;
  samplesSeen: number;
  minutes: number;
  top1: number;
  balancedAccuracy?: number;
}

export interface CollectedRun {
  file: string;
  result: RunResult;
  /** The run's evaluations over training (train results only). */
  curve: CurvePoint[];
  /** Read from <runs>/evals/<name>/: an evaluation of a model that is not a run (a teacher dir). */
  ofModelDir?: true;
}

export interface Collected {
  runs: CollectedRun[];
  skipped: Array<{ file: string; reason: string }>;
}

function readCurve(metricsFile: string): CurvePoint[] {
  if (!existsSync(metricsFile)) return [];
  const points: CurvePoint[] = [];
  for (const line of readFileSync(metricsFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // a line cut by a killed run; the rest of the file is still good
    }
    if (record['type'] !== 'eval' || typeof record['top1'] !== 'number') continue;
    points.push({
      step: Number(record['step']),
      samplesSeen: Number(record['samplesSeen'] ?? 0),
      minutes: Number(record['elapsedSeconds'] ?? 0) / 60,
      top1: record['top1'],
      ...(typeof record['balancedAccuracy'] === 'number' ? { balancedAccuracy: record['balancedAccuracy'] } : {}),
    });
  }
  return points;
}

/**
 * A training run finished before augprior-result/1 keeps its facts (steps, samples, wall time,
 * engine, teacher top-1) in the old result.json; paired with a fresh `augprior eval` record of its
 * final weights (metrics with intervals, confusion) it becomes a full result. The teacher's figure
 * then has no interval, and `extra.upgradedFrom` says where it came from.
 */
function upgradeLegacy(legacy: Record<string, unknown>, evaluation: RunResult, file: string): RunResult {
  const teacher = legacy['teacher'] as { description: string; eval?: Record<string, number> } | null;
  const engine = legacy['engine'] as { name: string; tfjsBackend: string; device: string };
  return validateRunResult(
    {
      ...evaluation,
      kind: 'train',
      name: String(legacy['name']),
      mode: legacy['mode'],
      source: String(legacy['data']),
      teacher: teacher
        ? {
            description: teacher.description,
            ...(teacher.eval ? { eval: { dataset: evaluation.eval!.dataset, count: teacher.eval['count'] ?? 0, metrics: Object.fromEntries(Object.entries(teacher.eval).filter(([k]) => ['top1', 'top5', 'balancedAccuracy'].includes(k)).map(([k, v]) => [k, { value: v }])), perClassAccuracy: [], confusion: [] } } : {}),
          }
        : null,
      engine: { name: engine.name, backend: engine.tfjsBackend, device: engine.device },
      samplesSeen: legacy['samplesSeen'],
      steps: legacy['steps'],
      wallSeconds: legacy['wallSeconds'],
      configHash: legacy['configHash'] ?? null,
      startedAt: legacy['startedAt'],
      finishedAt: legacy['finishedAt'],
      extra: { upgradedFrom: file, stopReason: legacy['stopReason'], evaluatedBy: evaluation.extra },
    },
    file,
  );
}

export function collectRuns(runsDir: string): Collected {
  const runs: CollectedRun[] = [];
  const skipped: Collected['skipped'] = [];
  const take = (file: string, metricsFile?: string, evaluations: RunResult[] = [], ofModelDir = false) => {
    try {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      let result: RunResult;
      // The newest re-evaluation of the run's final weights (same step) stands in for the run's own
      // last evaluation: it may use a corrected test set, and it carries the intervals.
      const latest = evaluations.filter((e) => e.kind === 'eval').sort((a, b) => b.steps - a.steps || b.finishedAt.localeCompare(a.finishedAt))[0];
      if (raw['format'] === undefined && metricsFile) {
        if (!latest) throw new Error(`written before ${RESULT_FORMAT}; \`augprior eval --model ${file.replace(/\/result\.json$/, '')}\` adds the record the report needs`);
        result = upgradeLegacy(raw, latest, file);
      } else {
        result = readRunResult(file);
        if (latest && result.kind === 'train' && latest.steps === result.steps && latest.eval) {
          result = { ...result, eval: latest.eval, extra: { ...result.extra, evaluatedBy: latest.extra, ownEval: result.eval?.dataset ?? null } };
        }
      }
      runs.push({ file, result, curve: metricsFile && result.kind === 'train' ? readCurve(metricsFile) : [], ...(ofModelDir ? { ofModelDir: true as const } : {}) });
    } catch (error) {
      skipped.push({ file, reason: (error as Error).message });
    }
  };
  if (!existsSync(runsDir)) return { runs, skipped };
  for (const name of readdirSync(runsDir).sort()) {
    const dir = join(runsDir, name);
    if (!statSync(dir).isDirectory()) continue;
    if (name === 'evals') {
      // runs/evals/<name>/result.json: evaluations of models that are not runs (teachers).
      for (const entry of readdirSync(dir).sort()) if (existsSync(join(dir, entry, 'result.json'))) take(join(dir, entry, 'result.json'), undefined, [], true);
      continue;
    }
    const evals = join(dir, 'evals');
    const evalFiles = existsSync(evals)
      ? readdirSync(evals)
          .sort()
          .flatMap((entry) => (entry.endsWith('.json') ? [join(evals, entry)] : existsSync(join(evals, entry, 'result.json')) ? [join(evals, entry, 'result.json')] : []))
      : [];
    const evalResults: RunResult[] = [];
    for (const path of evalFiles) {
      try {
        evalResults.push(readRunResult(path));
      } catch {
        // reported below when taken on its own
      }
    }
    if (existsSync(join(dir, 'result.json'))) take(join(dir, 'result.json'), join(dir, 'metrics.jsonl'), evalResults);
    // A run's own re-evaluations stand on their own only when they did not go into its result.
    const merged = runs.at(-1)?.file === join(dir, 'result.json') && runs.at(-1)!.result.extra['evaluatedBy'] !== undefined;
    if (!merged) for (const path of evalFiles) take(path);
  }
  return { runs, skipped };
}
