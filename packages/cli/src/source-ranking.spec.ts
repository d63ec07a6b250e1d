/** The source ranking (`augprior image analyze <run-dir>...`) over finished runs of procedural sources. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spearman } from './commands/source-ranking.js';
import { runCli } from './test-utils.js';

const root = mkdtempSync(join(tmpdir(), 'augprior-ranking-'));

/** A finished run as `train` leaves it: the resolved config's data section and a valid result.json. */
function finishedRun(name: string, source: string, top1: number, options: { samples?: number; seed?: number; evalSet?: string; result?: boolean } = {}): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ name, data: { kind: 'image_patches', source, proceduralSize: [96, 64], datasetSeed: options.seed ?? 0, recipe: {} } }));
  if (options.result === false) return dir;
  const result = {
    format: 'augprior-result/1', kind: 'train', name, modality: 'image', mode: 'distill', source: `patches of ${source}`, teacher: null,
    student: { arch: 'resnet20', numClasses: 10 }, engine: { name: 'cpu', backend: 'cpu', device: 'cpu' },
    samplesSeen: options.samples ?? 300_032, steps: 9376, wallSeconds: 1200,
    eval: { dataset: options.evalSet ?? 'CIFAR-10 train-subset-jpeg', count: 1000, metrics: { top1: { value: top1, low: top1 - 0.03, high: top1 + 0.03 } }, perClassAccuracy: [], confusion: [] },
    configHash: null, gitCommit: null, startedAt: '2026-12-07T00:00:00Z', finishedAt: '2026-12-07T00:20:00Z', augprior: '0.1.0', extra: {},
  };
  writeFileSync(join(dir, 'result.json'), JSON.stringify(result));
  return dir;
}

describe('source ranking', () => {
  const leaves = finishedRun('leaves', 'dead_leaves', 0.35);
  const noise = finishedRun('noise', 'noise', 0.19);
  const noise2 = finishedRun('noise-seed1', 'noise', 0.21, { seed: 1 });

  it('ranks the runs by their students and measures each source from its own config', async () => {
    const out = await runCli(['image', 'analyze', noise, leaves, noise2, '--count', '40', '--json'], { cwd: root });
    expect(out.code).toBe(0);
    const { sources, caveats } = out.json() as { sources: { run: string; source: string; top1: number; analysis: { pngBytesPerPixel: number; patches: number } }[]; caveats: string[] };
    expect(sources.map((s) => s.run)).toEqual(['leaves', 'noise-seed1', 'noise']);
    expect(sources.every((s) => s.analysis.patches === 40)).toBe(true);
    // Uniform noise does not compress; dead leaves (flat discs) do: the measure must tell them apart.
    expect(sources[2]!.analysis.pngBytesPerPixel).toBeGreaterThan(1.5 * sources[0]!.analysis.pngBytesPerPixel);
    expect(caveats).toEqual([]);
  });

  it('prints the table with rho, and says when the runs are not comparable', async () => {
    const fair = await runCli(['image', 'analyze', leaves, noise, noise2, '--count', '40'], { cwd: root });
    expect(fair.stdout).toMatch(/\| 1 \| leaves \| dead_leaves \| 300,032 \| 35\.0 \[32\.0, 38\.0\] \|/);
    expect(fair.stdout).toMatch(/Spearman's rho against top-1 \(3 sources\): PNG bytes \/ px -?\d\.\d\d/);
    expect(fair.stdout).not.toMatch(/Not a fair ranking/);
    const longer = finishedRun('leaves-1m', 'dead_leaves', 0.5, { samples: 1_000_064, evalSet: 'CIFAR-10 test-jpeg' });
    const unfair = await runCli(['image', 'analyze', longer, noise, '--count', '40'], { cwd: root });
    expect(unfair.stdout).toMatch(/Not a fair ranking: the runs saw different numbers of samples \(1000064, 300032\)/);
    expect(unfair.stdout).toMatch(/Not a fair ranking: the runs were evaluated on different sets/);
  });

  it('refuses a run without result.json, naming the file', async () => {
    const unfinished = finishedRun('unfinished', 'noise', 0, { result: false });
    const out = await runCli(['image', 'analyze', leaves, unfinished], { cwd: root });
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain(join(unfinished, 'result.json'));
    expect(out.stderr).toMatch(/not a finished run/);
  });

  it("computes Spearman's rho with tied ranks", () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // x ranks 1, 2.5, 2.5, 4 against y ranks 1..4: rho = 4.5 / sqrt(4.5 * 5).
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(4.5 / Math.sqrt(4.5 * 5), 12);
    expect(spearman([1, 2], [1, 2])).toBeUndefined();
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeUndefined();
  });
});
