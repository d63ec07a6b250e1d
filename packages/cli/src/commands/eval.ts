/** `augprior eval`: evaluates a trained run's model on a dataset through the eval harness. */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import {
  AugpriorError,
  RunDir,
  evalSets,
  formatZodIssues,
  loadRunModel,
  studentInput,
  createFeatureExtractor,
  tf,
  type FeatureExtractor,
  readConfigFile,
  resolveDataRoot,
  writeFileAtomic,
  selectEngine,
  splitKind,
  ENGINE_NAMES,
} from '@augprior/core';
import { isTeacherDir, loadTeacherDir } from '@augprior/teachers';
import { evaluateClassifier, scalarMetrics, summarizeEvaluation, teacherPredict, validateRunResult, type AnyPredict } from '@augprior/eval';
import { gitCommit } from '../result-record.js';
import { VERSION } from '../version.js';
import { emitResult, note, type CommandIO } from '../io.js';
import { applyCommandLine, parseFlags, runsRoot, stringFlag } from '../options.js';
import { registerFrontEnds } from '../wire.js';

export const EVAL_HELP = `augprior eval --model <run-dir | teacher-dir> [--dataset <kind>[:<path>]] [--set dataset.<arg>=value ...] [--json]

Evaluates a model on a dataset: the newest checkpoint of a training run, or a teacher converted by
\`augprior teacher import\` (its own input preprocessing applied). The dataset defaults to the run's
eval section; e.g. --dataset cifar10:cifar10/test-jpeg (relative paths are under the data root,
./paths under the working directory) or cifar10-bin:<dir>. Accuracies are FRACTIONS in [0, 1].
With --config, the JSON holds {model, dataset, batchSize, engine}. Writes an augprior-result/1
record (metrics with 95% bootstrap intervals) to --out, default <run>/evals/<dataset>-<hash>.json
for a run and $AUGPRIOR_RUNS (default runs)/evals/<teacher>-on-<dataset>/result.json for a teacher dir.`;

const EvalConfigSchema = z.strictObject({
  model: z.string().min(1),
  /** Without `kind`, these fields override the run's own eval section (e.g. --set dataset.limit=100). */
  dataset: z.looseObject({ kind: z.string().optional() }).optional(),
  /** A feature front end for a teacher dir whose network takes features (e.g. mlperf-mfcc for the KWS DS-CNN). */
  features: z.looseObject({ kind: z.string() }).optional(),
  batchSize: z.number().int().positive().default(256),
  engine: z
    .strictObject({ backend: z.enum(['auto', ...ENGINE_NAMES]).default('auto'), threads: z.number().int().min(0).default(0), device: z.enum(['cpu', 'cuda']).default('cpu') })
    .default({ backend: 'auto', threads: 0, device: 'cpu' }),
});

