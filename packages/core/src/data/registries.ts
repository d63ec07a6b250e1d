/**
 * Kinds of training data, evaluation sets and teachers, chosen by `kind` in an experiment's
 * `data`, `eval` and `teacher` sections. Core registers the generated ones; front ends add theirs
 * (image patches, Speech Commands, UCF-101, imported teachers) through these registries.
 */
import type { z } from 'zod';
import type { DataRoot } from '../data-root.js';
import { parseComponent, type ComponentSection } from '../config/component.js';
import { Registry } from '../registry.js';
import { teacherFromRun, TeacherFromRunArgs } from '../teachers/from-run.js';
import { classFoldTeacher, ClassFoldArgs } from '../teachers/class-fold.js';
import { classSubsetTeacher, ClassSubsetArgs } from '../teachers/class-subset.js';
import { mixtureTeacher, MixtureArgs } from '../teachers/mixture.js';
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

/**
 * Entries are generic in their argument schema so that `open`/`load`/`create` receive the parsed,
 * defaulted arguments typed; `parseComponent` (config/component.ts) is the only place they are
 * parsed. Declare one with `defineDataSource({...})` (and the like) to get that typing.
 */
export interface DataSourceKind<S extends z.ZodType = z.ZodType> {
  description: string;
  /** Absent for sources that take their modality from what they wrap (eval_set). */
  modality?: Modality;
  args: S;
  open(args: z.output<S>, context: OpenContext): Promise<BatchSource>;
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

export interface EvalSetKind<S extends z.ZodType = z.ZodType> {
  description: string;
  modality: Modality;
  args: S;
  open(args: z.output<S>, context: OpenContext): Promise<LabeledDataset>;
}

export interface TeacherKind<S extends z.ZodType = z.ZodType> {
  description: string;
  args: S;
  load(args: z.output<S>, context: OpenContext): Promise<Teacher>;
}

/** A student-side feature front end (log-mel, MFCC), chosen by `student.features.kind`. */
export interface FeatureExtractorKind<S extends z.ZodType = z.ZodType> {
  description: string;
  args: S;
  create(args: z.output<S>): FeatureExtractor;
}

// Identity functions: they only let TypeScript infer each entry's argument type from its schema.
export const defineDataSource = <S extends z.ZodType>(kind: DataSourceKind<S>): DataSourceKind<S> => kind;
export const defineEvalSet = <S extends z.ZodType>(kind: EvalSetKind<S>): EvalSetKind<S> => kind;
export const defineTeacherKind = <S extends z.ZodType>(kind: TeacherKind<S>): TeacherKind<S> => kind;
export const defineFeatureExtractor = <S extends z.ZodType>(kind: FeatureExtractorKind<S>): FeatureExtractorKind<S> => kind;

export const featureExtractors = Registry.from<FeatureExtractorKind>('feature extractor', []);

/** The extractor a `student.features` section (or a teacher's `features`) names. */
export function createFeatureExtractor(section: ComponentSection, field = 'student.features'): FeatureExtractor {
  const { entry, args } = parseComponent(featureExtractors, section, field);
  return entry.create(args);
}

export const dataSources = Registry.from<DataSourceKind>('data source', [
  [
    'synthetic_shapes',
    defineDataSource({
      modality: 'image',
      description: 'generated labelled orientation gratings (unit tests, teacher training)',
      args: SyntheticShapesArgs,
      open: async (args, { seed }) => syntheticShapesSource(args as SyntheticShapesOptions, seed),
    }),
  ],
  [
    'synthetic_single_image',
    defineDataSource({
      modality: 'image',
      description: 'random crops of ONE generated grating mosaic (the single-source setting in miniature)',
      args: SyntheticSingleImageArgs,
      open: async (args, { seed }) => syntheticSingleImageSource(args as SyntheticSingleImageOptions, seed),
    }),
  ],
]);

export const evalSets = Registry.from<EvalSetKind>('eval dataset', [
  [
    'synthetic_shapes',
    defineEvalSet({
      modality: 'image',
      description: 'a fixed generated test split of synthetic_shapes',
      args: SyntheticShapesArgs,
      open: async (args) => syntheticShapesTestSet(args as SyntheticShapesOptions),
    }),
  ],
]);

export const teacherKinds = Registry.from<TeacherKind>('teacher kind', [
  [
    'run',
    defineTeacherKind({
      description: 'the weights of an earlier augprior run (its kept best under keepBest, else its newest checkpoint; e.g. a supervised teacher)',
      args: TeacherFromRunArgs,
      load: async (args, { cwd }) => teacherFromRun(args, cwd, (section) => createFeatureExtractor(section, 'teacher run student.features')),
    }),
  ],
]);

// Registered after the registry exists because they load the wrapped teacher through it.
teacherKinds.register(
  'class_subset',
  defineTeacherKind({
    description: 'another teacher restricted to some of its classes (e.g. a keyword spotter without its catch-all `_unknown_`)',
    args: ClassSubsetArgs,
    load: async ({ teacher, classes }, context) => classSubsetTeacher(await loadTeacherSection(teacherKinds, teacher, context, 'teacher.teacher'), classes),
  }),
);
teacherKinds.register(
  'class_fold',
  defineTeacherKind({
    description: "another teacher's classes folded into coarser ones (probabilities summed per group; e.g. 30 spoken words -> 10 keywords + `_unknown_`)",
    args: ClassFoldArgs,
    load: async ({ teacher, groups, names }, context) => classFoldTeacher(await loadTeacherSection(teacherKinds, teacher, context, 'teacher.teacher'), { groups, ...(names ? { names } : {}) }),
  }),
);

teacherKinds.register(
  'mixture',
  defineTeacherKind({
    description: "the weighted average of several teachers' probabilities (an ensemble; members answer the same classes, folded first where needed)",
    args: MixtureArgs,
    load: async ({ teachers, weights }, context) => {
      const members: Teacher[] = [];
      try {
        for (const [i, section] of teachers.entries()) members.push(await loadTeacherSection(teacherKinds, section, context, `teacher.teachers[${i}]`));
        return mixtureTeacher(members, weights);
      } catch (error) {
        for (const m of members) m.dispose();
        throw error;
      }
    },
  }),
);

// Registered here because it needs `evalSets`, which is declared after `dataSources`.
dataSources.register(
  'eval_set',
  defineDataSource({
    description: 'any eval set served as (labelled) training data: in-domain reference runs and pipeline checks',
    args: EvalSetSourceArgs,
    open: async ({ set, maxSamples }, context) => evalSetSource(await openEvalSet(set, context, 'data.set'), { maxSamples }, context.seed),
  }),
);

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

/** A teacher section (`{kind, ...args}`) loaded through `registry` (nested teachers name their inner one this way, with `field` = where it sits). */
export async function loadTeacherSection(registry: Registry<TeacherKind>, section: ComponentSection, context: OpenContext, field = 'teacher'): Promise<Teacher> {
  const { entry, args } = parseComponent(registry, section, field);
  return entry.load(args, context);
}

/** The training data a `data` section names. */
export async function openDataSource(section: ComponentSection, context: OpenContext, field = 'data'): Promise<BatchSource> {
  const { entry, args } = parseComponent(dataSources, section, field);
  return entry.open(args, context);
}

/** The evaluation set an `eval` section names. */
export async function openEvalSet(section: ComponentSection, context: OpenContext, field = 'eval'): Promise<LabeledDataset> {
  const { entry, args } = parseComponent(evalSets, section, field);
  return entry.open(args, context);
}
