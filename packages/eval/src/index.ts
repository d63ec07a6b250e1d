/** @augprior/eval: the evaluation harness every modality reports through. */
export { ClassificationAccumulator, AgreementAccumulator, type ClassificationReport } from './classification-metrics.js';
export { evaluateClassifier, scalarMetrics, type EvaluateOptions, type EvaluationResult, type Predict } from './evaluate.js';
