/** `augprior train`: config -> engine -> data, teacher, student -> the core trainer -> result.json. */
import { resolve } from 'node:path';
import { AugpriorError, RESUMABLE_FIELDS, RunDir, migrateExperimentConfig, parseExperiment, readConfigFile, resolveDataRoot, sectionValidators, type Experiment, type MetricsRecord, type ProgressMode } from '@augprior/core';
import type { RunResult } from '@augprior/eval';
import { registerFrontEnds, runExperiment } from '@augprior/runner';
import { emitResult, note, type CommandIO } from '../io.js';
import { applyCommandLine, parseFlags, runsRoot, stringFlag, type Flags } from '../options.js';

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
    const saved = migrateExperimentConfig(run.readConfig());
    // A run made before the {kind, ...args} shape resumes with its config read in the new shape;
    // its checkpoints' fingerprints are over the old one, so the resume asks for --allow-changed.
    if (saved.changes.length) note(io, `run ${run.path} has the old config shape (${saved.changes.length} fields); reading it as migrated (npx augprior config migrate ${run.configPath} rewrites the file; resuming needs --allow-changed once)`);
    const original = saved.config as Record<string, unknown>;
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
  const { experiment, resumeDir, source } = resolveConfig(flags, io);
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
    const outcome = await runExperiment(
      experiment,
      {
        cwd: io.cwd,
        dataRoot: resolveDataRoot({ flag: stringFlag(flags, 'data-root'), env: io.env }),
        runsDir: runsRoot(io.env),
        log: (line) => note(io, line),
        progress: (stringFlag(flags, 'progress') ?? 'auto') as ProgressMode,
        stream: io.stderr,
        signal: abort.signal,
      },
      {
        ...(resumeDir ? { resumeDir } : {}),
        allowChanged: flags['allow-changed'] === true,
        samplesOnly: flags['samples-only'] === true,
        command: `augprior train ${argv.join(' ')}`,
        configSource: source,
      },
    );
    if (outcome.status === 'samples') return 0;
    const result = outcome.result!;
    emitResult(io, flags['json'] === true, result, () => (outcome.status === 'finished' ? outcome.notes[0]! : summarize(result, outcome.evaluations)));
    return outcome.status === 'interrupted' ? 130 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
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
