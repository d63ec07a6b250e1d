/**
 * The experiment config: one JSON file in experiments/, validated once at load, saved resolved
 * (defaults filled in) into the run directory. Every component section has one shape, `{kind,
 * ...args}` (torchdistill's key + kwargs, flattened): the registry entry named by `kind` validates
 * the rest, so `parseExperiment` checks every name and argument before a single tensor is
 * allocated and reports the exact field that is wrong. Configs of the shape before that are
 * refused with `config.old-shape` (see migrate.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AugpriorError } from '../errors.js';
import { ENGINE_NAMES } from '../engine/select-engine.js';
import { losses } from '../losses/index.js';
import { models } from '../models/index.js';
import { optimizers } from '../optim/optimizers.js';
import { schedules } from '../optim/schedules.js';
import { ClassFoldArgs } from '../teachers/class-fold.js';
import { LogitAdjustSchema } from '../trainer/logit-adjust.js';
import { WeightAverageSchema } from '../trainer/weight-average.js';
import { KeepBestSchema } from '../trainer/keep-best.js';
import type { Registry } from '../registry.js';
import { parseComponent, type ComponentKind, type ComponentSection } from './component.js';
import { migrateExperimentConfig } from './migrate.js';
import { applyOverrides } from './overrides.js';
import { formatZodIssues } from './zod-errors.js';

/** A component chosen by kind, whose remaining fields a registry entry validates. */
const kindWithArgs = z.looseObject({ kind: z.string().min(1) });

export const NormalizationSchema = z.strictObject({
  /** Per-channel mean / std applied after scaling inputs to [0, 1]. */
  mean: z.array(z.number()).min(1),
  std: z.array(z.number().positive()).min(1),
});

