/**
 * `runSweep`: every combination of a grid of config values, one run after another through
 * `runExperiment`, then one comparison table. Each combination is an ordinary run folder
 * (`<base name>--<key>-<value>...`), so a sweep that was stopped continues where it was: finished
 * combinations are reused, started ones resumed (with the usual config and teacher checks).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AugpriorError, applyOverrides, isAugpriorError, parseExperiment, parseOverrideValue, sectionValidators, writeFileAtomic } from '@augprior/core';
import { resolveRunnerContext, type RunnerContext } from './context.js';
import { runExperiment } from './run-experiment.js';

export interface SweepAxis {
  key: string;
  values: unknown[];
}

/** `key=a,b,c` (each value read like a --set value) or `key=[json, values]`. */
export function parseGrid(spec: string): SweepAxis {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new AugpriorError('sweep.bad-grid', `--grid expects key=a,b,c, got "${spec}"`);
  const key = spec.slice(0, eq).trim();
  const text = spec.slice(eq + 1).trim();
  let values: unknown[];
  if (text.startsWith('[')) {
    try {
      values = JSON.parse(text) as unknown[];
    } catch {
      throw new AugpriorError('sweep.bad-grid', `--grid ${key}: "${text}" is not a JSON list`);
    }
  } else values = text.split(',').map((v) => parseOverrideValue(v.trim()));
  if (!Array.isArray(values) || values.length === 0) throw new AugpriorError('sweep.bad-grid', `--grid ${key} has no values`);
  return { key, values };
}

export interface SweepRow {
  run: string;
  settings: Record<string, unknown>;
  status: string;
  top1?: number;
  low?: number;
  high?: number;
  balancedAccuracy?: number;
  teacherTop1?: number;
  samplesSeen?: number;
  steps?: number;
  minutes?: number;
  error?: string;
}

export interface SweepResult {
  name: string;
  rows: SweepRow[];
  /** Markdown comparison table (also in <runs>/sweeps/<name>/summary.md). */
  table: string;
  dir: string;
}

function combinations(axes: SweepAxis[]): Array<Array<[string, unknown]>> {
  return axes.reduce<Array<Array<[string, unknown]>>>((acc, axis) => acc.flatMap((combo) => axis.values.map((v) => [...combo, [axis.key, v] as [string, unknown]])), [[]]);
}

const label = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
// Run names allow letters, digits and `_ . -`: `lr=0.001` becomes `lr-0.001`.
const safe = (text: string) => text.replace(/=/g, '-').replace(/[^A-Za-z0-9._-]+/g, '_');

export function sweepTable(axes: SweepAxis[], rows: SweepRow[]): string {
  const pct = (v: number | undefined) => (v === undefined ? '-' : `${(v * 100).toFixed(2)}%`);
  const ci = (r: SweepRow) => (r.top1 === undefined ? '-' : r.low === undefined ? pct(r.top1) : `${pct(r.top1)} [${(r.low * 100).toFixed(1)}, ${(r.high! * 100).toFixed(1)}]`);
  const head = [...axes.map((a) => a.key), 'top-1 [95% CI]', 'class-balanced', 'teacher top-1', 'samples', 'steps', 'minutes', 'run', 'status'];
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---|').join('')}`,
    ...rows.map((r) => `| ${[...axes.map((a) => label(r.settings[a.key])), ci(r), pct(r.balancedAccuracy), pct(r.teacherTop1), r.samplesSeen?.toLocaleString('en-US') ?? '-', r.steps ?? '-', r.minutes?.toFixed(1) ?? '-', r.run, r.status].join(' | ')} |`),
  ].join('\n');
}

/**
 * Runs `base` (a raw experiment config, before validation) once per grid combination. A
 * combination that fails with a named error is a row saying so; the sweep goes on.
 */
export async function runSweep(base: Record<string, unknown>, axes: SweepAxis[], context: RunnerContext = {}, options: { name?: string; source?: string } = {}): Promise<SweepResult> {
  const ctx = resolveRunnerContext(context);
  const baseName = String(base['name'] ?? 'sweep');
  const name = options.name ?? `${baseName}-sweep`;
  const rows: SweepRow[] = [];
  for (const combo of combinations(axes)) {
    const settings = Object.fromEntries(combo);
    const run = safe(`${baseName}--${combo.map(([k, v]) => `${k}=${label(v)}`).join('--')}`);
    const raw = applyOverrides(base, [...combo.map(([k, v]) => `${k}=${JSON.stringify(v)}`), `name=${JSON.stringify(run)}`]);
    ctx.log(`[sweep] ${rows.length + 1}: ${combo.map(([k, v]) => `${k}=${label(v)}`).join(' ')} -> ${run}`);
    try {
      const e = parseExperiment(raw, sectionValidators, options.source ?? `${baseName} (sweep)`);
      const existing = resolve(ctx.cwd, e.runsDir, e.name);
      const outcome = await runExperiment(e, context, { configSource: options.source ?? baseName, command: `sweep ${name}`, ...(existsSync(join(existing, 'config.json')) ? { resumeDir: existing } : {}) });
      const result = outcome.result;
      const top1 = result?.eval?.metrics['top1'];
      rows.push({
        run,
        settings,
        status: outcome.status,
        ...(top1 ? { top1: top1.value, ...(top1.low !== undefined ? { low: top1.low, high: top1.high! } : {}) } : {}),
        ...(result?.eval?.metrics['balancedAccuracy'] ? { balancedAccuracy: result.eval.metrics['balancedAccuracy'].value } : {}),
        ...(result?.teacher?.eval?.metrics['top1'] ? { teacherTop1: result.teacher.eval.metrics['top1'].value } : {}),
        ...(result ? { samplesSeen: result.samplesSeen, steps: result.steps, minutes: result.wallSeconds / 60 } : {}),
      });
      if (outcome.status === 'interrupted') break;
    } catch (error) {
      if (!isAugpriorError(error)) throw error;
      rows.push({ run, settings, status: `failed [${error.code}]`, error: error.message.split('\n')[0]! });
      ctx.log(`[sweep] ${run} failed: [${error.code}] ${error.message.split('\n')[0]}`);
    }
  }
  const table = sweepTable(axes, rows);
  const dir = resolve(ctx.cwd, String(base['runsDir'] ?? ctx.runsDir), 'sweeps', safe(name));
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'summary.md'), `# ${name}\n\n${table}\n`);
  writeFileAtomic(join(dir, 'summary.json'), `${JSON.stringify({ name, base: baseName, axes, rows }, null, 2)}\n`);
  ctx.log(`[sweep] table -> ${join(dir, 'summary.md')}`);
  return { name, rows, table, dir };
}