export async function evalCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags } = parseFlags(argv, { model: { type: 'string' }, dataset: { type: 'string' }, features: { type: 'string' }, 'batch-size': { type: 'string' }, out: { type: 'string' } });
  if (flags['help']) {
    io.stdout.write(`${EVAL_HELP}\n`);
    return 0;
  }
  registerFrontEnds();
  const configPath = stringFlag(flags, 'config');
  const base = configPath ? readConfigFile(resolve(io.cwd, configPath)) : {};
  const dataset = stringFlag(flags, 'dataset');
  const [datasetKind, ...datasetPath] = (dataset ?? '').split(':');
  const datasetSets = dataset ? [`dataset.kind=${datasetKind}`, ...(datasetPath.length ? [`dataset.path=${datasetPath.join(':')}`] : [])] : [];
  const featureKind = stringFlag(flags, 'features');
  if (featureKind) datasetSets.push(`features.kind=${featureKind}`);
  const raw = applyCommandLine(base, { ...flags, set: [...datasetSets, ...((flags['set'] as string[]) ?? [])] }, io.env, { model: 'model', 'batch-size': 'batchSize' });
  const parsed = EvalConfigSchema.safeParse(raw);
  if (!parsed.success) throw new AugpriorError('config.invalid', `eval: ${formatZodIssues(parsed.error)}`, 'pass --model <run-dir>');
  const config = parsed.data;

  const engine = await selectEngine(config.engine);
  note(io, `[augprior] ${engine.reason}`);
  const modelDir = resolve(io.cwd, config.model);
  const teacherDir = isTeacherDir(modelDir);
  const runEval = teacherDir || config.dataset?.kind ? undefined : (RunDir.open(modelDir).readConfig() as { eval?: { kind: string } }).eval;
  const merged = config.dataset?.kind ? config.dataset : runEval ? { ...runEval, ...config.dataset } : undefined;
  if (!merged?.kind) throw new AugpriorError('eval.no-dataset', teacherDir ? 'a teacher dir needs --dataset <kind>[:<path>]' : `no --dataset given and run ${modelDir} has no eval section`);
  const datasetSection = merged as { kind: string } & Record<string, unknown>;
  const kind = evalSets.get(datasetSection.kind);
  const [, args] = splitKind(datasetSection);
  const checked = kind.args.safeParse(args);
  if (!checked.success) throw new AugpriorError('config.invalid', `eval: ${formatZodIssues(checked.error, 'dataset')}`);
  const dataRoot = resolveDataRoot({ flag: stringFlag(flags, 'data-root'), env: io.env });
  const evalSet = await kind.open(checked.data as Record<string, unknown>, { dataRoot, seed: 0, cwd: io.cwd, runsDir: runsRoot(io.env) });
  if (config.features && !teacherDir) throw new AugpriorError('eval.features', '--features applies to teacher dirs; a run evaluates through its own student.features');
  const loaded = teacherDir ? await loadTeacherModel(modelDir, config.features ? createFeatureExtractor(config.features) : undefined) : loadRunClassifier(modelDir);
  try {
    if (loaded.numClasses !== evalSet.numClasses) {
      throw new AugpriorError('eval.class-mismatch', `model ${loaded.describe.arch} predicts ${loaded.numClasses} classes but ${evalSet.description} has ${evalSet.numClasses}`, 'evaluate on a dataset with the classes the model was trained on');
    }
    const started = new Date();
    const result = await evaluateClassifier(loaded.predict, evalSet, { batchSize: config.batchSize, model: `${teacherDir ? 'teacher' : 'run'} ${modelDir}`, ...(loaded.classNames ? { classNames: loaded.classNames } : {}) });
    const record = validateRunResult(
      {
        format: 'augprior-result/1',
        kind: 'eval',
        name: `${basename(modelDir)}-on-${datasetSection.kind}`,
        modality: kind.modality,
        mode: 'eval',
        source: modelDir,
        teacher: null,
        student: { arch: loaded.describe.arch, numClasses: loaded.numClasses },
        engine: { name: engine.engine, backend: engine.tfjsBackend, device: engine.device },
        samplesSeen: 0,
        steps: typeof loaded.describe['step'] === 'number' ? loaded.describe['step'] : 0,
        wallSeconds: Math.round(result.seconds * 10) / 10,
        eval: summarizeEvaluation(result, evalSet.description, evalSet.classNames),
        configHash: createHash('sha256').update(JSON.stringify(datasetSection)).digest('hex').slice(0, 12),
        gitCommit: gitCommit(io.cwd),
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        augprior: VERSION,
        extra: { role: teacherDir ? 'teacher' : 'student', model: loaded.describe, dataset: datasetSection },
      },
      'eval result',
    );
    // Beside the run for a run's model; under runs/evals/ for a teacher dir (never inside the teacher).
    const resultFile = resolve(io.cwd, stringFlag(flags, 'out') ?? (teacherDir ? join(runsRoot(io.env), 'evals', record.name, 'result.json') : join(modelDir, 'evals', `${datasetSection.kind}-${record.configHash}.json`)));
    mkdirSync(dirname(resultFile), { recursive: true });
    writeFileAtomic(resultFile, `${JSON.stringify(record, null, 2)}\n`);
    note(io, `[augprior] result -> ${resultFile}`);
    const out = {
      model: loaded.describe,
      dataset: evalSet.description,
      engine: engine.engine,
      accuracyUnit: 'fraction',
      top1: result.top1,
      ...(result.top5 !== undefined ? { top5: result.top5 } : {}),
      ...(scalarMetrics(result)['balancedAccuracy'] !== undefined ? { balancedAccuracy: scalarMetrics(result)['balancedAccuracy'] } : {}),
      macroF1: result.macroF1,
      ece: result.ece,
      intervals: result.intervals,
      count: result.count,
      perClassAccuracy: result.perClassAccuracy,
      confusion: result.confusion,
      samplesPerSecond: result.samplesPerSecond,
    };
    emitResult(io, flags['json'] === true, { ...out, ...(evalSet.classNames ? { classNames: evalSet.classNames } : {}) }, () =>
      [
        `${loaded.describe.arch} on ${evalSet.description}: top1 ${withInterval(result.top1, result.intervals?.['top1'])}${result.top5 !== undefined ? `, top5 ${(result.top5 * 100).toFixed(2)}%` : ''}${out.balancedAccuracy !== undefined ? `, class-balanced ${withInterval(out.balancedAccuracy, result.intervals?.['balancedAccuracy'])}` : ''}, macro-F1 ${withInterval(result.macroF1, result.intervals?.['macroF1'])}, ECE ${result.ece.toFixed(3)} (${result.count} samples; [95% bootstrap intervals])`,
        ...(evalSet.numClasses <= 40 ? ['', ...classReport(result.perClassAccuracy, result.confusion, evalSet.classNames)] : []),
      ].join('\n'),
    );
    return 0;
  } finally {
    loaded.dispose();
  }
}

