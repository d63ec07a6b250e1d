/** @augprior/core: engines, model registry, losses, optimizers, the trainer and its run files. */
export { tf, type Tensor, type Variable } from './tf.js';
export { AugpriorError, isAugpriorError } from './errors.js';
export { Registry } from './registry.js';
export { RNG_STREAMS, streamTag } from './rng-streams.js';
export { EpochSampler } from './data/epoch-sampler.js';
export { SelectionSchema, balancedSubset, scorePool, selectionWeights, describeSelection, WeightedSampler, type SelectionOptions, type TeacherScores } from './data/teacher-selection.js';
export { Rng, mixSeed, type RngState } from './rng.js';
export { findWorkspaceRoot } from './workspace.js';
export { resolveDataRoot, describeDataRoot, dataPath, resolveDataPath, type DataRoot, type DataRootSource } from './data-root.js';
export { createProgress, formatDuration, type ProgressReporter, type ProgressMode, type ProgressUpdate } from './progress.js';

export {
  selectEngine,
  probeEngines,
  parseBackendChoice,
  importOptional,
  ENGINE_NAMES,
  AUTO_ORDER,
  type EngineName,
  type BackendChoice,
  type EngineSelection,
  type EngineAttempt,
  type Device,
} from './engine/select-engine.js';
export { checkClassNames } from './data/class-names.js';
export { slowEngineWarning, slowdownVsTorch, SLOW_ENGINE_FACTOR, SLOW_ENGINE_FIX } from './engine/slow-engine.js';
export { registerWasmGradientKernels } from './engine/wasm-grad-kernels.js';

export { Module, Sequential, type ForwardOptions } from './nn/module.js';
export { Conv2d, DepthwiseConv2d, BatchNorm2d, Linear, globalAvgPool } from './nn/layers.js';
export { recalibrateBatchNorm } from './nn/batch-norm-recalibration.js';
export { copyWeights } from './trainer/weight-average.js';
export { bestCheckpointOf, bestDirOf, type BestRecord, type KeepBestOptions } from './trainer/keep-best.js';
export { models, createModel, BUILTIN_MODELS, Classifier, optionAShortcut, type ModelArgs, type ModelEntry } from './models/index.js';
export { losses, klDistillation, crossEntropy, type LossFn, type LossInputs, type LossEntry } from './losses/index.js';
export { optimizers, Adam, Sgd, type Optimizer, type OptimizerEntry } from './optim/optimizers.js';
export { schedules, type LrAt, type ScheduleEntry } from './optim/schedules.js';

export { ExperimentSchema, parseExperiment, loadExperiment, readConfigFile, configHash, RESUMABLE_FIELDS, type Experiment, type SectionValidators } from './config/experiment.js';
export { parseComponent, argsOf, type ComponentSection, type ComponentKind, type ParsedComponent } from './config/component.js';
export { migrateExperimentConfig, RENAMED_KINDS, type Migration } from './config/migrate.js';
export { applyOverrides, parseOverride, parseOverrideValue } from './config/overrides.js';
export { formatZodIssues } from './config/zod-errors.js';

export { loadDatasetRegistry, parseDatasetRegistry, findEntry, type DatasetRegistry, type RegistryEntry, type RegistryFile } from './datasets/registry.js';
export { fetchEntry, verifyFile, hashFile, type FileReport, type FileStatus } from './datasets/download.js';

export { dataSources, evalSets, teacherKinds, featureExtractors, createFeatureExtractor, sectionValidators, loadTeacherSection, openDataSource, openEvalSet, defineDataSource, defineEvalSet, defineTeacherKind, defineFeatureExtractor, type FrontEndRegistries, type OpenContext, type DataSourceKind, type EvalSetKind, type Modality, modalities, type ModalityKind, type TeacherKind, type FeatureExtractorKind } from './data/registries.js';
export { syntheticShapesSource, syntheticShapesTestSet, syntheticSingleImageSource, renderMosaic } from './data/synthetic.js';
export { evalSetSource, EvalSetSourceArgs } from './data/eval-set-source.js';

export { train, prefixed, NonFiniteLossError, type TrainDeps, type TrainOutcome, type StopReason } from './trainer/train.js';
export type { Batch, BatchSource, Teacher, LabeledDataset, Metrics, FeaturePlan, FeatureExtractor } from './trainer/types.js';
export { syncPredictor, mapPredictor, type Predictor } from './teachers/predictor.js';
export { withFeatureFrontEnd } from './teachers/with-features.js';
export { RunDir, type MetricsRecord } from './trainer/run-dir.js';
export { LogitAdjustSchema, TEACHER_PRIOR_FILE, logitAdjustment, readTeacherPrior, studentAdjustment, studentAnswer, teacherPrior, writeTeacherPrior, type LogitAdjust, type StudentAdjustment, type TeacherPrior } from './trainer/logit-adjust.js';
export { trainingFingerprint, teacherFingerprint } from './trainer/fingerprint.js';
export { makeStepPlan, planIsDue, PLAN_MARGIN, type StepPlan } from './trainer/step-plan.js';
export { saveCheckpoint, checkpointDigest, restoreLatestCheckpoint, loadModelWeights, listCheckpoints, readCheckpoint, assignModelState, pruneCheckpoints, type TrainerState, type CheckpointInfo } from './trainer/checkpoint.js';
export { encodeSafetensors, decodeSafetensors, type SafeTensor } from './trainer/safetensors.js';
export { writeFileAtomic, fileWriteError } from './trainer/atomic-write.js';
export { frontEndFor, normalizeInput, studentInput, type Normalization } from './trainer/preprocess.js';
export { loadRunModel, teacherFromRun, type LoadedRunModel } from './teachers/from-run.js';
export { classFoldTeacher, ClassFoldArgs, foldLogits, logitFold, type ClassFold, type LogitFold } from './teachers/class-fold.js';
export { mixLogits, mixtureTeacher, MixtureArgs } from './teachers/mixture.js';
export { classSubsetTeacher, ClassSubsetArgs } from './teachers/class-subset.js';
export { measureThroughput, BenchWorkloadSchema, type BenchWorkload, type EngineThroughput } from './bench/throughput.js';
export { colorJitter, PAPER_JITTER, JitterRecipeSchema, type JitterStrength } from './imaging/color-jitter.js';
export { resizeRegion, type Interpolation } from './imaging/resample.js';
export { fitPicture, joinPictures, type Picture } from './imaging/picture.js';
export { imageTiles, spectrogramTiles, clipTiles, type Tile, type InputDrawer } from './imaging/input-tiles.js';
export { randomResizedBox, type CropBox } from './imaging/random-resized-crop.js';
export { writeShard, readShards, writeManifestFile, readManifestFile, hasManifest, MANIFEST_FILE, type ShardEntry } from './data/packed-shards.js';
