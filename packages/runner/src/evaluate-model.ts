/**
 * `evaluateModel`: the one place an evaluation is assembled. A model folder (a training run's
 * newest checkpoint, or a teacher dir from `augprior teacher import`) and a dataset section go
 * in; the eval harness scores it; an augprior-result/1 record comes out, written beside the run
 * (`<run>/evals/<dataset>-<hash>.json`) or, for a teacher dir, under `<runs>/evals/<name>/`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import {
  LogitAdjustSchema,
  studentAdjustment,
  studentAnswer,
  type LogitAdjust,
  logitFold,
  AugpriorError,
  ENGINE_NAMES,
  RunDir,
  createFeatureExtractor,
  evalSets,
  frontEndFor,
  formatZodIssues,
  loadRunModel,
  parseComponent,
  selectEngine,
  studentInput,
  syncPredictor,
  withFeatureFrontEnd,
  writeFileAtomic,
  type EngineSelection,
  type FeatureExtractor,
  type LabeledDataset,
  type Predictor,
} from '@augprior/core';
import { RESULT_FORMAT, evaluateClassifier, summarizeEvaluation, validateRunResult, type EvaluationResult, type RunResult } from '@augprior/eval';
import { isTeacherDir, loadTeacherDir } from '@augprior/teachers';
import { gitCommit } from './result-record.js';
import { resolveRunnerContext, type RunnerContext } from './context.js';
import { RUNNER_VERSION } from './version.js';
import { registerFrontEnds } from './wire.js';

export const EvalConfigSchema = z.strictObject({
  model: z.string().min(1),
  /** Without `kind`, these fields override the run's own eval section (e.g. --set dataset.limit=100). */
  dataset: z.looseObject({ kind: z.string().optional() }).optional(),
  /** A feature front end for a teacher dir whose network takes features (e.g. mlperf_mfcc for the KWS DS-CNN). */
  features: z.looseObject({ kind: z.string() }).optional(),
  /** Replaces the run's student.logitAdjust, from the prior the run wrote (tau 0: none); for tuning tau on a development set without retraining. */
  logitAdjust: LogitAdjustSchema.optional(),
  batchSize: z.number().int().positive().default(256),
  engine: z
    .strictObject({ backend: z.enum(['auto', ...ENGINE_NAMES]).default('auto'), threads: z.number().int().min(0).default(0), device: z.enum(['cpu', 'cuda']).default('cpu') })
    .default({ backend: 'auto', threads: 0, device: 'cpu' }),
});
export type EvalConfig = z.infer<typeof EvalConfigSchema>;

/** A model to evaluate: a predictor (teacher contract) with what the record says about it. */
export interface EvaluatedModel extends Predictor {
  describe: Record<string, unknown> & { arch: string };
  dispose(): void;
}

export interface EvaluateOutcome {
  record: RunResult;
  result: EvaluationResult;
  evalSet: LabeledDataset;
  model: EvaluatedModel['describe'];
  engine: EngineSelection;
  resultFile: string;
}

/**
 * A training run's newest checkpoint, through the run's own normalisation, features, logit
 * adjustment and fold.
 * Given the set it will read, a set of ready-made features skips the matching front end.
 */
export function loadRunClassifier(dir: string, evalSet?: LabeledDataset, options: { logitAdjust?: LogitAdjust } = {}): EvaluatedModel {
  const loaded = loadRunModel(dir, options);
  const own = loaded.features ? createFeatureExtractor(loaded.features) : undefined;
  const features = evalSet ? frontEndFor(own, evalSet, `the student of run ${dir}`) : own;
  const folding = loaded.fold ? logitFold(loaded.fold, loaded.model.numClasses, `the student of run ${dir}`) : undefined;
  const adjustment = loaded.logitAdjust ? studentAdjustment(loaded.logitAdjust, loaded.logitAdjust.prior, loaded.model.numClasses, loaded.fold, `run ${dir}`) : undefined;
  return syncPredictor(
    (x) => {
      const raw = loaded.model.forward(studentInput(x, loaded.normalize, features), { training: false });
      return studentAnswer(raw, folding, adjustment);
    },
    {
      numClasses: folding?.classes ?? loaded.model.numClasses,
      ...(folding?.names ? { classNames: folding.names } : {}),
      describe: { run: dir, arch: loaded.model.arch, checkpoint: loaded.checkpoint, step: loaded.step, ...(folding ? { foldedFrom: loaded.model.numClasses } : {}), ...(loaded.logitAdjust ? { logitAdjustTau: loaded.logitAdjust.tau, logitAdjustAt: loaded.logitAdjust.at } : {}) },
      dispose: () => {
        adjustment?.dispose();
        folding?.dispose();
        loaded.model.dispose();
      },
    },
  );
}

