/**
 * @augprior/runner: where a run is assembled, below the command line. `runExperiment` trains
 * (engine, run folder, data, teacher, student, evaluation -> result.json), `evaluateModel`
 * evaluates a run or a teacher dir, `runSweep` runs a grid of configs through `runExperiment`.
 * The CLI is flags, printing and exit codes over these; a notebook or a launcher calls them too.
 */
export { runExperiment, type RunOptions, type RunOutcome } from './run-experiment.js';
export { evaluateModel, loadRunClassifier, loadTeacherModel, EvalConfigSchema, type EvalConfig, type EvaluateOutcome, type EvaluatedModel } from './evaluate-model.js';
export { runSweep, parseGrid, sweepTable, type SweepAxis, type SweepRow, type SweepResult } from './sweep.js';
export { resolveRunnerContext, type RunnerContext, type ResolvedContext } from './context.js';
export { registerFrontEnds } from './wire.js';
export { gitCommit, modalityOfExperiment } from './result-record.js';
export { writeRunSheets, gridPng } from './sample-sheet.js';
export { RUNNER_VERSION } from './version.js';
