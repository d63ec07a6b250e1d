/** `augprior train`: config -> engine -> data, teacher, student -> the core trainer -> result.json. */
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  AugpriorError,
  RESUMABLE_FIELDS,
  RunDir,
  configHash,
  createModel,
  createProgress,
  dataSources,
  describeDataRoot,
  evalSets,
  studentInput,
  createFeatureExtractor,
  parseExperiment,
  readConfigFile,
  resolveDataRoot,
  sectionValidators,
  selectEngine,
  slowEngineWarning,
  splitKind,
  listCheckpoints,
  loadTeacherSection,
  teacherFingerprint,
  trainingFingerprint,
  teacherKinds,
  tf,
  train,
  type DataRoot,
  type EngineSelection,
  type Experiment,
  type MetricsRecord,
  type OpenContext,
  type ProgressMode,
} from '@augprior/core';
import { evaluateClassifier, readRunResult, scalarMetrics, summarizeEvaluation, teacherPredict, validateRunResult, type EvaluationResult, type RunResult } from '@augprior/eval';
import { gitCommit, modalityOfExperiment } from '../result-record.js';
import { writeRunSheets } from '../sample-sheet.js';
import { emitResult, note, type CommandIO } from '../io.js';
import { applyCommandLine, parseFlags, runsRoot, stringFlag, type Flags } from '../options.js';
import { registerFrontEnds } from '../wire.js';
import { VERSION } from '../version.js';

export const TRAIN_HELP = `augprior train --config <experiment.json> [--set key=value ...] [options]
augprior train --resume <run-dir> [--max-steps N] [--max-minutes M]

Trains a student (distill: KL to a teacher; supervised: cross-entropy) and writes
runs/<name>/{config.json, metrics.jsonl, checkpoints/, result.json}.

  --name <name>          run name (default: the config's name)
  --runs-dir <dir>       where runs are created (default: runs)
  --max-steps <n>        step budget          --max-minutes <m>  wall-clock budget
  --seed <n>             seed for init, data and augmentation
  --resume <run-dir>     continue a run from its newest valid checkpoint (same config and teacher;
                         a finished run is left as it is unless the budget is raised)
  --allow-changed        resume even though config.json or the teacher changed since the
                         checkpoint (recorded in <run>/changes.jsonl and result.json)
  --samples-only         write <run>/samples.png (the first batch as the student sees it) and
                         <run>/source.png (what it was made from), then stop
  --backend <engine>     auto|tensorflow|torch|webgpu|wasm|cpu (default: auto, or $AUGPRIOR_BACKEND)
  --threads <n>          intra-op threads for native engines (0 = all cores)
  --data-root <dir>      data root (default: $AUGPRIOR_DATA, ../shared/data, ~/.cache/augprior)
  --progress <mode>      auto|bar|lines|off
  --json                 print the result as one JSON object on the last stdout line`;

const SHORTHANDS = { name: 'name', 'runs-dir': 'runsDir', 'max-steps': 'maxSteps', 'max-minutes': 'maxMinutes', seed: 'seed' };


function resolveConfig(flags: Flags, io: CommandIO): { experiment: Experiment; resumeDir: string | undefined; source: string } {
  const resumeDir = stringFlag(flags, 'resume');
  if (resumeDir) {
    const run = RunDir.open(resolve(io.cwd, resumeDir));
    const original = run.readConfig() as Record<string, unknown>;
    const changed = applyCommandLine(original, flags, io.env, SHORTHANDS);
    for (const key of Object.keys(changed)) {
      if (JSON.stringify(changed[key]) !== JSON.stringify(original[key]) && !RESUMABLE_FIELDS.has(key)) {
        throw new AugpriorError('cli.resume-change', `--resume cannot change "${key}" of ${run.path}`, `only ${[...RESUMABLE_FIELDS].join(', ')} may change when resuming; start a new run for anything else`);
      }
    }
    return { experiment: parseExperiment(changed, sectionValidators, run.configPath), resumeDir: run.path, source: run.configPath };
  }
  const configPath = stringFlag(flags, 'config');
  if (!configPath) throw new AugpriorError('cli.no-config', 'train needs --config <experiment.json> or --resume <run-dir>', 'see experiments/ for ready-made configs');
  const fromFile = readConfigFile(resolve(io.cwd, configPath)) as Record<string, unknown>;
  const raw = applyCommandLine(io.env['AUGPRIOR_RUNS'] ? { ...fromFile, runsDir: runsRoot(io.env) } : fromFile, flags, io.env, SHORTHANDS);
  return { experiment: parseExperiment(raw, sectionValidators, configPath), resumeDir: undefined, source: configPath };
}

