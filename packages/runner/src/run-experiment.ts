/**
 * `runExperiment`: the one place a training run is assembled. An experiment config goes in; the
 * engine, the run folder (one writer, finished runs left alone, failed starts cleaned up), the
 * data source, teacher, student and evaluation set are wired to core's trainer; the result record
 * comes out, written to `<run>/result.json`. The CLI, a notebook, a sweep or a launcher call this.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  AugpriorError,
  classFoldTeacher,
  logitFold,
  RunDir,
  configHash,
  createFeatureExtractor,
  copyWeights,
  createModel,
  createProgress,
  describeDataRoot,
  openDataSource,
  openEvalSet,
  listCheckpoints,
  prefixed,
  recalibrateBatchNorm,
  loadTeacherSection,
  selectEngine,
  slowEngineWarning,
  studentInput,
  frontEndFor,
  studentAdjustment,
  studentAnswer,
  readTeacherPrior,
  teacherPrior,
  writeTeacherPrior,
  TEACHER_PRIOR_FILE,
  teacherFingerprint,
  teacherKinds,
  tf,
  train,
  trainingFingerprint,
  bestCheckpointOf,
  bestDirOf,
  writeFileAtomic,
  type BestRecord,
  type Batch,
  type StudentAdjustment,
  type BatchSource,
  type FeaturePlan,
  type Teacher,
  type Classifier,
  type Experiment,
  type MetricsRecord,
  type ProgressReporter,
} from '@augprior/core';
import { RESULT_FORMAT, evaluateClassifier, flipAveraged, readRunResult, scalarMetrics, summarizeEvaluation, validateRunResult, type EvaluationResult, type RunResult } from '@augprior/eval';
import { resolveRunnerContext, type ResolvedContext, type RunnerContext } from './context.js';
import { gitCommit, modalityOfExperiment } from './result-record.js';
import { writeRunSheets } from './sample-sheet.js';
import { RUNNER_VERSION } from './version.js';
import { registerFrontEnds } from './wire.js';

export interface RunOptions {
  /** Continue this run folder instead of making a new one. */
  resumeDir?: string;
  /** Resume even though the config or the teacher changed since the checkpoint (recorded). */
  allowChanged?: boolean;
  /** Only draw samples.png / source.png, train nothing. */
  samplesOnly?: boolean;
  /** What started the run, for the lock file (e.g. the command line). */
  command?: string;
  /** Where the experiment came from, for the log line. */
  configSource?: string;
}

export interface RunOutcome {
  /** `finished`: the run had already reached its budget and was left as it was. */
  status: 'completed' | 'interrupted' | 'finished' | 'samples';
  runDir: string;
  /** The result record (absent for `samples`). */
  result?: RunResult;
  /** Every evaluation line of the run's metrics.jsonl, for tables. */
  evaluations: MetricsRecord[];
  /** Lines describing what was written (samples mode). */
  notes: string[];
}

/** A finished run (completed, and its budget reached under the config as resumed) is left as it is. */
function finishedRun(run: RunDir, e: Experiment): { result: RunResult; line: string } | undefined {
  if (!existsSync(run.resultPath)) return undefined;
  let result: RunResult;
  try {
    result = readRunResult(run.resultPath);
  } catch {
    return undefined; // an unreadable result is rewritten by the resumed run
  }
  if (result.extra['status'] !== 'completed') return undefined;
  const steps = e.maxSteps !== undefined && result.steps >= e.maxSteps;
  const minutes = e.maxMinutes !== undefined && result.wallSeconds >= e.maxMinutes * 60 - 1;
  if (!steps && !minutes && result.extra['stopReason'] !== 'data-exhausted') return undefined;
  return {
    result,
    line: `run ${run.path} is finished (${String(result.extra['stopReason'])} after ${result.steps} steps, ${Math.round(result.wallSeconds / 6) / 10} min); nothing changed. Train it further with --max-steps N or --max-minutes M above that`,
  };
}

