/**
 * Memory over a long run, measured in a child Node process that holds nothing but this run
 * (test-utils/memory-probe.ts). Skips, saying why, without the torch engine.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { probeEngines } from './select-engine.js';

const torch = (await probeEngines()).find((e) => e.engine === 'torch')!;

describe.skipIf(!torch.ok)('torch engine memory', () => {
  it('keeps tensors, native tensors, native memory and RSS flat over 1,000 steps', async () => {
    const probe = fileURLToPath(new URL('../test-utils/memory-probe.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--conditions', '@augprior/source', probe], { encoding: 'utf8', timeout: 300_000 });
    expect(run.status, run.stderr).toBe(0);
    const samples = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, { tensors: number; native: number; malloc: number; rss: number }>;
    const [at200, at1000] = [samples['200']!, samples['1000']!];
    expect(at1000.tensors).toBe(at200.tensors);
    expect(at1000.native).toBe(at200.native);
    // Measured after warm-up, when oneDNN's primitive cache and the block cache have filled
    // (malloc'd bytes: +7% from step 100 to 500, then flat to 0.2%).
    expect(at1000.malloc / at200.malloc).toBeLessThan(1.05);
    expect(at1000.rss / at200.rss).toBeLessThan(1.05);
  }, 600_000);
});

// A skip, counted as skipped with its reason, never as a pass.
if (!torch.ok) it.skip(`torch engine memory skipped: ${torch.detail}`, () => {});