export async function trainCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags } = parseFlags(argv, {
    name: { type: 'string' },
    'runs-dir': { type: 'string' },
    'max-steps': { type: 'string' },
    'max-minutes': { type: 'string' },
    seed: { type: 'string' },
    resume: { type: 'string' },
    'samples-only': { type: 'boolean' },
    'allow-changed': { type: 'boolean' },
  });
  if (flags['help']) {
    io.stdout.write(`${TRAIN_HELP}\n`);
    return 0;
  }
  registerFrontEnds();
  const { experiment: e, resumeDir, source: configSource } = resolveConfig(flags, io);

  // --- engine and data root
  const engine = await selectEngine(e.engine);
  note(io, `[augprior] ${engine.reason}`);
  const slow = slowEngineWarning(engine);
  if (slow) note(io, `[augprior] ${slow}`);
  const dataRoot = resolveDataRoot({ flag: stringFlag(flags, 'data-root'), env: io.env });
  const context = { dataRoot, seed: e.seed, cwd: io.cwd, runsDir: runsRoot(io.env) };

  // --- run directory: one writer (a lock); a start that fails before its first checkpoint leaves nothing
  if (resumeDir && flags['samples-only'] !== true) {
    const finished = finishedRun(RunDir.open(resumeDir), e);
    if (finished) {
      note(io, `[augprior] ${finished.line}`);
      emitResult(io, flags['json'] === true, finished.result, () => finished.line);
      return 0;
    }
  }
  const runDir = resumeDir ? RunDir.open(resumeDir) : RunDir.create(resolve(io.cwd, e.runsDir), e.name, e);
  const lock = runDir.lock(`augprior train ${argv.join(' ')}`);
  if (lock.stale) note(io, `[augprior] warning: took over the lock of pid ${lock.stale.pid} on ${lock.stale.host} (since ${lock.stale.startedAt}), which is gone (a crash or a kill)`);
  try {
    return await trainInRun({ flags, io, e, engine, dataRoot, context, runDir, configSource });
  } catch (error) {
    if (!resumeDir && listCheckpoints(runDir.checkpointsDir).length === 0 && runDir.readMetrics().length === 0) {
      rmSync(runDir.path, { recursive: true, force: true });
      note(io, `[augprior] removed ${runDir.path}: the run failed before it trained a step, so the same command can start it again`);
    }
    throw error;
  } finally {
    lock.release();
  }
}

