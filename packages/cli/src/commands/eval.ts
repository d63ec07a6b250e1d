/** `augprior eval`: flags and printing over the runner's evaluateModel. */
import { resolve } from 'node:path';
import { readConfigFile, resolveDataRoot } from '@augprior/core';
import { scalarMetrics } from '@augprior/eval';
import { evaluateModel } from '@augprior/runner';
import { emitResult, note, type CommandIO } from '../io.js';
import { applyCommandLine, parseFlags, runsRoot, stringFlag } from '../options.js';

export const EVAL_HELP = `augprior eval --model <run-dir | teacher-dir> [--dataset <kind>[:<path>]] [--set dataset.<arg>=value ...] [--json]

Evaluates a model on a dataset: the newest checkpoint of a training run, or a teacher converted by
\`augprior teacher import\` (its own input preprocessing applied). The dataset defaults to the run's
eval section; e.g. --dataset cifar10:cifar10/test-jpeg (relative paths are under the data root,
./paths under the working directory) or cifar10_bin:<dir>. Accuracies are FRACTIONS in [0, 1].
With --config, the JSON holds {model, dataset, batchSize, engine}. Writes an augprior-result/1
record (metrics with 95% bootstrap intervals) to --out, default <run>/evals/<dataset>-<hash>.json
for a run and $AUGPRIOR_RUNS (default runs)/evals/<teacher>-on-<dataset>/result.json for a teacher dir.`;

export async function evalCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags } = parseFlags(argv, { model: { type: 'string' }, dataset: { type: 'string' }, features: { type: 'string' }, 'batch-size': { type: 'string' }, out: { type: 'string' } });
  if (flags['help']) {
    io.stdout.write(`${EVAL_HELP}\n`);
    return 0;
  }
  const configPath = stringFlag(flags, 'config');
  const base = configPath ? readConfigFile(resolve(io.cwd, configPath)) : {};
  const dataset = stringFlag(flags, 'dataset');
  const [datasetKind, ...datasetPath] = (dataset ?? '').split(':');
  const datasetSets = dataset ? [`dataset.kind=${datasetKind}`, ...(datasetPath.length ? [`dataset.path=${datasetPath.join(':')}`] : [])] : [];
  const featureKind = stringFlag(flags, 'features');
  if (featureKind) datasetSets.push(`features.kind=${featureKind}`);
  const raw = applyCommandLine(base, { ...flags, set: [...datasetSets, ...((flags['set'] as string[]) ?? [])] }, io.env, { model: 'model', 'batch-size': 'batchSize' });
  const out = stringFlag(flags, 'out');
  const { result, evalSet, model, engine } = await evaluateModel(raw, {
    cwd: io.cwd,
    dataRoot: resolveDataRoot({ flag: stringFlag(flags, 'data-root'), env: io.env }),
    runsDir: runsRoot(io.env),
    log: (line) => note(io, line),
    ...(out ? { out } : {}),
  });
  const balanced = scalarMetrics(result)['balancedAccuracy'];
  const summary = {
    model,
    dataset: evalSet.description,
    engine: engine.engine,
    accuracyUnit: 'fraction',
    top1: result.top1,
    ...(result.top5 !== undefined ? { top5: result.top5 } : {}),
    ...(balanced !== undefined ? { balancedAccuracy: balanced } : {}),
    macroF1: result.macroF1,
    ece: result.ece,
    intervals: result.intervals,
    count: result.count,
    perClassAccuracy: result.perClassAccuracy,
    confusion: result.confusion,
    samplesPerSecond: result.samplesPerSecond,
  };
  emitResult(io, flags['json'] === true, { ...summary, ...(evalSet.classNames ? { classNames: evalSet.classNames } : {}) }, () =>
    [
      `${model.arch} on ${evalSet.description}: top1 ${withInterval(result.top1, result.intervals?.['top1'])}${result.top5 !== undefined ? `, top5 ${(result.top5 * 100).toFixed(2)}%` : ''}${balanced !== undefined ? `, class-balanced ${withInterval(balanced, result.intervals?.['balancedAccuracy'])}` : ''}, macro-F1 ${withInterval(result.macroF1, result.intervals?.['macroF1'])}, ECE ${result.ece.toFixed(3)} (${result.count} samples; [95% bootstrap intervals])`,
      ...(evalSet.numClasses <= 40 ? ['', ...classReport(result.perClassAccuracy, result.confusion, evalSet.classNames)] : []),
    ].join('\n'),
  );
  return 0;
}

function withInterval(value: number, interval: { low: number; high: number } | undefined): string {
  const pct = (v: number) => (v * 100).toFixed(2);
  return interval && !Number.isNaN(interval.low) ? `${pct(value)}% [${pct(interval.low)}, ${pct(interval.high)}]` : `${pct(value)}%`;
}

/** Per-class accuracy and the confusion matrix (rows: true class, columns: predicted) as text. */
function classReport(perClass: number[], confusion: number[][], names: readonly string[] | undefined): string[] {
  const label = (i: number) => names?.[i] ?? String(i);
  const width = Math.max(5, ...perClass.map((_, i) => label(i).length));
  const cell = Math.max(4, ...confusion.flat().map((v) => String(v).length + 1));
  return [
    `${'class'.padEnd(width)}  accuracy  count`,
    ...perClass.map((acc, i) => `${label(i).padEnd(width)}  ${Number.isNaN(acc) ? '     -' : `${(acc * 100).toFixed(1).padStart(5)}%`}  ${String(confusion[i]!.reduce((a, b) => a + b, 0)).padStart(5)}`),
    '',
    `confusion (rows: true, columns: predicted)`,
    `${''.padEnd(width)}${perClass.map((_, j) => String(j).padStart(cell)).join('')}`,
    ...confusion.map((row, i) => `${`${i} ${label(i)}`.slice(0, width).padEnd(width)}${row.map((v) => String(v).padStart(cell)).join('')}`),
  ];
}
