/** A teacher made from an earlier augprior run: its architecture, normalisation and last weights. */
import { resolve } from 'node:path';
import { z } from 'zod';
import { migrateExperimentConfig } from '../config/migrate.js';
import { AugpriorError } from '../errors.js';
import { createModel } from '../models/index.js';
import type { Classifier } from '../models/classifier.js';
import { tf, type Tensor } from '../tf.js';
import { listCheckpoints, loadModelWeights } from '../trainer/checkpoint.js';
import { bestCheckpointOf } from '../trainer/keep-best.js';
import { LogitAdjustSchema, readTeacherPrior, type LogitAdjust } from '../trainer/logit-adjust.js';
import { studentInput, type Normalization } from '../trainer/preprocess.js';
import { RunDir } from '../trainer/run-dir.js';
import type { FeatureExtractor } from '../trainer/types.js';
import { ClassFoldArgs, type ClassFold } from './class-fold.js';
import { syncPredictor, type Teacher } from './predictor.js';

export const TeacherFromRunArgs = z.strictObject({
  /** The run directory (runs/<name>). */
  path: z.string().min(1),
});

const RunConfigSubset = z.looseObject({
  seed: z.number().int().default(0),
  student: z.looseObject({
    kind: z.string(),
    numClasses: z.number().int().positive(),
    inChannels: z.number().int().positive().default(3),
    normalize: z.object({ mean: z.array(z.number()), std: z.array(z.number()) }).optional(),
    features: z.looseObject({ kind: z.string() }).optional(),
    fold: z.strictObject({ groups: ClassFoldArgs.shape.groups, names: ClassFoldArgs.shape.names }).optional(),
    logitAdjust: LogitAdjustSchema.optional(),
  }),
});

export interface LoadedRunModel {
  model: Classifier;
  normalize: Normalization | undefined;
  /** The run's student feature front end (`student.features`), for the caller to build. */
  features: ({ kind: string } & Record<string, unknown>) | undefined;
  /** The run's `student.fold`: how its outputs answer its evaluation set's classes. */
  fold: ClassFold | undefined;
  /** The run's `student.logitAdjust` (or the caller's override) with the teacher prior the run wrote. */
  logitAdjust: { tau: number; at: 'classes' | 'groups'; prior: number[] } | undefined;
  checkpoint: string;
  step: number;
}

/**
 * Rebuilds the model a run trained and loads its newest checkpoint. `logitAdjust` replaces the run's
 * own `student.logitAdjust` (tau 0 turns it off); either way the prior is the one the run wrote.
 */
export function loadRunModel(path: string, options: { logitAdjust?: LogitAdjust } = {}): LoadedRunModel {
  const run = RunDir.open(path);
  // Runs made before the {kind, ...args} config shape keep working as teachers.
  const parsed = RunConfigSubset.safeParse(migrateExperimentConfig(run.readConfig()).config);
  if (!parsed.success) throw new AugpriorError('run.bad-config', `${run.configPath} does not describe a model: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  // A run that kept its best evaluation (experiment.keepBest) is that model, not its last step.
  const latest = bestCheckpointOf(run.path) ?? listCheckpoints(run.checkpointsDir)[0];
  if (!latest) throw new AugpriorError('run.no-checkpoint', `run ${run.path} has no checkpoint yet`, 'train it first (or let it reach its first checkpointEvery)');
  const { student } = parsed.data;
  const model = createModel(student.kind, { numClasses: student.numClasses, inChannels: student.inChannels }, parsed.data.seed);
  loadModelWeights(latest.path, model);
  let logitAdjust: LoadedRunModel['logitAdjust'];
  const settings = options.logitAdjust ?? student.logitAdjust;
  if (settings && settings.tau > 0) {
    const saved = readTeacherPrior(run.path);
    if (!saved) {
      model.dispose();
      throw new AugpriorError('run.no-prior', `run ${run.path} ${options.logitAdjust ? 'is evaluated with a logit adjustment' : 'sets student.logitAdjust'} but has no teacher-prior.json`, 'only a run trained with student.logitAdjust writes the prior (before its first step); resume it once with student.logitAdjust set, or evaluate without the adjustment');
    }
    logitAdjust = { tau: settings.tau, at: settings.at, prior: saved.prior };
  }
  return { model, normalize: student.normalize, features: student.features, fold: student.fold, logitAdjust, checkpoint: latest.path, step: latest.step };
}

/** `buildFeatures` builds a run's `student.features` (the registry lives above this module). */
export function teacherFromRun(args: z.infer<typeof TeacherFromRunArgs>, cwd: string = process.cwd(), buildFeatures?: (section: { kind: string } & Record<string, unknown>) => FeatureExtractor): Teacher {
  const { model, normalize, features, step } = loadRunModel(resolve(cwd, args.path));
  if (features && !buildFeatures) throw new AugpriorError('run.features', `run ${args.path} needs the feature extractor "${features.kind}", which nothing here can build`);
  const extractor = features ? buildFeatures!(features) : undefined;
  return syncPredictor((x, plan) => model.forward(studentInput(x, normalize, extractor, plan), { training: false }), {
    description: `${model.arch} from run ${args.path} (step ${step})`,
    numClasses: model.numClasses,
    ...(model.featureMap && !extractor ? { featureMap: (x: Tensor) => tf.tidy(() => model.featureMap!(studentInput(x, normalize), { training: false })) } : {}),
    dispose: () => model.dispose(),
  });
}