interface RunContext {
  flags: Flags;
  io: CommandIO;
  e: Experiment;
  engine: EngineSelection;
  dataRoot: DataRoot;
  context: OpenContext;
  runDir: RunDir;
  configSource: string;
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

async function trainInRun({ flags, io, e, engine, dataRoot, context, runDir, configSource }: RunContext): Promise<number> {
  note(io, `[augprior] run ${runDir.path} (config ${configSource}, data root ${describeDataRoot(dataRoot)})`);
  const student = createModel(e.student.arch, { numClasses: e.student.numClasses, inChannels: e.student.inChannels }, e.seed);
  const trainData = await dataSources.get(e.data.kind).open(splitKind(e.data)[1], context);
  const studentFeatures = e.student.features ? createFeatureExtractor(e.student.features) : undefined;
  if (studentFeatures) note(io, `[augprior] student features: ${studentFeatures.description}`);
  if (flags['samples-only'] === true) {
    // Only the contact sheet (e.g. for a run made before runs wrote one): no teacher, no training.
    try {
      const written = await writeRunSheets(runDir.path, trainData, studentFeatures);
      for (const line of written.length > 0 ? written : [`[augprior] ${runDir.path} already has its contact sheets`]) note(io, line);
      return 0;
    } finally {
      trainData.dispose();
      student.dispose();
    }
  }
  const teacher = e.teacher ? await loadTeacherSection(teacherKinds, e.teacher, context) : undefined;
  const evalSet = e.eval ? await evalSets.get(e.eval.kind).open(splitKind(e.eval)[1], context) : undefined;
  // Samples are images, 1-s audio clips or video clips: the rate names the one this run trains on.
  const progress = createProgress({ label: e.name, unit: modalityOfExperiment(e) === 'image' ? 'img' : 'clip', mode: (stringFlag(flags, 'progress') ?? 'auto') as ProgressMode, stream: io.stderr });
  const abort = new AbortController();
  const onSignal = () => {
    note(io, '[augprior] stopping after this step (checkpoint first); press again to kill');
    abort.abort();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const studentShape = studentFeatures ? studentFeatures.outputShape(trainData.inputShape) : trainData.inputShape;
    const channels = studentShape[studentShape.length - 1];
    if (channels !== e.student.inChannels) {
      throw new AugpriorError('train.channel-mismatch', `${trainData.description}${studentFeatures ? ` through ${studentFeatures.description}` : ''} yields ${channels}-channel input but student.inChannels is ${e.student.inChannels}`);
    }
    if (evalSet && evalSet.numClasses !== e.student.numClasses) {
      throw new AugpriorError('train.class-mismatch', `${evalSet.description} has ${evalSet.numClasses} classes but the student predicts ${e.student.numClasses}`);
    }
    const studentPredict = (x: tf.Tensor) => student.forward(studentInput(x, e.student.normalize, studentFeatures), { training: false });
    const teacherAsPredict = teacher ? teacherPredict(teacher) : undefined;
    // The student learns the teacher's outputs in the teacher's order: both are checked against the eval set's class names.
    const named = teacher?.classNames ? { classNames: teacher.classNames } : {};
    const teacherFull = evalSet && teacherAsPredict ? await evaluateClassifier(teacherAsPredict, evalSet, { batchSize: e.evalBatchSize, model: `teacher ${teacher!.description}`, ...named }) : undefined;
    if (teacherFull) progress.log(`teacher on ${evalSet!.description}: top1 ${(teacherFull.top1 * 100).toFixed(2)}%`);
    let lastFull: EvaluationResult | undefined;

    for (const line of await writeRunSheets(runDir.path, trainData, studentFeatures)) note(io, line);
    const started = new Date();
    const outcome = await train({
      experiment: e,
      student,
      ...(teacher ? { teacher } : {}),
      ...(studentFeatures ? { studentFeatures } : {}),
      source: trainData,
      runDir,
      engine,
      progress,
      signal: abort.signal,
      fingerprints: { config: trainingFingerprint(e), ...(e.teacher ? { teacher: teacherFingerprint(e.teacher, context) } : {}) },
      allowChanged: flags['allow-changed'] === true,
      ...(evalSet
        ? {
            evaluate: async () => {
              lastFull = await evaluateClassifier(studentPredict, evalSet, { batchSize: e.evalBatchSize, model: `student ${student.arch}`, ...named, ...(teacherAsPredict ? { teacher: teacherAsPredict } : {}) });
              return scalarMetrics(lastFull);
            },
          }
        : {}),
    });
    progress.stop();

    const summary = (full: EvaluationResult | undefined) => (full && evalSet ? summarizeEvaluation(full, evalSet.description, evalSet.classNames) : null);
    const result: RunResult = validateRunResult(
      {
        format: 'augprior-result/1',
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
        // The evaluation of the final weights when the run ended on one; a resumed run with no new evaluation has none.
        eval: lastFull && outcome.lastEval ? summary(lastFull) : null,
        configHash: configHash(e),
        gitCommit: gitCommit(io.cwd),
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        augprior: VERSION,
        extra: {
          status: outcome.stopReason === 'interrupted' ? 'interrupted' : 'completed',
          stopReason: outcome.stopReason,
          runDir: runDir.path,
          resumedFrom: outcome.resumedFrom ?? null,
          // Every resume that continued with another config or teacher (--allow-changed), from changes.jsonl.
          changes: runDir.readChanges(),
          engineReason: engine.reason,
          evalSet: evalSet?.description ?? null,
          train: outcome.lastTrain ?? null,
          lastEval: outcome.lastEval ?? null,
        },
      },
      join(runDir.path, 'result.json'),
    );
    runDir.writeResult(result);
    emitResult(io, flags['json'] === true, result, () => summarize(result, runDir.readMetrics().filter((m) => m.type === 'eval')));
    return outcome.stopReason === 'interrupted' ? 130 : 0;
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    trainData.dispose();
    teacher?.dispose();
    student.dispose();
  }
}

/** The closing table: every evaluation of the run (minutes, samples, top-1/top-5, agreement). */
function summarize(r: RunResult, evals: MetricsRecord[]): string {
  const pct = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(2)}%` : '-');
  const balanced = evals.some((m) => m['balancedAccuracy'] !== undefined);
  const rows = evals.map((m) => `| ${(Number(m['elapsedSeconds']) / 60).toFixed(1)} | ${m.step} | ${m['samplesSeen']} | ${pct(m['top1'])} | ${pct(m['top5'])} |${balanced ? ` ${pct(m['balancedAccuracy'])} |` : ''} ${pct(m['agreement'])} |`);
  const teacher = r.teacher?.eval?.metrics;
  return [
    `run ${r.name} (${String(r.extra['runDir'])}): ${String(r.extra['stopReason'])} after ${r.steps} steps, ${r.samplesSeen} samples, ${r.wallSeconds}s on ${r.engine.name}`,
    ...(r.teacher ? [`teacher ${r.teacher.description}${teacher ? `: top-1 ${pct(teacher['top1']?.value)}, top-5 ${pct(teacher['top5']?.value)}${teacher['balancedAccuracy'] && balanced ? `, class-balanced ${pct(teacher['balancedAccuracy'].value)}` : ''}` : ''}`] : []),
    ...(rows.length ? ['', `| minutes | step | samples | student top-1 | top-5 |${balanced ? ' class-balanced |' : ''} agreement |`, `|---|---|---|---|---|${balanced ? '---|' : ''}---|`, ...rows] : []),
  ].join('\n');
}
