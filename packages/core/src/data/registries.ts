/**
 * Kinds of training data, evaluation sets and teachers, chosen by `kind` in an experiment's
 * `data`, `eval` and `teacher` sections. Core registers the generated ones; front ends add theirs
 * (image patches, Speech Commands, UCF-101, imported teachers) through these registries.
 */
import type { z } from 'zod';
import type { DataRoot } from '../data-root.js';
import { Registry } from '../registry.js';
import { teacherFromRun, TeacherFromRunArgs } from '../teachers/from-run.js';
import { classSubsetTeacher, ClassSubsetArgs } from '../teachers/class-subset.js';
import type { BatchSource, FeatureExtractor, LabeledDataset, Teacher } from '../trainer/types.js';
import {
  SyntheticShapesArgs,
  SyntheticSingleImageArgs,
  syntheticShapesSource,
  syntheticShapesTestSet,
  syntheticSingleImageSource,
  type SyntheticShapesOptions,
  type SyntheticSingleImageOptions,
} from './synthetic.js';
import { evalSetSource, EvalSetSourceArgs } from './eval-set-source.js';

export interface OpenContext {
  dataRoot: DataRoot;
  /** The experiment's seed. */
  seed: number;
  /** Relative paths in a config (runs, files outside the data root) resolve against this. */
  cwd: string;
  /** Where generated-data caches go when a config names no cacheDir (default `runs`, under cwd). */
  runsDir?: string;
}

export interface DataSourceKind {
  description: string;
  /** Absent for sources that take their modality from what they wrap (eval_set). */
  modality?: Modality;
  args: z.ZodType;
  open(args: Record<string, unknown>, context: OpenContext): Promise<BatchSource>;
}

/**
 * What a test set holds; results and reports are grouped by it. A registered name, not a closed
 * list: core registers `image` (its synthetic sources), each front end adds its own.
 */
export type Modality = string;

export interface ModalityKind {
  description: string;
}

export const modalities = Registry.from<ModalityKind>('modality', [['image', { description: 'images, batches [n, height, width, channels]' }]]);

export interface EvalSetKind {
  description: string;
  modality: Modality;
  args: z.ZodType;
  open(args: Record<string, unknown>, context: OpenContext): Promise<LabeledDataset>;
}

export interface TeacherKind {
  description: string;
  args: z.ZodType;
  load(args: Record<string, unknown>, context: OpenContext): Promise<Teacher>;
}

/** A student-side feature front end (log-mel, MFCC), chosen by `student.features.kind`. */
export interface FeatureExtractorKind {
  description: string;
  args: z.ZodType;
  create(args: Record<string, unknown>): FeatureExtractor;
}

export const featureExtractors = Registry.from<FeatureExtractorKind>('feature extractor', []);

/** The extractor a `student.features` section names (validated by parseExperiment). */
export function createFeatureExtractor(section: { kind: string } & Record<string, unknown>): FeatureExtractor {
  const [kind, args] = splitKind(section);
  const entry = featureExtractors.get(kind);
  return entry.create(entry.args.parse(args) as Record<string, unknown>);
}

export const dataSources = Registry.from<DataSourceKind>('data source', [
  [
    'synthetic_shapes',
    {
      modality: 'image',
      description: 'generated labelled orientation gratings (unit tests, teacher training)',
      args: SyntheticShapesArgs,
      open: async (args, { seed }) => syntheticShapesSource(SyntheticShapesArgs.parse(args) as SyntheticShapesOptions, seed),
    },
  ],
  [
    'synthetic_single_image',
    {
      modality: 'image',
      description: 'random crops of ONE generated grating mosaic (the single-source setting in miniature)',
      args: SyntheticSingleImageArgs,
      open: async (args, { seed }) => syntheticSingleImageSource(SyntheticSingleImageArgs.parse(args) as SyntheticSingleImageOptions, seed),
    },
  ],
]);

export const evalSets = Registry.from<EvalSetKind>('eval dataset', [
  [
    'synthetic_shapes',
    {
      modality: 'image',
      description: 'a fixed generated test split of synthetic_shapes',
      args: SyntheticShapesArgs,
      open: async (args) => syntheticShapesTestSet(SyntheticShapesArgs.parse(args) as SyntheticShapesOptions),
    },
  ],
]);

export const teacherKinds = Registry.from<TeacherKind>('teacher kind', [
  [
    'run',
    {
      description: 'the final weights of an earlier augprior run (e.g. a supervised teacher)',
      args: TeacherFromRunArgs,
      load: async (args, { cwd }) => teacherFromRun(TeacherFromRunArgs.parse(args), cwd, createFeatureExtractor),
    },
  ],
]);

// Registered after the registry exists because it loads the wrapped teacher through it.
teacherKinds.register('class_subset', {
  description: 'another teacher restricted to some of its classes (e.g. a keyword spotter without its catch-all `_unknown_`)',
  args: ClassSubsetArgs,
  load: async (args, context) => {
    const { teacher, classes } = ClassSubsetArgs.parse(args);
    return classSubsetTeacher(await loadTeacherSection(teacherKinds, teacher, context), classes);
  },
});

// Registered here because it needs `evalSets`, which is declared after `dataSources`.
dataSources.register('eval_set', {
  description: 'any eval set served as (labelled) training data: in-domain reference runs and pipeline checks',
  args: EvalSetSourceArgs,
  open: async (args, context) => {
    const { set, maxSamples } = EvalSetSourceArgs.parse(args);
    const [kind, setArgs] = splitKind(set);
    const entry = evalSets.get(kind);
    return evalSetSource(await entry.open(entry.args.parse(setArgs) as Record<string, unknown>, context), { maxSamples }, context.seed);
  },
});

/** The validators `parseExperiment` checks the kind-selected sections with. */
export const sectionValidators = { data: dataSources, eval: evalSets, teacher: teacherKinds, features: featureExtractors };

/** What a front end's `register<Modality>` function receives. */
export interface FrontEndRegistries {
  modalities: Registry<ModalityKind>;
  dataSources: Registry<DataSourceKind>;
  evalSets: Registry<EvalSetKind>;
  teacherKinds: Registry<TeacherKind>;
  featureExtractors: Registry<FeatureExtractorKind>;
}

/** A teacher section (`{kind, ...args}`) loaded through `registry` (nested teachers name their inner one this way). */
export async function loadTeacherSection(registry: Registry<TeacherKind>, section: { kind: string } & Record<string, unknown>, context: OpenContext): Promise<Teacher> {
  const [kind, args] = splitKind(section);
  const entry = registry.get(kind);
  return entry.load(entry.args.parse(args) as Record<string, unknown>, context);
}

/** `{kind, ...args}` -> [kind, args]: registry entries receive their arguments without the kind. */
export function splitKind(section: { kind: string } & Record<string, unknown>): [string, Record<string, unknown>] {
  const { kind, ...args } = section;
  return [kind, args];
}
