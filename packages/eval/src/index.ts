/** @augprior/eval: the evaluation harness every modality reports through. */
export { ClassificationAccumulator, AgreementAccumulator, type ClassificationReport } from './classification-metrics.js';
export { flipAveraged } from './flip-tta.js';
export { averageViews, evaluateClassifier, scalarMetrics, type Predict, type EvaluateOptions, type EvaluationResult } from './evaluate.js';
export { CalibrationAccumulator } from './calibration.js';
export { balancedAccuracyOf, macroF1Of, perClassF1 } from './confusion-metrics.js';
export { bootstrapIntervals, BOOTSTRAP_METRICS, type BootstrapOptions, type ConfusionMetric, type Interval } from './bootstrap.js';
export { RunResultSchema, EvalSummarySchema, MetricSchema, RESULT_FORMAT, summarizeEvaluation, validateRunResult, readRunResult, type RunResult, type EvalSummary } from './result-schema.js';
export { collectRuns, type Collected, type CollectedRun, type CurvePoint } from './report/collect-runs.js';
export { buildReport, summaryRows, summaryMarkdown, type SummaryRow } from './report/build-report.js';
export { paperFigureFor, type PaperFigure } from './report/paper-figures.js';