export async function runExperiment(e: Experiment, context: RunnerContext = {}, options: RunOptions = {}): Promise<RunOutcome> {
  registerFrontEnds();
  const ctx = resolveRunnerContext(context);
  const engine = await selectEngine(e.engine);
  ctx.log(`[augprior] ${engine.reason}`);
  const slow = slowEngineWarning(engine);
  if (slow) ctx.log(`[augprior] ${slow}`);

  // --- run folder: one writer (a lock); a start that fails before its first step leaves nothing
  if (options.resumeDir && !options.samplesOnly) {
    const run = RunDir.open(options.resumeDir);
    const finished = finishedRun(run, e);
    if (finished) {
      ctx.log(`[augprior] ${finished.line}`);
      return { status: 'finished', runDir: run.path, result: finished.result, evaluations: run.readMetrics().filter((m) => m.type === 'eval'), notes: [finished.line] };
    }
  }
  const runDir = options.resumeDir ? RunDir.open(options.resumeDir) : RunDir.create(resolve(ctx.cwd, e.runsDir), e.name, e);
  const lock = runDir.lock(options.command ?? `runExperiment(${e.name})`);
  if (lock.stale) ctx.log(`[augprior] warning: took over the lock of pid ${lock.stale.pid} on ${lock.stale.host} (since ${lock.stale.startedAt}), which is gone (a crash or a kill)`);
  try {
    ctx.log(`[augprior] run ${runDir.path} (config ${options.configSource ?? e.name}, data root ${describeDataRoot(ctx.dataRoot)})`);
    return await trainInRun(e, runDir, engine, ctx, context, options);
  } catch (error) {
    if (!options.resumeDir && listCheckpoints(runDir.checkpointsDir).length === 0 && runDir.readMetrics().length === 0) {
      rmSync(runDir.path, { recursive: true, force: true });
      ctx.log(`[augprior] removed ${runDir.path}: the run failed before it trained a step, so the same command can start it again`);
    }
    throw error;
  } finally {
    lock.release();
  }
}

