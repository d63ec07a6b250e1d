/**
 * The one training loop every modality uses. Per step: batch -> (augment) -> teacher logits ->
 * student loss and gradients -> optimizer update -> log / eval / checkpoint. Reads top to bottom;
 * the helpers it needs live beside it (checkpoint.ts, run-dir.ts, preprocess.ts).
 */
import { tf, type Tensor } from '../tf.js';
import { AugpriorError } from '../errors.js';
import { parseComponent } from '../config/component.js';
import type { Experiment } from '../config/experiment.js';
import { losses } from '../losses/index.js';
import type { Classifier } from '../models/classifier.js';
import { optimizers } from '../optim/optimizers.js';
import { schedules } from '../optim/schedules.js';
import type { ProgressReporter } from '../progress.js';
import { Rng } from '../rng.js';
import { RNG_STREAMS } from '../rng-streams.js';
import { pruneCheckpoints, restoreLatestCheckpoint, saveCheckpoint, type LogWindow, type TrainerState } from './checkpoint.js';
import { studentInput as studentInputOf } from './preprocess.js';
import type { RunDir } from './run-dir.js';
import { RowCache } from './row-cache.js';
import { bestDirOf, dropBestAfter, improves, type BestRecord } from './keep-best.js';
import { copyWeights, updateAverage } from './weight-average.js';
import { makeStepPlan, planIsDue, PLAN_SKIP_STEPS } from './step-plan.js';
import type { BatchSource, FeatureExtractor, Metrics, Teacher } from './types.js';

export interface TrainDeps {
  experiment: Experiment;
  student: Classifier;
  /** A second model of the student's architecture holding the weight average (required by experiment.ema). */
  average?: Classifier;
  teacher?: Teacher;
  /** Turns raw batches (waveforms) into the student's input; the teacher brings its own. */
  studentFeatures?: FeatureExtractor;
  source: BatchSource;
  runDir: RunDir;
  /** Held-out evaluation of the student (the eval package's evaluator, wired by the caller). */
  evaluate?: (student: Classifier, step: number) => Promise<Metrics>;
  progress?: ProgressReporter;
  /** Aborting stops after the current step with a checkpoint (SIGINT / SIGTERM). */
  signal?: AbortSignal;
  /** What this run trains with (trainingFingerprint / teacherFingerprint); written into every checkpoint. */
  fingerprints?: { config: string; teacher?: string };
  /** Resume even when the checkpoint was made with another config or teacher (recorded in changes.jsonl). */
  allowChanged?: boolean;
  /** Milliseconds on a monotonic clock (default performance.now); tests pass a scripted one. */
  clock?: () => number;
  /** Called when an evaluation becomes the kept best (experiment.keepBest), after its checkpoint is written. */
  onBest?: (best: BestRecord) => void | Promise<void>;
}

/** A resume whose checkpoint was made with another config or teacher, unless allowed. */
function checkFingerprints(deps: TrainDeps, restored: { path: string; fingerprints: { config?: string; teacher?: string }; state: { step: number } }): Array<{ what: 'config' | 'teacher'; from: string; to: string }> {
  const now = deps.fingerprints;
  if (!now) return [];
  const changes: Array<{ what: 'config' | 'teacher'; from: string; to: string }> = [];
  if (restored.fingerprints.config && restored.fingerprints.config !== now.config) changes.push({ what: 'config', from: restored.fingerprints.config, to: now.config });
  if (restored.fingerprints.teacher && now.teacher && restored.fingerprints.teacher !== now.teacher) changes.push({ what: 'teacher', from: restored.fingerprints.teacher, to: now.teacher });
  if (changes.length && !deps.allowChanged) {
    const what = changes.map((c) => (c.what === 'config' ? 'the training config (config.json) differs from the one it was made with' : 'the teacher (its files or run) changed since it was made')).join('; and ');
    throw new AugpriorError(`resume.${changes[0]!.what}-changed`, `${restored.path} (step ${restored.state.step}) cannot be continued as it is: ${what}`, 'undo the change, or pass --allow-changed to continue anyway (recorded in the run\'s changes.jsonl and result.json)');
  }
  return changes;
}

