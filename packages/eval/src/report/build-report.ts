/**
 * Writes `reports/index.html` (self-contained: inline SVG charts, no scripts, no external files)
 * and `reports/summary.md` from the collected runs: the cross-modality table (teacher vs student,
 * their ratio, the paper's figure beside it), training curves against samples and wall time, and
 * per-class bars and confusion heatmaps for each run's final evaluation.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { writeFileAtomic } from '@augprior/core';
import { confusionSpec, curveSpec, perClassSpec, renderSvg } from './charts.js';
import type { Collected, CollectedRun } from './collect-runs.js';
import { paperFigureFor } from './paper-figures.js';

export type Role = 'teacher' | 'student';

export interface SummaryRow {
  modality: string;
  run: string;
  /** A teacher's row has its own accuracy only: no student ratio, no paper figure. */
  role: Role;
  kind: string;
  dataset: string;
  source: string;
  student: string;
  teacherTop1?: number;
  studentTop1?: number;
  low?: number;
  high?: number;
  balanced?: number;
  ratio?: number;
  samplesSeen: number;
  minutes: number;
  paper?: string;
}

// The order of the paper's sections; a modality registered later sorts after them.
const modalityOrder: Record<string, number> = { image: 0, audio: 1, video: 2 };
const rankOf = (modality: string): number => modalityOrder[modality] ?? 3;

/**
 * Whether a result measures a teacher or a student: an evaluation says so itself
 * (`extra.role`, written by `augprior eval`); older ones are teachers when they sit in
 * <runs>/evals/<name>/ (evaluations of teacher dirs); a supervised run trains a teacher.
 */
export function roleOf(run: Pick<CollectedRun, 'result' | 'ofModelDir'>): Role {
  const declared = run.result.extra['role'];
  if (declared === 'teacher' || declared === 'student') return declared;
  if (run.result.mode === 'supervised') return 'teacher';
  return run.result.kind === 'eval' && run.ofModelDir ? 'teacher' : 'student';
}