async function trainInRun(e: Experiment, runDir: RunDir, engine: Awaited<ReturnType<typeof selectEngine>>, ctx: ResolvedContext, context: RunnerContext, options: RunOptions): Promise<RunOutcome> {
  const open = { dataRoot: ctx.dataRoot, seed: e.seed, cwd: ctx.cwd, runsDir: ctx.runsDir };
  const student = createModel(e.student.kind, { numClasses: e.student.numClasses, inChannels: e.student.inChannels }, e.seed);
  const trainData = await openDataSource(e.data, open);
  const studentFeatures = e.student.features ? createFeatureExtractor(e.student.features) : undefined;
  if (studentFeatures) ctx.log(`[augprior] student features: ${studentFeatures.description}`);
  if (options.samplesOnly) {
    // Only the contact sheets (e.g. for a run made before runs wrote them): no teacher, no training.
    try {
      const written = await writeRunSheets(runDir.path, trainData, studentFeatures);
      const notes = written.length > 0 ? written : [`[augprior] ${runDir.path} already has its contact sheets`];
      for (const line of notes) ctx.log(line);
      return { status: 'samples', runDir: runDir.path, evaluations: [], notes };
    } finally {
      trainData.dispose();
      student.dispose();
    }
  }
  const teacher = e.teacher ? await loadTeacherSection(teacherKinds, e.teacher, open) : undefined;
  // The weight average (experiment.ema) is a second model of the student's architecture.
  const average = e.ema ? createModel(e.student.kind, { numClasses: e.student.numClasses, inChannels: e.student.inChannels }, e.seed) : undefined;
  const evalSet = e.eval ? await openEvalSet(e.eval, open) : undefined;
  // student.fold: the student and its teacher learn fine classes; both answer the eval set folded.
  const studentFold = e.student.fold ? logitFold(e.student.fold, e.student.numClasses, `the student (${e.student.kind})`, teacher?.classNames) : undefined;
  const evalTeacher = teacher && e.student.fold ? classFoldTeacher(borrowed(teacher), e.student.fold) : teacher;
  // evalVariants.bnRecalibrate: a scratch copy whose batch-norm statistics are recomputed before each evaluation.
  const recalibrated = e.evalVariants && e.evalVariants.bnRecalibrate > 0 ? createModel(e.student.kind, { numClasses: e.student.numClasses, inChannels: e.student.inChannels }, e.seed) : undefined;
  // Samples are images, 1-s audio clips or video clips: the rate names the one this run trains on.
  const progress: ProgressReporter = createProgress({ label: e.name, unit: modalityOfExperiment(e) === 'image' ? 'img' : 'clip', mode: context.progress ?? 'auto', stream: context.stream ?? process.stderr });
  // student.logitAdjust: set once the teacher prior is known (before the first evaluation).
  let adjustment: StudentAdjustment | undefined;
  try {
    const studentShape = studentFeatures ? studentFeatures.outputShape(trainData.inputShape) : trainData.inputShape;
    const channels = studentShape[studentShape.length - 1];
    if (channels !== e.student.inChannels) {
      throw new AugpriorError('train.channel-mismatch', `${trainData.description}${studentFeatures ? ` through ${studentFeatures.description}` : ''} yields ${channels}-channel input but student.inChannels is ${e.student.inChannels}`);
    }
    const answered = studentFold ? studentFold.classes : e.student.numClasses;
    if (evalSet && evalSet.numClasses !== answered) {
      throw new AugpriorError('train.class-mismatch', `${evalSet.description} has ${evalSet.numClasses} classes but the student ${studentFold ? `folds its ${e.student.numClasses} outputs to` : 'predicts'} ${answered}`);
    }
    const evalFeatures = evalSet ? frontEndFor(studentFeatures, evalSet, `the student (${e.student.kind})`) : studentFeatures;
    const predictWith = (model: Classifier) => (x: tf.Tensor) => {
      const raw = model.forward(studentInput(x, e.student.normalize, evalFeatures), { training: false });
      const answer = studentAnswer(raw, studentFold, adjustment);
      if (answer !== raw) raw.dispose();
      return answer;
    };
    // The student learns the teacher's outputs in the teacher's order: both are checked against the eval set's class names.
    const named = evalTeacher?.classNames ? { classNames: evalTeacher.classNames } : {};
    // The extra evaluations of experiment.evalVariants: never the headline (result.json's eval is the plain model's).
    const evalVariantMetrics = async (model: Classifier, what: string): Promise<Record<string, number>> => {
      const variants = e.evalVariants;
      if (!variants || !evalSet) return {};
      const options = { batchSize: e.evalBatchSize, ...named };
      const out: Record<string, number> = {};
      if (variants.flip) Object.assign(out, prefixed('flip', scalarMetrics(await evaluateClassifier(flipAveraged(predictWith(model)), evalSet, { ...options, model: `${what} with flip TTA` }))));
      if (recalibrated) {
        copyWeights(model, recalibrated);
        await recalibrateBatchNorm(recalibrated, recalibrationInputs(trainData, e.batchSize, variants.bnRecalibrate, (batch) => studentInput(batch.x, e.student.normalize, studentFeatures, batch.plan)));
        Object.assign(out, prefixed('bn', scalarMetrics(await evaluateClassifier(predictWith(recalibrated), evalSet, { ...options, model: `${what} with recalibrated BN` }))));
      }
      return out;
    };
    const teacherFull = evalSet && evalTeacher ? await evaluateClassifier(evalTeacher, evalSet, { batchSize: e.evalBatchSize, model: `teacher ${evalTeacher.description}` }) : undefined;
    if (teacherFull) progress.log(`teacher on ${evalSet!.description}: top1 ${(teacherFull.top1 * 100).toFixed(2)}%`);
    let lastFull: EvaluationResult | undefined;

    // Selection first: the sample sheet draws its batch from the selected stream.
    if (teacher && e.teacher && trainData.useTeacher) {
      for (const line of await trainData.useTeacher(teacher, { cacheKey: teacherFingerprint(e.teacher, open), ...(teacher.classNames ? { classNames: teacher.classNames } : {}) })) ctx.log(line);
    }
    if (e.student.logitAdjust) {
      if (!teacher) throw new AugpriorError('config.invalid', 'student.logitAdjust estimates the class prior from the teacher, and this run has none', 'remove student.logitAdjust, or train in distill mode with a teacher');
      let saved = readTeacherPrior(runDir.path);
      if (!saved) {
        saved = await teacherPrior(teacher, trainData.batches(1, e.batchSize), e.student.logitAdjust.batches);
        writeTeacherPrior(runDir.path, saved);
      }
      adjustment = studentAdjustment(e.student.logitAdjust, saved.prior, e.student.numClasses, e.student.fold, `the student (${e.student.kind})`);
      const names = teacher.classNames;
      const top = saved.prior.map((p, c) => [p, c] as const).sort((a, b) => b[0] - a[0]).slice(0, 5).map(([p, c]) => `${names?.[c] ?? c} ${(100 * p).toFixed(1)}%`);
      ctx.log(`[augprior] logit adjustment tau ${e.student.logitAdjust.tau} at the ${e.student.logitAdjust.at === 'groups' ? 'folded groups' : 'classes'}: teacher prior over ${saved.samples} training samples (${TEACHER_PRIOR_FILE}), largest ${top.join(', ')}`);
    }
    for (const line of await writeRunSheets(runDir.path, trainData, studentFeatures)) ctx.log(line);
    const summary = (full: EvaluationResult | undefined) => (full && evalSet ? summarizeEvaluation(full, evalSet.description, evalSet.classNames) : null);
    // experiment.keepBest: the best evaluation's full summary, kept beside its checkpoint so a resumed run still reports it.
    const bestEvalPath = join(bestDirOf(runDir.path), 'eval.json');
    const started = new Date();
    const outcome = await train({
      experiment: e,
      student,
      ...(average ? { average } : {}),
      ...(teacher ? { teacher } : {}),
      ...(studentFeatures ? { studentFeatures } : {}),
      source: trainData,
      runDir,
      progress,
      ...(context.signal ? { signal: context.signal } : {}),
      fingerprints: { config: trainingFingerprint(e), ...(e.teacher ? { teacher: teacherFingerprint(e.teacher, open) } : {}) },
      allowChanged: options.allowChanged === true,
      onBest: (best) => writeFileAtomic(bestEvalPath, `${JSON.stringify({ best, eval: summary(lastFull) }, null, 2)}\n`),
      ...(evalSet
        ? {
            evaluate: async (model: Classifier) => {
              const what = `student ${student.arch}${model === average ? ' (weight average)' : ''}`;
              lastFull = await evaluateClassifier(predictWith(model), evalSet, { batchSize: e.evalBatchSize, model: what, ...named, ...(evalTeacher ? { teacher: evalTeacher } : {}) });
              return { ...scalarMetrics(lastFull), ...(await evalVariantMetrics(model, what)) };
            },
          }
        : {}),
    });
    progress.stop();

    const finalEval = lastFull && outcome.lastEval ? summary(lastFull) : null;
    const kept = e.keepBest && outcome.state.best && existsSync(bestEvalPath) ? (JSON.parse(readFileSync(bestEvalPath, 'utf8')) as { best: BestRecord; eval: ReturnType<typeof summary> }) : undefined;
    const bestEval = kept && kept.best.step === outcome.state.best!.step ? kept.eval : null;
    const result: RunResult = validateRunResult(
      {
        format: RESULT_FORMAT,
        kind: 'train',
        name: e.name,
        modality: modalityOfExperiment(e),
        mode: e.mode,
        source: trainData.description,
        teacher: teacher ? { description: teacher.description, ...(teacherFull ? { eval: summary(teacherFull)! } : {}) } : null,
        student: { arch: student.arch, parameters: student.parameterCount(), numClasses: student.numClasses },
        engine: { name: engine.engine, backend: engine.tfjsBackend, device: engine.device },
        samplesSeen: outcome.state.samplesSeen,
        steps: outcome.state.step,
        wallSeconds: Math.round(outcome.state.elapsedSeconds * 10) / 10,
        // The evaluation of the run's model: under keepBest the best one, else the final weights' when
        // the run ended on one (a resumed run with no new evaluation has none).
        eval: e.keepBest ? bestEval : finalEval,
        configHash: configHash(e),
        gitCommit: gitCommit(ctx.cwd),
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        augprior: RUNNER_VERSION,
        extra: {
          status: outcome.stopReason === 'interrupted' ? 'interrupted' : 'completed',
          stopReason: outcome.stopReason,
          runDir: runDir.path,
          resumedFrom: outcome.resumedFrom ?? null,
          // The step count a wall-clock budget was planned into, for a schedule that decays to it.
          plan: outcome.state.plan ?? null,
          // Every resume that continued with another config or teacher (--allow-changed), from changes.jsonl.
          changes: runDir.readChanges(),
          engineReason: engine.reason,
          evalSet: evalSet?.description ?? null,
          train: outcome.lastTrain ?? null,
          lastEval: outcome.lastEval ?? null,
          // experiment.keepBest: which evaluation the run's model is, and what the last step scored.
          ...(e.keepBest ? { best: outcome.state.best ?? null, bestCheckpoint: bestCheckpointOf(runDir.path)?.path ?? null, finalEval } : {}),
        },
      },
      join(runDir.path, 'result.json'),
    );
    runDir.writeResult(result);
    return { status: outcome.stopReason === 'interrupted' ? 'interrupted' : 'completed', runDir: runDir.path, result, evaluations: runDir.readMetrics().filter((m) => m.type === 'eval'), notes: [] };
  } finally {
    progress.stop();
    trainData.dispose();
    teacher?.dispose();
    if (evalTeacher !== teacher) evalTeacher?.dispose();
    studentFold?.dispose();
    adjustment?.dispose();
    student.dispose();
    average?.dispose();
    recalibrated?.dispose();
  }
}

/** The same teacher under a wrapper that does not own it (disposing the wrapper leaves it alone). */
function borrowed(teacher: Teacher): Teacher {
  return {
    numClasses: teacher.numClasses,
    description: teacher.description,
    ...(teacher.classNames ? { classNames: teacher.classNames } : {}),
    predict: (x, plan) => teacher.predict(x, plan),
    ...(teacher.predictSync ? { predictSync: (x: tf.Tensor, plan?: FeaturePlan) => teacher.predictSync!(x, plan) } : {}),
    dispose: () => {},
  };
}


/** The first `count` training batches as student inputs (the batch tensors are freed as they go). */
async function* recalibrationInputs(source: BatchSource, batchSize: number, count: number, toInput: (batch: Batch) => tf.Tensor): AsyncGenerator<tf.Tensor> {
  const batches = source.batches(1, batchSize);
  try {
    for (let k = 0; k < count; k++) {
      const next = await batches.next();
      if (next.done) return;
      const input = toInput(next.value);
      try {
        yield input;
      } finally {
        if (input !== next.value.x) input.dispose();
        tf.dispose([next.value.x, ...(next.value.y ? [next.value.y] : [])]);
      }
    }
  } finally {
    await batches.return?.();
  }
}
