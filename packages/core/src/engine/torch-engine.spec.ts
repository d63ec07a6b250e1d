/**
 * The native torch engine trains the model zoo like the reference cpu backend does, without
 * falling back to cpu kernels and without leaking tensors or native memory. Skips, saying why,
 * where the engine is not available (no libtorch at install time).
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { createModel } from '../models/index.js';
import { klDistillation } from '../losses/distillation.js';
import { Adam } from '../optim/optimizers.js';
import { Rng } from '../rng.js';
import { importOptional, probeEngines, selectEngine } from './select-engine.js';

const torch = (await probeEngines()).find((e) => e.engine === 'torch')!;

function batch(rng: Rng, n: number, size: number): tf.Tensor {
  return tf.tensor4d(rng.fillNormal(new Float32Array(n * size * size * 3)), [n, size, size, 3]);
}

/** Distils `arch` from a fixed random teacher for `steps` steps; returns the loss per step. */
async function distil(engine: 'cpu' | 'torch', arch: string, steps: number, size = 8, onStep?: (step: number) => void | Promise<void>): Promise<number[]> {
  await selectEngine({ backend: engine });
  const student = createModel(arch, { numClasses: 5 }, 1);
  const teacher = createModel('resnet8', { numClasses: 5 }, 2);
  const params = student.namedParameters();
  const nameOf = new Map(params.map(([n, v]) => [v.name, n]));
  const optimizer = new Adam({ betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 }, false);
  const rng = Rng.fromSeed(7);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const x = batch(rng, 8, size);
    const t = tf.tidy(() => teacher.forward(x, { training: false }));
    const { value, grads } = tf.variableGrads(() => klDistillation(student.forward(x, { training: true }), t, { temperature: 4, scaleByTemperatureSquared: true }), params.map(([, v]) => v));
    optimizer.step(params, Object.fromEntries(Object.entries(grads).map(([k, g]) => [nameOf.get(k)!, g])), 1e-3);
    losses.push((await value.data())[0]!);
    tf.dispose([x, t, value, ...Object.values(grads)]);
    await new Promise((resolve) => setImmediate(resolve)); // as the trainer does every step
    await onStep?.(step);
  }
  optimizer.dispose();
  student.dispose();
  teacher.dispose();
  return losses;
}

describe.skipIf(!torch.ok)('torch engine', () => {
  it('a 50-step distillation run agrees with the cpu backend in loss to 1e-3', async () => {
    const reference = await distil('cpu', 'resnet8', 50);
    const actual = await distil('torch', 'resnet8', 50);
    actual.forEach((loss, i) => expect(Math.abs(loss - reference[i]!), `step ${i + 1}`).toBeLessThan(1e-3 * Math.max(1, Math.abs(reference[i]!))));
  }, 300_000);

  it('trains every model family without a single cpu-fallback kernel', async () => {
    const engine = (await importOptional('@augprior/engine-torch')).module as { fallbackKernels(): string[] };
    for (const arch of ['resnet8', 'wrn_16_1', 'mobilenet_cifar_small']) await distil('torch', arch, 2);
    expect(engine.fallbackKernels()).toEqual([]);
  });

  it('keeps tensors, native tensors and RSS flat over 1,000 steps', async () => {
    const engine = (await importOptional('@augprior/engine-torch')).module as { loadNative(): { addon: { info(): { liveTensors: number } } } };
    // A full collection before each sample, so RSS measures what is retained, not garbage V8
    // has not collected yet (its heap alone swings by tens of MB between collections).
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const samples: Array<{ tensors: number; native: number; rss: number }> = [];
    await distil('torch', 'resnet8', 1000, 16, async (step) => {
      if (step !== 99 && step !== 999) return;
      gc();
      await new Promise((resolve) => setImmediate(resolve)); // native finalizers run after the collection
      samples.push({ tensors: tf.memory().numTensors, native: engine.loadNative().addon.info().liveTensors, rss: process.memoryUsage().rss });
    });
    const [early, late] = samples as [(typeof samples)[0], (typeof samples)[0]];
    expect(late.tensors).toBe(early.tensors);
    expect(late.native).toBe(early.native);
    expect(late.rss / early.rss).toBeLessThan(1.05);
  }, 600_000);
});

describe.runIf(!torch.ok)('torch engine', () => {
  it(`is skipped here: ${torch.detail}`, () => {
    expect(torch.ok).toBe(false);
  });
});
