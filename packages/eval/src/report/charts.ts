/**
 * The report's charts as Vega-Lite specifications, rendered to standalone SVG in Node by Vega's
 * headless view (no canvas, no browser), so the HTML report carries its charts inline.
 */
import { compile, type TopLevelSpec } from 'vega-lite';
import { parse, View } from 'vega';
import type { CollectedRun } from './collect-runs.js';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const runLabel = (run: CollectedRun) => run.result.name;

/** Student top-1 over training against samples seen or wall-clock minutes, one line per run. */
export function curveSpec(runs: CollectedRun[], x: 'samplesSeen' | 'minutes', title: string): TopLevelSpec {
  const values = runs.flatMap((run) => run.curve.map((p) => ({ run: runLabel(run), modality: run.result.modality, x: p[x], top1: p.top1 })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 520,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: x === 'samplesSeen' ? 'samples seen' : 'training minutes' },
      y: { field: 'top1', type: 'quantitative', title: 'student top-1', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
      color: { field: 'run', type: 'nominal', title: 'run' },
      strokeDash: { field: 'modality', type: 'nominal' },
    },
  };
}

/** Per-class accuracy of a run's final evaluation (classes without test samples left out). */
export function perClassSpec(run: CollectedRun): TopLevelSpec | undefined {
  const evalSummary = run.result.eval;
  if (!evalSummary) return undefined;
  const names = evalSummary.classNames ?? evalSummary.perClassAccuracy.map((_, i) => String(i));
  const values = evalSummary.perClassAccuracy.flatMap((accuracy, i) => (accuracy === null ? [] : [{ class: names[i], accuracy }]));
  if (values.length === 0 || values.length > 40) return undefined;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${runLabel(run)}: per-class accuracy`,
    width: Math.max(240, values.length * 22),
    height: 180,
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'class', type: 'nominal', sort: null, title: null },
      y: { field: 'accuracy', type: 'quantitative', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
    },
  };
}

/** The confusion matrix as a heatmap, each row normalised by its class's sample count. */
export function confusionSpec(run: CollectedRun): TopLevelSpec | undefined {
  const evalSummary = run.result.eval;
  if (!evalSummary || evalSummary.confusion.length === 0 || evalSummary.confusion.length > 40) return undefined;
  const names = evalSummary.classNames ?? evalSummary.confusion.map((_, i) => String(i));
  const values = evalSummary.confusion.flatMap((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? [] : row.map((count, p) => ({ true: names[t], predicted: names[p], share: count / total, count }));
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${runLabel(run)}: confusion (rows: true class)`,
    width: Math.max(200, names.length * 18),
    height: Math.max(200, names.length * 18),
    data: { values },
    mark: 'rect',
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort: names, title: 'predicted' },
      y: { field: 'true', type: 'nominal', sort: names, title: 'true' },
      color: { field: 'share', type: 'quantitative', title: 'row share', scale: { scheme: 'blues', domain: [0, 1] } },
      tooltip: [{ field: 'count', type: 'quantitative' }],
    },
  };
}
