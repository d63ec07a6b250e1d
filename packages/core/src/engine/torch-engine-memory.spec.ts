/**
 * Memory over a long run, in a spec file of its own so the process holds nothing but this run
 * (vitest gives every file a fresh fork). Skips, saying why, without the torch engine.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { importOptional, probeEngines } from './select-engine.js';
import { distil } from '../test-utils/distil.js';

const torch = (await probeEngines()).find((e) => e.engine === 'torch')!;

describe.skipIf(!torch.ok)('torch engine memory', () => {
  it('keeps tensors, native tensors and native memory flat over 1,000 steps', async () => {
    const engine = (await importOptional('@augprior/engine-torch')).module as { loadNative(): { addon: { info(): { liveTensors: number; mallocInUseBytes: number } } } };
    // A full collection before each sample, so the figures measure what is retained, not garbage
    // V8 has not collected yet (its heap alone swings by tens of MB between collections).
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const samples = new Map<number, { tensors: number; native: number; malloc: number; rss: number }>();
    await distil('torch', 'resnet8', 1000, 16, async (step) => {
      if (![199, 599, 999].includes(step)) return;
      gc();
      await new Promise((resolve) => setImmediate(resolve)); // native finalizers run after the collection
      const info = engine.loadNative().addon.info();
      samples.set(step + 1, { tensors: tf.memory().numTensors, native: info.liveTensors, malloc: info.mallocInUseBytes, rss: process.memoryUsage().rss });
    });
    const [at200, at1000] = [samples.get(200)!, samples.get(1000)!];
    expect(at1000.tensors).toBe(at200.tensors);
    expect(at1000.native).toBe(at200.native);
    // Native memory in use (malloc's own count, all arenas) after warm-up, when oneDNN's
    // primitive cache and the block cache have filled (measured: +7% from step 100 to 500,
    // then flat to 0.2%): within 5% from step 200 to 1000.
    expect(at1000.malloc / at200.malloc).toBeLessThan(1.05);
    expect(at1000.rss / at200.rss).toBeLessThan(1.05);
  }, 600_000);
});

describe.runIf(!torch.ok)('torch engine memory', () => {
  it(`is skipped here: ${torch.detail}`, () => {
    expect(torch.ok).toBe(false);
  });
});