/** Absolute paths inside a description, made relative to the working directory (no machine paths in tables). */
export function displayPaths(text: string, cwd = process.cwd()): string {
  return text.replace(/(^|[\s(=:'"])(\/(?!\/)[^\s),'"]+)/g, (_, lead: string, path: string) => `${lead}${isAbsolute(path) ? relative(cwd, path) || '.' : path}`);
}

export function summaryRows(collected: Collected): SummaryRow[] {
  return collected.runs
    .filter((run) => run.result.eval)
    .map((run) => {
      const { result } = run;
      const role = roleOf(run);
      const student = result.eval!.metrics;
      const teacher = result.teacher?.eval?.metrics['top1']?.value;
      const top1 = student['top1']?.value;
      const paper = role === 'student' ? paperFigureFor(result.eval!.dataset) : undefined;
      return {
        modality: result.modality,
        run: result.name,
        role,
        kind: result.kind === 'eval' ? 'eval' : result.mode,
        dataset: displayPaths(result.eval!.dataset),
        source: displayPaths(result.source),
        student: result.student.arch,
        ...(teacher !== undefined ? { teacherTop1: teacher } : {}),
        ...(top1 !== undefined ? { studentTop1: top1 } : {}),
        ...(student['top1']?.low !== undefined ? { low: student['top1'].low, high: student['top1'].high! } : {}),
        ...(student['balancedAccuracy'] ? { balanced: student['balancedAccuracy'].value } : {}),
        ...(role === 'student' && teacher && top1 !== undefined ? { ratio: top1 / teacher } : {}),
        samplesSeen: result.samplesSeen,
        minutes: result.wallSeconds / 60,
        ...(paper ? { paper: `${paper.student}${paper.teacher ? ` (teacher ${(paper.teacher * 100).toFixed(2)}%)` : ''}` } : {}),
      };
    })
    .sort((a, b) => rankOf(a.modality) - rankOf(b.modality) || a.modality.localeCompare(b.modality) || a.run.localeCompare(b.run));
}

const pct = (v: number | undefined) => (v === undefined ? '-' : `${(v * 100).toFixed(2)}%`);
const interval = (row: SummaryRow) => (row.low === undefined ? pct(row.studentTop1) : `${pct(row.studentTop1)} [${(row.low * 100).toFixed(1)}, ${(row.high! * 100).toFixed(1)}]`);

/** The two accuracy cells: a teacher's own accuracy (with its interval) goes in the teacher column. */
function accuracyCells(r: SummaryRow): [string, string] {
  return r.role === 'teacher' ? [interval(r), '-'] : [pct(r.teacherTop1), interval(r)];
}

export const SUMMARY_COLUMNS = ['modality', 'run', 'role', 'test set', 'model', 'teacher top-1', 'student top-1 [95% CI]', 'class-balanced', 'student / teacher', 'samples seen', 'minutes', 'paper (1 source)'];

function summaryCells(r: SummaryRow): string[] {
  const [teacher, student] = accuracyCells(r);
  return [r.modality, r.run, r.role, r.dataset, r.student, teacher, student, pct(r.balanced), r.ratio === undefined ? '-' : r.ratio.toFixed(2), r.samplesSeen.toLocaleString('en-US'), r.minutes.toFixed(1), r.paper ?? '-'];
}

export function summaryMarkdown(rows: SummaryRow[], collected: Collected): string {
  const lines = [
    `| ${SUMMARY_COLUMNS.join(' | ')} |`,
    `|${SUMMARY_COLUMNS.map(() => '---|').join('')}`,
    ...rows.map((r) => `| ${summaryCells(r).map((c) => c.replace(/\|/g, '/')).join(' | ')} |`),
  ];
  if (collected.skipped.length > 0) lines.push('', `Not included (${collected.skipped.length}): ${collected.skipped.map((s) => `\`${s.file}\``).join(', ')} (results in an older format or damaged; re-run \`augprior eval\` on them).`);
  return `${lines.join('\n')}\n`;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export async function buildReport(collected: Collected, outDir: string, options: { title?: string; generatedAt?: string } = {}): Promise<{ html: string; markdown: string; charts: number; sheets: number }> {
  const rows = summaryRows(collected);
  const withCurves = collected.runs.filter((run) => run.curve.length > 0);
  const charts: Array<{ id: string; title: string; svg: string }> = [];
  if (withCurves.length > 0) {
    charts.push({ id: 'curve-samples', title: 'Accuracy vs samples seen', svg: await renderSvg(curveSpec(withCurves, 'samplesSeen', 'Student top-1 vs samples seen')) });
    charts.push({ id: 'curve-minutes', title: 'Accuracy vs wall time', svg: await renderSvg(curveSpec(withCurves, 'minutes', 'Student top-1 vs training minutes')) });
  }
  for (const run of collected.runs) {
    const bars = perClassSpec(run);
    if (bars) charts.push({ id: `classes-${charts.length}`, title: `${run.result.name}: per-class accuracy`, svg: await renderSvg(bars) });
    const heat = confusionSpec(run);
    if (heat) charts.push({ id: `confusion-${charts.length}`, title: `${run.result.name}: confusion`, svg: await renderSvg(heat) });
  }
  // The training inputs each run drew (samples.png beside its result.json), inlined as data URLs.
  // With the run's source itself (source.png + source.json, its caption) where the run drew it.
  const sheets = collected.runs.flatMap((run) => {
    const dir = dirname(run.file);
    const file = join(dir, 'samples.png');
    if (run.result.kind !== 'train' || !existsSync(file)) return [];
    const origin = existsSync(join(dir, 'source.png')) && existsSync(join(dir, 'source.json'))
      ? { png: readFileSync(join(dir, 'source.png')).toString('base64'), caption: String((JSON.parse(readFileSync(join(dir, 'source.json'), 'utf8')) as { caption?: unknown }).caption ?? 'the source') }
      : undefined;
    return [{ name: run.result.name, source: displayPaths(run.result.source), png: readFileSync(file).toString('base64'), origin }];
  });
  // Feature visualisations (`augprior image visualize`): rows teacher / student, one column per class.
  const visuals = collected.runs.flatMap((run) =>
    ['visualize', 'visualize-channels'].flatMap((folder) => {
      const dir = join(dirname(run.file), folder);
      if (run.result.kind !== 'train' || !existsSync(join(dir, 'grid.png')) || !existsSync(join(dir, 'summary.json'))) return [];
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { classes?: string[]; channels?: number[]; rows?: string[] };
      const columns = summary.classes ?? (summary.channels ?? []).map((c) => `channel ${c}`);
      return [{ name: run.result.name, classes: columns, rows: summary.rows ?? [], png: readFileSync(join(dir, 'grid.png')).toString('base64') }];
    }),
  );
  const markdown = summaryMarkdown(rows, collected);
  const table = [
    `<table><thead><tr>${SUMMARY_COLUMNS.map((c) => `<th>${escape(c)}</th>`).join('')}</tr></thead><tbody>`,
    ...rows.map((r) => `<tr>${summaryCells(r).map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('\n');
  const title = options.title ?? 'augprior: results across modalities';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px}table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}section.chart{margin:1.5rem 0}figure.sheet img{max-width:100%;image-rendering:pixelated}.muted{color:#666}</style>
</head><body>
<h1>${escape(title)}</h1>
<p class="muted">Generated ${escape(options.generatedAt ?? new Date().toISOString())} from ${collected.runs.length} results. Accuracies are top-1 on each run's test set; intervals are 95% percentile bootstrap over test samples.</p>
<h2>Teacher vs student</h2>
${table}
${collected.skipped.length > 0 ? `<p class="muted">Not included: ${collected.skipped.map((s) => escape(s.file)).join(', ')} (older format or damaged).</p>` : ''}
${sheets.length > 0 ? `<h2>What the student saw</h2>\n${sheets.map((sheet) => `<div class="run-sheets">${sheet.origin ? `<figure class="sheet source"><img alt="the source of ${escape(sheet.name)}" src="data:image/png;base64,${sheet.origin.png}"><figcaption>${escape(sheet.name)}: ${escape(sheet.origin.caption)}</figcaption></figure>` : ''}<figure class="sheet"><img alt="training inputs of ${escape(sheet.name)}" src="data:image/png;base64,${sheet.png}"><figcaption>${escape(sheet.name)}: the first training batch of ${escape(sheet.source)}</figcaption></figure></div>`).join('\n')}` : ''}
${visuals.length > 0 ? `<h2>Feature visualisation</h2>\n${visuals.map((v) => `<figure class="sheet visual"><img alt="class visualisations of ${escape(v.name)}" src="data:image/png;base64,${v.png}"><figcaption>${escape(v.name)}: rows ${escape(v.rows.join(' / '))}; columns ${escape(v.classes.join(', '))}</figcaption></figure>`).join('\n')}` : ''}
<h2>Charts</h2>
${charts.map((c) => `<section class="chart" id="${c.id}"><h3>${escape(c.title)}</h3>${c.svg}</section>`).join('\n')}
</body></html>
`;
  mkdirSync(outDir, { recursive: true });
  writeFileAtomic(join(outDir, 'index.html'), html);
  writeFileAtomic(join(outDir, 'summary.md'), markdown);
  return { html: relative(process.cwd(), join(outDir, 'index.html')), markdown, charts: charts.length, sheets: sheets.length };
}