export type StopReason = 'max-steps' | 'max-minutes' | 'interrupted' | 'data-exhausted';

export interface TrainOutcome {
  stopReason: StopReason;
  state: TrainerState;
  lastTrain: Metrics | undefined;
  lastEval: Metrics | undefined;
  resumedFrom: number | undefined;
  /** Config or teacher changes this session continued with (--allow-changed). */
  changes: Array<{ what: 'config' | 'teacher'; from: string; to: string }>;
}

export class NonFiniteLossError extends AugpriorError {
  constructor(step: number, value: number, diagnosis: string) {
    super('train.non-finite-loss', `loss became ${value} at step ${step}: ${diagnosis}`, 'the run stopped before updating the weights with it; the last checkpoint is intact');
  }
}

function emptyWindow(): LogWindow {
  return { steps: 0, lossSum: 0, agreementSum: 0, agreementSteps: 0 };
}

async function allFinite(t: Tensor | undefined): Promise<boolean> {
  if (!t) return true;
  const flag = tf.tidy(() => tf.all(tf.isFinite(t)));
  const ok = (await flag.data())[0] === 1;
  flag.dispose();
  return ok;
}

export async function train(deps: TrainDeps): Promise<TrainOutcome> {
  const { experiment: e, student, teacher, source, runDir, progress } = deps;
  if (e.mode === 'distill' && !teacher) throw new AugpriorError('train.no-teacher', 'distill mode needs a teacher');
  if (e.mode === 'supervised' && !source.labeled) throw new AugpriorError('train.unlabeled', `supervised mode needs labelled data, but ${source.description} has no labels`);
  if (teacher && teacher.numClasses !== student.numClasses) {
    throw new AugpriorError('train.class-mismatch', `teacher ${teacher.description} predicts ${teacher.numClasses} classes but the student has ${student.numClasses}`, 'set student.numClasses to the teacher\'s class count');
  }

  // --- init: optimizer, schedule, loss; then restore the newest checkpoint if there is one
  const params = student.namedParameters();
  const paramNameByVariable = new Map(params.map(([name, v]) => [v.name, name]));
  const optimizerKind = parseComponent(optimizers, e.optimizer, 'optimizer', { extras: ['lr'] });
  const optimizer = optimizerKind.entry.create(optimizerKind.args);
  const scheduleKind = parseComponent(schedules, e.schedule, 'schedule');
  const scheduleFor = (totalSteps: number | undefined) => scheduleKind.entry.create(scheduleKind.args, { baseLr: e.optimizer.lr, totalSteps });
  const budgetSeconds = e.maxMinutes !== undefined ? e.maxMinutes * 60 : undefined;
  // A schedule that decays to the budget under a wall-clock budget needs a planned step count (step-plan.ts).
  const plans = scheduleKind.entry.decaysToBudget && budgetSeconds !== undefined;
  const lossKind = parseComponent(losses, e.loss, 'loss');
  const lossFn = lossKind.entry.create(lossKind.args);
  const average = e.ema ? deps.average : undefined;
  if (e.ema && !average) throw new AugpriorError('train.no-average', 'the experiment sets ema but no model to hold the average was passed (TrainDeps.average: a second model of the student\'s architecture)');
  // The trainer's own stream (checkpointed, so a resumed run continues it; data sources draw their own).
  let rng = Rng.derive(e.seed, RNG_STREAMS.train);
  let state: TrainerState = { step: 0, samplesSeen: 0, elapsedSeconds: 0, rngState: rng.state(), window: emptyWindow() };
  const restored = restoreLatestCheckpoint(runDir.checkpointsDir, student, optimizer, average);
  // A fresh start, or a checkpoint from before ema was set (--allow-changed), starts the average at the weights.
  if (average && !restored?.averageRestored) copyWeights(student, average);
  for (const skipped of restored?.skipped ?? []) progress?.log(`warning: skipped unreadable checkpoint ${skipped}`);
  const changes = restored ? checkFingerprints(deps, restored) : [];
  for (const change of changes) {
    runDir.recordChange({ step: restored!.state.step, what: change.what, from: change.from, to: change.to, at: new Date().toISOString() });
    progress?.log(`warning: continuing with a changed ${change.what} (--allow-changed; recorded in changes.jsonl)`);
  }
  // Best checkpoints newer than the state resumed from belong to steps about to be trained again.
  const droppedBest = dropBestAfter(runDir.path, restored?.state.step ?? 0);
  if (droppedBest) progress?.log(`dropped ${droppedBest} best checkpoint(s) written after the step this run continues from`);
  if (restored) {
    state = restored.state;
    rng = Rng.fromState(state.rngState);
    const dropped = runDir.truncateMetricsAfter(state.step);
    progress?.log(`resumed from ${restored.path} (step ${state.step}${dropped ? `, dropped ${dropped} metric lines logged after it` : ''})`);
  } else {
    // A run killed before its first checkpoint starts again from step 0: lines it logged go.
    const dropped = runDir.truncateMetricsAfter(0);
    if (dropped) progress?.log(`no checkpoint yet: starting from step 0 (dropped ${dropped} metric lines of the interrupted start)`);
  }
  const resumedFrom = restored?.state.step;
  // A plan made for another budget (a resume with a new maxMinutes) steers until this session plans again.
  let planCurrent = plans && state.plan !== undefined && state.plan.budgetSeconds === budgetSeconds;
  let lrAt = scheduleFor(plans ? (state.plan?.steps ?? Number.POSITIVE_INFINITY) : e.maxSteps);
  let lastCheckpointStep = state.step;
  let lastTrain: Metrics | undefined;
  let lastEval: Metrics | undefined;
  let lastEvalStep = -1;

  const saveNow = async () => {
    state.rngState = rng.state();
    const fingerprints = deps.fingerprints ? { configFingerprint: deps.fingerprints.config, ...(deps.fingerprints.teacher ? { teacherFingerprint: deps.fingerprints.teacher } : {}) } : {};
    await saveCheckpoint(runDir.checkpointsDir, student, optimizer, state, { arch: student.arch, name: e.name, ...fingerprints }, average);
    pruneCheckpoints(runDir.checkpointsDir, e.keepCheckpoints);
    lastCheckpointStep = state.step;
  };
  const runEval = async () => {
    if (!deps.evaluate) return;
    if (average) {
      // The average is the run's model (what result.json, eval and a from-run teacher use); the raw weights ride along.
      const raw = await deps.evaluate(student, state.step);
      lastEval = { ...(await deps.evaluate(average, state.step)), ...prefixed('raw', raw) };
    } else lastEval = await deps.evaluate(student, state.step);
    lastEvalStep = state.step;
    runDir.appendMetrics({ type: 'eval', step: state.step, samplesSeen: state.samplesSeen, elapsedSeconds: round(state.elapsedSeconds), ...lastEval });
    progress?.log(`eval @ step ${state.step}: ${Object.entries(lastEval).map(([k, v]) => `${k} ${fmt(v)}`).join(' ')}`);
    if (e.keepBest && improves(e.keepBest, lastEval, state.best)) {
      state.best = { metric: e.keepBest.metric, value: lastEval[e.keepBest.metric]!, step: state.step, samplesSeen: state.samplesSeen, elapsedSeconds: round(state.elapsedSeconds) };
      // The best first, then the regular checkpoint that records it, then the older best goes:
      // a kill anywhere in between leaves a best that some checkpoint's state names.
      await saveCheckpoint(bestDirOf(runDir.path), student, optimizer, state, { arch: student.arch, name: e.name }, average);
      await saveNow();
      pruneCheckpoints(bestDirOf(runDir.path), 1);
      progress?.log(`best ${e.keepBest.metric} so far (${fmt(state.best.value)} at step ${state.step}): kept in ${bestDirOf(runDir.path)}`);
      await deps.onBest?.(state.best);
    }
  };

  const evalPeriod = e.evalEveryMinutes !== undefined ? e.evalEveryMinutes * 60 : undefined;
  let nextTimedEval = evalPeriod !== undefined ? (Math.floor(state.elapsedSeconds / evalPeriod) + 1) * evalPeriod : Infinity;
  const now = deps.clock ?? (() => performance.now());
  const sessionStart = now();
  const elapsedAtStart = state.elapsedSeconds;
  const stepAtStart = state.step;
  let timingFrom: { step: number; at: number } | undefined;
  let windowStart = now();
  let windowSamples = 0;
  const iterator = source.batches(state.step + 1, e.batchSize);
  let stopReason: StopReason;
  // Memory only: a resumed run computes each row again once, which gives the same answers.
  const teacherRows = new RowCache('teacher logits');
  const inputRows = new RowCache('student inputs');
  let cacheLogged = false;

  try {
    for (;;) {
      state.elapsedSeconds = elapsedAtStart + (now() - sessionStart) / 1000;
      if (e.maxSteps !== undefined && state.step >= e.maxSteps) { stopReason = 'max-steps'; break; }
      if (planCurrent && state.step >= state.plan!.steps) { stopReason = 'max-minutes'; break; }
      if (budgetSeconds !== undefined && state.elapsedSeconds >= budgetSeconds) { stopReason = 'max-minutes'; break; }
      if (deps.signal?.aborted) { stopReason = 'interrupted'; break; }

      // --- data
      const next = await iterator.next();
      if (next.done) { stopReason = 'data-exhausted'; break; }
      const batch = next.value;
      const step = state.step + 1;
      const lr = lrAt(step);

      // --- teacher (outside the tape: it never trains) and student input
      const keys = e.rowCache === false ? undefined : batch.keys;
      const teacherLogits = !teacher ? undefined : keys ? await teacherRows.get(keys, batch.x, (x) => teacher.predict(x)) : await teacher.predict(batch.x, batch.plan);
      const studentInput = keys && deps.studentFeatures
        ? await inputRows.get(keys, batch.x, (x) => studentInputOf(x, e.student.normalize, deps.studentFeatures))
        : studentInputOf(batch.x, e.student.normalize, deps.studentFeatures, batch.plan);

      // --- student loss, gradients, update
      let studentTop1: Tensor | undefined;
      const { value: loss, grads } = tf.variableGrads(() => {
        const studentLogits = student.forward(studentInput, { training: true });
        studentTop1 = tf.keep(tf.argMax(studentLogits, -1));
        return lossFn({ studentLogits, teacherLogits, labels: batch.y });
      }, params.map(([, v]) => v));
      const lossValue = (await loss.data())[0]!; // sync point: needed for the NaN guard anyway
      if (!Number.isFinite(lossValue)) {
        const diagnosis = !(await allFinite(teacherLogits))
          ? 'the teacher\'s logits contain NaN/Inf (broken teacher weights or input preprocessing)'
          : !(await allFinite(batch.x))
            ? 'the input batch contains NaN/Inf'
            : 'the student diverged (lower the learning rate or check the loss settings)';
        tf.dispose([loss, ...Object.values(grads), teacherLogits, studentInput, studentTop1, batch.x, batch.y].filter((t): t is Tensor => t !== undefined));
        throw new NonFiniteLossError(step, lossValue, diagnosis);
      }
      const gradsByName: Record<string, Tensor> = {};
      for (const [variableName, grad] of Object.entries(grads)) gradsByName[paramNameByVariable.get(variableName)!] = grad;
      optimizer.step(params, gradsByName, lr);
      if (average) updateAverage(average, student, e.ema!, step);

      let agreement: number | undefined;
      if (teacherLogits && studentTop1) {
        const agree = tf.tidy(() => tf.mean(tf.cast(tf.equal(studentTop1!, tf.argMax(teacherLogits, -1)), 'float32')));
        agreement = (await agree.data())[0]!;
        agree.dispose();
      }
      const n = batch.x.shape[0]!;
      tf.dispose([loss, ...Object.values(grads), teacherLogits, studentInput, studentTop1, batch.x, batch.y].filter((t): t is Tensor => t !== undefined));

      // --- bookkeeping and logging
      state.step = step;
      state.samplesSeen += n;
      windowSamples += n;
      state.window.steps += 1;
      state.window.lossSum += lossValue;
      if (agreement !== undefined) {
        state.window.agreementSum += agreement;
        state.window.agreementSteps += 1;
      }
      state.elapsedSeconds = elapsedAtStart + (now() - sessionStart) / 1000;
      const rate = windowSamples / Math.max((now() - windowStart) / 1000, 1e-9);
      if (plans && !planCurrent) {
        const sessionSteps = step - stepAtStart;
        if (sessionSteps === PLAN_SKIP_STEPS) timingFrom = { step, at: now() };
        const from = timingFrom ?? { step: stepAtStart, at: sessionStart };
        if (planIsDue(sessionSteps, (now() - sessionStart) / 1000, budgetSeconds! - state.elapsedSeconds) && step > from.step) {
          state.plan = makeStepPlan({ budgetSeconds: budgetSeconds!, maxSteps: e.maxSteps, step, elapsedSeconds: state.elapsedSeconds, timedSteps: step - from.step, timedSeconds: (now() - from.at) / 1000 });
          planCurrent = true;
          lrAt = scheduleFor(state.plan.steps);
          progress?.log(`planned ${state.plan.steps} steps for the ${e.maxMinutes}-minute budget (${state.plan.stepsPerSecond} steps/s over steps ${from.step + 1}-${step}); the ${e.schedule.kind} schedule decays to step ${state.plan.steps}`);
        }
      }
      if (!cacheLogged && keys && teacherRows.hits + inputRows.hits > 0 && teacherRows.misses + inputRows.misses > 0 && step % e.logEvery === 0) {
        cacheLogged = true;
        progress?.log(`row cache: teacher answers of ${teacherRows.size} rows and student inputs of ${inputRows.size} rows held in memory (batches mark their rows as fixed); rowCache=false recomputes them`);
      }
      if (step % e.logEvery === 0) {
        lastTrain = {
          loss: state.window.lossSum / state.window.steps,
          lr,
          ...(state.window.agreementSteps ? { agreement: state.window.agreementSum / state.window.agreementSteps } : {}),
          samplesPerSecond: round(rate),
        };
        runDir.appendMetrics({ type: 'train', step, samplesSeen: state.samplesSeen, elapsedSeconds: round(state.elapsedSeconds), ...lastTrain });
        state.window = emptyWindow();
        windowStart = now();
        windowSamples = 0;
      }
      progress?.update({
        fraction: Math.max(e.maxSteps ? step / e.maxSteps : 0, budgetSeconds ? state.elapsedSeconds / budgetSeconds : 0, planCurrent ? step / state.plan!.steps : 0),
        rate,
        status: `step ${step}${planCurrent ? `/${state.plan!.steps}` : e.maxSteps ? `/${e.maxSteps}` : ''} loss ${fmt(lastTrain?.loss ?? lossValue)}`,
      });
      if (e.evalEvery !== undefined && step % e.evalEvery === 0) await runEval();
      else if (state.elapsedSeconds >= nextTimedEval) {
        await runEval();
        nextTimedEval = (Math.floor(state.elapsedSeconds / evalPeriod!) + 1) * evalPeriod!;
      }
      if (step % e.checkpointEvery === 0) await saveNow();
      // Awaiting only resolved promises never returns to the event loop: signal handlers, timers
      // and native finalizers (the torch engine's tensor handles) would wait for the whole run.
      await yieldToEventLoop();
    }
  } finally {
    await iterator.return?.();
  }

  // --- wrap up: a final checkpoint and evaluation for the last step
  if (state.step !== lastCheckpointStep) await saveNow();
  if (deps.evaluate && lastEvalStep !== state.step) await runEval();
  optimizer.dispose();
  return { stopReason, state, lastTrain, lastEval, resumedFrom, changes };
}

/** top1 -> rawTop1, top1Low -> rawTop1Low, ...: the accuracy fields of a second evaluation (raw weights, flip TTA, ...). */
export function prefixed(prefix: string, metrics: Metrics): Metrics {
  const out: Metrics = {};
  for (const key of ['top1', 'top1Low', 'top1High', 'top5', 'balancedAccuracy']) if (metrics[key] !== undefined) out[`${prefix}${key[0]!.toUpperCase()}${key.slice(1)}`] = metrics[key]!;
  return out;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function fmt(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4);
}