function withInterval(value: number, interval: { low: number; high: number } | undefined): string {
  const pct = (v: number) => (v * 100).toFixed(2);
  return interval && !Number.isNaN(interval.low) ? `${pct(value)}% [${pct(interval.low)}, ${pct(interval.high)}]` : `${pct(value)}%`;
}

interface EvaluableModel {
  numClasses: number;
  predict: AnyPredict;
  classNames?: readonly string[];
  describe: Record<string, unknown> & { arch: string };
  dispose(): void;
}

function loadRunClassifier(dir: string): EvaluableModel {
  const loaded = loadRunModel(dir);
  const features = loaded.features ? createFeatureExtractor(loaded.features) : undefined;
  return {
    numClasses: loaded.model.numClasses,
    predict: (x) => loaded.model.forward(studentInput(x, loaded.normalize, features), { training: false }),
    describe: { run: dir, arch: loaded.model.arch, checkpoint: loaded.checkpoint, step: loaded.step },
    dispose: () => loaded.model.dispose(),
  };
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

function withFeatures(predict: AnyPredict, features: FeatureExtractor): AnyPredict {
  if (typeof predict === 'function') return (x) => tf.tidy(() => predict(features.apply(x)));
  return {
    async: async (x) => {
      const input = tf.tidy(() => features.apply(x));
      try {
        return await predict.async(input);
      } finally {
        input.dispose();
      }
    },
  };
}

async function loadTeacherModel(dir: string, features: FeatureExtractor | undefined): Promise<EvaluableModel> {
  const teacher = await loadTeacherDir(dir);
  return {
    numClasses: teacher.numClasses,
    predict: features ? withFeatures(teacherPredict(teacher), features) : teacherPredict(teacher),
    ...(teacher.classNames ? { classNames: teacher.classNames } : {}),
    describe: { teacher: dir, arch: teacher.name, model: teacher.spec.model, source: teacher.spec.source.file, format: teacher.spec.source.format, input: teacher.spec.input, ...(features ? { features: features.description } : {}) },
    dispose: () => teacher.dispose(),
  };
}
