/**
 * `augprior image analyze <run-dir> <run-dir> ...`: the source ranking. Each run's source is made
 * again from the run's own resolved config (the file, or the procedural generator with its size and
 * seed, and the patch recipe it trained with), measured by analyzeSource, and set beside the top-1
 * its student reached. The paper's claims to check against it: noise << city ~ animals, and PNG
 * bytes per pixel explain part of the spread (R^2 = 0.41 over their sources).
 *
 * A ranking only means something at equal samples on one evaluation set. The table says so when
 * its runs differ in either, so that a ranking is never silently unfair.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AugpriorError, formatZodIssues, readConfigFile, type DataRoot } from '@augprior/core';
import { readRunResult } from '@augprior/eval';
import { PatchRecipeSchema, analyzeSource, resolveSource, type SourceAnalysis } from '@augprior/image';

export interface RankedSource {
  run: string;
  /** What the patches came from, as the source describes itself. */
  source: string;
  evalSet: string;
  samples: number;
  top1: number;
  low?: number;
  high?: number;
  analysis: SourceAnalysis;
}

interface RunDataSection {
  kind?: unknown;
  source?: unknown;
  proceduralSize?: [number, number];
  datasetSeed?: number;
  recipe?: unknown;
}

const HINT = 'pass the directories of finished image_patches runs (each holds config.json and result.json)';

/** Reads one finished run and measures its source; every failure names the file and what is wrong with it. */
async function rankedSourceOf(dir: string, dataRoot: DataRoot, cwd: string, patches: number): Promise<RankedSource> {
  const runDir = resolve(cwd, dir);
  const configFile = join(runDir, 'config.json');
  const resultFile = join(runDir, 'result.json');
  for (const file of [configFile, resultFile]) {
    if (!existsSync(file)) throw new AugpriorError('cli.bad-arguments', `${file} is missing: ${dir} is not a finished run`, HINT);
  }
  const data = (readConfigFile(configFile) as { data?: RunDataSection }).data;
  if (data?.kind !== 'image_patches' || typeof data.source !== 'string') {
    throw new AugpriorError('cli.bad-arguments', `${configFile}: data.kind is ${JSON.stringify(data?.kind)}; the ranking compares the sources of image_patches runs`, HINT);
  }
  const recipe = PatchRecipeSchema.safeParse(data.recipe ?? {});
  if (!recipe.success) throw new AugpriorError('config.invalid', `${configFile}: ${formatZodIssues(recipe.error, 'data.recipe')}`);
  const result = readRunResult(resultFile);
  const top1 = result.eval?.metrics['top1'];
  if (!result.eval || !top1) throw new AugpriorError('cli.bad-arguments', `${resultFile} holds no evaluation of the student`, 'evaluate the run first: augprior eval --run <run-dir>');
  const source = await resolveSource(data.source, data.proceduralSize ?? [600, 225], data.datasetSeed ?? 0, dataRoot, cwd);
  return {
    run: result.name,
    source: data.source,
    evalSet: result.eval.dataset,
    samples: result.samplesSeen,
    top1: top1.value,
    ...(top1.low !== undefined && top1.high !== undefined ? { low: top1.low, high: top1.high } : {}),
    analysis: await analyzeSource(source, recipe.data, patches),
  };
}

/** The runs' sources, best student first. */
export async function rankSources(runDirs: readonly string[], dataRoot: DataRoot, cwd: string, patches = 1000): Promise<RankedSource[]> {
  if (runDirs.length === 0) throw new AugpriorError('cli.bad-arguments', 'image analyze needs a source or run directories', HINT);
  const rows: RankedSource[] = [];
  for (const dir of runDirs) rows.push(await rankedSourceOf(dir, dataRoot, cwd, patches));
  return rows.sort((a, b) => b.top1 - a.top1);
}

/** Ranks with ties sharing their mean rank, as Spearman's coefficient needs. */
function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]![0] === order[start]![0]) end++;
    for (let k = start; k <= end; k++) out[order[k]![1]] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return out;
}

/** Spearman's rank correlation; undefined below three pairs or when one side is constant. */
export function spearman(xs: readonly number[], ys: readonly number[]): number | undefined {
  if (xs.length !== ys.length || xs.length < 3) return undefined;
  const rx = ranks(xs);
  const ry = ranks(ys);
  const mean = (xs.length + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < rx.length; i++) {
    sxy += (rx[i]! - mean) * (ry[i]! - mean);
    sxx += (rx[i]! - mean) ** 2;
    syy += (ry[i]! - mean) ** 2;
  }
  return sxx === 0 || syy === 0 ? undefined : sxy / Math.sqrt(sxx * syy);
}

/** What keeps the rows from being a fair ranking (unequal samples, several evaluation sets); empty when nothing does. */
export function rankingCaveats(rows: readonly RankedSource[]): string[] {
  const caveats: string[] = [];
  const samples = [...new Set(rows.map((r) => r.samples))];
  if (samples.length > 1) caveats.push(`the runs saw different numbers of samples (${samples.join(', ')}): rank runs of equal samples (set maxSteps)`);
  const sets = [...new Set(rows.map((r) => r.evalSet))];
  if (sets.length > 1) caveats.push(`the runs were evaluated on different sets (${sets.join('; ')})`);
  return caveats;
}

const pct = (v: number | undefined) => (v === undefined ? '-' : (v * 100).toFixed(1));

/** The markdown table RESULTS.md carries, with Spearman's rho of each measure against top-1 under it. */
export function sourceRankingTable(rows: readonly RankedSource[]): string {
  const lines = [
    '| rank | run | source | samples | student top-1 [95% CI] | PNG bytes / px | patch std | gradient energy | spread of patch means |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r, i) => {
      const a = r.analysis;
      const ci = r.low !== undefined ? ` [${pct(r.low)}, ${pct(r.high)}]` : '';
      return `| ${i + 1} | ${r.run} | ${r.source} | ${r.samples.toLocaleString('en-US')} | ${pct(r.top1)}${ci} | ${a.pngBytesPerPixel.toFixed(3)} | ${a.meanPatchStd.toFixed(1)} | ${a.meanGradientEnergy.toFixed(0)} | ${a.patchMeanStd.toFixed(1)} |`;
    }),
  ];
  const top1 = rows.map((r) => r.top1);
  const measures: [string, (a: SourceAnalysis) => number][] = [
    ['PNG bytes / px', (a) => a.pngBytesPerPixel],
    ['patch std', (a) => a.meanPatchStd],
    ['gradient energy', (a) => a.meanGradientEnergy],
    ['spread of patch means', (a) => a.patchMeanStd],
  ];
  const rhos = measures.map(([name, of]) => [name, spearman(rows.map((r) => of(r.analysis)), top1)] as const);
  if (rhos.some(([, rho]) => rho !== undefined)) lines.push('', `Spearman's rho against top-1 (${rows.length} sources): ${rhos.map(([name, rho]) => `${name} ${rho === undefined ? '-' : rho.toFixed(2)}`).join(', ')}`);
  for (const caveat of rankingCaveats(rows)) lines.push('', `Not a fair ranking: ${caveat}.`);
  return lines.join('\n');
}