export const ExperimentSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, _ . - only (it names the run folder)'),
    description: z.string().default(''),
    /** distill: KL to a teacher on unlabeled data. supervised: cross-entropy on labels (teacher training). */
    mode: z.enum(['distill', 'supervised']),
    seed: z.number().int().min(0).default(0),
    engine: z
      .strictObject({
        backend: z.enum(['auto', ...ENGINE_NAMES]).default('auto'),
        threads: z.number().int().min(0).default(0),
        device: z.enum(['cpu', 'cuda']).default('cpu'),
      })
      .default({ backend: 'auto', threads: 0, device: 'cpu' }),
    data: kindWithArgs,
    eval: kindWithArgs.optional(),
    teacher: kindWithArgs.optional(),
    student: z.looseObject({
      /** The model registry name (resnet20, dscnn_s, ...). */
      kind: z.string().min(1),
      numClasses: z.number().int().positive(),
      inChannels: z.number().int().positive().default(3),
      normalize: NormalizationSchema.optional(),
      /** A feature front end between the raw batch (a waveform) and the student (e.g. log-mel). */
      features: kindWithArgs.optional(),
      /**
       * Evaluate the student's numClasses outputs folded into the eval set's classes (as the class_fold
       * teacher kind folds): the student learns a teacher's fine classes (30 words) and answers a
       * coarser protocol (10 keywords + `_unknown_`). Evaluation folds the teacher the same way.
       */
      fold: z.strictObject({ groups: ClassFoldArgs.shape.groups, names: ClassFoldArgs.shape.names }).optional(),
      /** Evaluate with -tau * log(teacher prior over the training stream) added to the logits (before the fold). */
      logitAdjust: LogitAdjustSchema.optional(),
    }),
    loss: kindWithArgs.optional(),
    optimizer: z.looseObject({ kind: z.string().min(1).default('adam'), lr: z.number().positive().default(1e-3) }).default({ kind: 'adam', lr: 1e-3 }),
    schedule: kindWithArgs.default({ kind: 'constant' }),
    /** Keep an exponential moving average of the weights, evaluated beside the raw ones (trainer/weight-average.ts). */
    ema: WeightAverageSchema.optional(),
    /**
     * Keep the weights of the best evaluation so far (by `metric`, on the run's eval set) in
     * `<run>/best/`; that checkpoint, not the last, is then the run's model (result.json's eval,
     * `augprior eval`, a from-run teacher). An early stop chosen on the eval set, which must then be
     * a validation set: a figure reported for the test set comes from a separate evaluation.
     */
    keepBest: KeepBestSchema.optional(),
    batchSize: z.number().int().positive(),
    /** Budgets: training stops at whichever comes first (at least one is required). */
    maxSteps: z.number().int().positive().optional(),
    maxMinutes: z.number().positive().optional(),
    logEvery: z.number().int().positive().default(10),
    evalEvery: z.number().int().positive().optional(),
    /** Also evaluate whenever this much training wall time has passed (accuracy-vs-time curves). */
    evalEveryMinutes: z.number().positive().optional(),
    evalBatchSize: z.number().int().positive().default(256),
    /**
     * Evaluations reported beside the headline (which stays the plain single-view model): `flip`
     * adds horizontal-flip test-time augmentation (metrics flipTop1, ...); `bnRecalibrate: K`
     * recomputes batch-norm statistics over the first K training batches on a copy of the model
     * (bnTop1, ...), leaving the run's own statistics untouched.
     */
    evalVariants: z.strictObject({ flip: z.boolean().default(false), bnRecalibrate: z.number().int().min(0).default(0) }).optional(),
    /**
     * Compute the teacher's answer and the student's input once per row when the source marks its
     * rows as fixed (Batch.keys; trainer/row-cache.ts). Absent = on; false recomputes every step
     * (the same answers, slower). Optional so that configs resolved before it keep their fingerprint.
     */
    rowCache: z.boolean().optional(),
    checkpointEvery: z.number().int().positive().default(100),
    keepCheckpoints: z.number().int().positive().default(2),
    runsDir: z.string().default('runs'),
  })
  .refine((e) => e.maxSteps !== undefined || e.maxMinutes !== undefined, { message: 'set maxSteps or maxMinutes (a run needs a budget)', path: ['maxSteps'] })
  .refine((e) => e.mode !== 'distill' || e.teacher !== undefined, { message: 'distill mode needs a teacher', path: ['teacher'] });


export type Experiment = Omit<z.infer<typeof ExperimentSchema>, 'loss' | 'optimizer' | 'schedule'> & {
  loss: ComponentSection;
  optimizer: ComponentSection & { lr: number };
  schedule: ComponentSection;
};

// The student's own fields; the rest of the section would be the model's arguments, and models take none yet.
const STUDENT_FIELDS = new Set(['kind', 'numClasses', 'inChannels', 'normalize', 'features', 'fold', 'logitAdjust']);

/** Registries that validate the `kind`-selected sections (front ends add their kinds to these). */
export interface SectionValidators {
  data: Registry<ComponentKind>;
  eval: Registry<ComponentKind>;
  teacher: Registry<ComponentKind>;
  features?: Registry<ComponentKind>;
}

function fail(source: string, message: string): never {
  throw new AugpriorError('config.invalid', `${source}: ${message}`);
}

function checkName<T>(source: string, field: string, registry: Registry<T>, name: string): T {
  // Renamed kinds never get here: refuseOldShape names them first.
  if (!registry.has(name)) fail(source, `${field}: unknown ${registry.kind} "${name}"; known: ${registry.list().join(', ')}`);
  return registry.get(name);
}

/** Checks `kind` against the registry and the rest of the section against that entry's schema (component.ts, the one parser). */
function checkKindSection(source: string, field: string, registry: Registry<ComponentKind>, section: ComponentSection, extras: readonly string[] = []): ComponentSection {
  return parseComponent(registry, section, field, { source, extras }).section;
}