/** A converted teacher (its own input preprocessing applied), optionally behind a feature front end. */
export async function loadTeacherModel(dir: string, requested: FeatureExtractor | undefined, evalSet?: LabeledDataset): Promise<EvaluatedModel> {
  const features = evalSet ? frontEndFor(requested, evalSet, `teacher ${dir}`) : requested;
  const loaded = await loadTeacherDir(dir);
  const teacher = features ? withFeatureFrontEnd(loaded, features) : loaded;
  return {
    ...teacher,
    describe: { teacher: dir, arch: loaded.name, model: loaded.spec.model, source: loaded.spec.source.file, format: loaded.spec.source.format, input: loaded.spec.input, ...(features ? { features: features.description } : {}) },
    dispose: () => teacher.dispose(),
  };
}

/** Evaluates `config.model` on `config.dataset` (default: the run's eval section, with the given fields over it). */
export async function evaluateModel(raw: unknown, context: RunnerContext & { out?: string } = {}): Promise<EvaluateOutcome> {
  registerFrontEnds();
  const parsed = EvalConfigSchema.safeParse(raw);
  if (!parsed.success) throw new AugpriorError('config.invalid', `eval: ${formatZodIssues(parsed.error)}`, 'pass --model <run-dir>');
  const config = parsed.data;
  const ctx = resolveRunnerContext(context);

  const engine = await selectEngine(config.engine);
  ctx.log(`[augprior] ${engine.reason}`);
  const modelDir = resolve(ctx.cwd, config.model);
  const teacherDir = isTeacherDir(modelDir);
  const runEval = teacherDir || config.dataset?.kind ? undefined : (RunDir.open(modelDir).readConfig() as { eval?: { kind: string } }).eval;
  const merged = config.dataset?.kind ? config.dataset : runEval ? { ...runEval, ...config.dataset } : undefined;
  if (!merged?.kind) throw new AugpriorError('eval.no-dataset', teacherDir ? 'a teacher dir needs --dataset <kind>[:<path>]' : `no --dataset given and run ${modelDir} has no eval section`);
  const datasetSection = merged as { kind: string } & Record<string, unknown>;
  const dataset = parseComponent(evalSets, datasetSection, 'dataset', { source: 'eval' });
  const evalSet = await dataset.entry.open(dataset.args, { dataRoot: ctx.dataRoot, seed: 0, cwd: ctx.cwd, runsDir: ctx.runsDir });
  if (config.features && !teacherDir) throw new AugpriorError('eval.features', '--features applies to teacher dirs; a run evaluates through its own student.features');
  const loaded = teacherDir ? await loadTeacherModel(modelDir, config.features ? createFeatureExtractor(config.features, 'features') : undefined, evalSet) : loadRunClassifier(modelDir, evalSet, config.logitAdjust ? { logitAdjust: config.logitAdjust } : {});
  try {
    if (loaded.numClasses !== evalSet.numClasses) {
      throw new AugpriorError('eval.class-mismatch', `model ${loaded.describe.arch} predicts ${loaded.numClasses} classes but ${evalSet.description} has ${evalSet.numClasses}`, 'evaluate on a dataset with the classes the model was trained on');
    }
    const started = new Date();
    const result = await evaluateClassifier(loaded, evalSet, { batchSize: config.batchSize, model: `${teacherDir ? 'teacher' : 'run'} ${modelDir}` });
    const record = validateRunResult(
      {
        format: RESULT_FORMAT,
        kind: 'eval',
        name: `${basename(modelDir)}-on-${datasetSection.kind}`,
        modality: dataset.entry.modality,
        mode: 'eval',
        source: modelDir,
        teacher: null,
        student: { arch: loaded.describe.arch, numClasses: loaded.numClasses },
        engine: { name: engine.engine, backend: engine.tfjsBackend, device: engine.device },
        samplesSeen: 0,
        steps: typeof loaded.describe['step'] === 'number' ? loaded.describe['step'] : 0,
        wallSeconds: Math.round(result.seconds * 10) / 10,
        eval: summarizeEvaluation(result, evalSet.description, evalSet.classNames),
        // An overridden adjustment is a different evaluation: its own file, never over the run's own.
        configHash: createHash('sha256').update(JSON.stringify(config.logitAdjust ? { dataset: datasetSection, logitAdjust: config.logitAdjust } : datasetSection)).digest('hex').slice(0, 12),
        gitCommit: gitCommit(ctx.cwd),
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        augprior: RUNNER_VERSION,
        extra: { role: teacherDir ? 'teacher' : 'student', model: loaded.describe, dataset: datasetSection },
      },
      'eval result',
    );
    // Beside the run for a run's model; under <runs>/evals/ for a teacher dir (never inside the teacher).
    const resultFile = resolve(ctx.cwd, context.out ?? (teacherDir ? join(ctx.runsDir, 'evals', record.name, 'result.json') : join(modelDir, 'evals', `${datasetSection.kind}-${record.configHash}.json`)));
    mkdirSync(dirname(resultFile), { recursive: true });
    writeFileAtomic(resultFile, `${JSON.stringify(record, null, 2)}\n`);
    ctx.log(`[augprior] result -> ${resultFile}`);
    return { record, result, evalSet, model: loaded.describe, engine, resultFile };
  } finally {
    loaded.dispose();
  }
}