/** Refuses the config shape before `{kind, ...args}`, naming each old field and the migrate command. */
function refuseOldShape(source: string, raw: unknown): void {
  const { changes } = migrateExperimentConfig(raw);
  if (changes.length === 0) return;
  throw new AugpriorError(
    'config.old-shape',
    `${source} has the config shape from before every section became {kind, ...args}: ${changes.join('; ')}`,
    `rewrite the file with: npx augprior config migrate ${source} (a --set of the old shape, e.g. loss.args.temperature=1, is now loss.temperature=1)`,
  );
}

/** Validates a raw config (after overrides) and fills every default. */
export function parseExperiment(raw: unknown, validators: SectionValidators, source = 'config'): Experiment {
  refuseOldShape(source, raw);
  const parsed = ExperimentSchema.safeParse(raw);
  if (!parsed.success) fail(source, formatZodIssues(parsed.error));
  const e = parsed.data;
  const lossSection = e.loss ?? { kind: e.mode === 'distill' ? 'kl_divergence' : 'cross_entropy' };
  const lossEntry = checkName(source, 'loss.kind', losses, lossSection.kind);
  if (lossEntry.needs === 'teacher' && e.mode !== 'distill') fail(source, `loss.kind: ${lossSection.kind} needs a teacher, but mode is "${e.mode}"`);
  if (lossEntry.needs === 'labels' && e.mode !== 'supervised') fail(source, `loss.kind: ${lossSection.kind} needs labels, but mode is "${e.mode}"`);
  checkName(source, 'student.kind', models, e.student.kind);
  const unknownStudent = Object.keys(e.student).filter((key) => !STUDENT_FIELDS.has(key));
  if (unknownStudent.length) fail(source, `student: unrecognized key(s) ${unknownStudent.map((k) => `"${k}"`).join(', ')} (a student has kind, numClasses, inChannels, normalize, features, fold, logitAdjust)`);
  if (e.student.normalize && e.student.normalize.mean.length !== e.student.normalize.std.length) fail(source, 'student.normalize: mean and std must have the same length');
  let student = e.student;
  if (e.student.features) {
    if (!validators.features) fail(source, 'student.features: no feature extractors are registered here');
    student = { ...e.student, features: checkKindSection(source, 'student.features', validators.features, e.student.features) as typeof e.student.features };
  }
  return {
    ...e,
    student,
    data: checkKindSection(source, 'data', validators.data, e.data) as Experiment['data'],
    eval: e.eval ? (checkKindSection(source, 'eval', validators.eval, e.eval) as Experiment['eval']) : undefined,
    teacher: e.teacher ? (checkKindSection(source, 'teacher', validators.teacher, e.teacher) as Experiment['teacher']) : undefined,
    loss: checkKindSection(source, 'loss', losses, lossSection),
    optimizer: checkKindSection(source, 'optimizer', optimizers, e.optimizer, ['lr']) as Experiment['optimizer'],
    schedule: checkKindSection(source, 'schedule', schedules, e.schedule),
  };
}

export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AugpriorError('config.unreadable', `cannot read config ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AugpriorError('config.not-json', `${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Reads a config file, applies `--set` overrides, validates. */
export function loadExperiment(path: string, overrides: readonly string[], validators: SectionValidators): Experiment {
  return parseExperiment(applyOverrides(readConfigFile(path), overrides), validators, path);
}

/** A short stable hash of the resolved config, recorded in results so runs can be grouped. */
/** Budget-like fields a resumed run may change; anything else would break exact resumption. */
export const RESUMABLE_FIELDS: ReadonlySet<string> = new Set(['maxSteps', 'maxMinutes', 'engine', 'logEvery', 'evalEvery', 'checkpointEvery', 'keepCheckpoints', 'evalBatchSize', 'rowCache']);

export function configHash(experiment: Experiment): string {
  const canonical = JSON.stringify(experiment, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value as object).sort(([a], [b]) => a.localeCompare(b))) : value,
  );
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}
