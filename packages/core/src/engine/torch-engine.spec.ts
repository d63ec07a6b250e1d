/**
 * The native torch engine trains the model zoo like the reference cpu backend does, without
 * falling back to cpu kernels and without leaking tensors or native memory. Skips, saying why,
 * where the engine is not available (no libtorch at install time).
 */
import { describe, expect, it } from 'vitest';
import { distil } from '../test-utils/distil.js';
import { importOptional, probeEngines } from './select-engine.js';

const torch = (await probeEngines()).find((e) => e.engine === 'torch')!;

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
});

// A skip, counted as skipped with its reason, never as a pass.
if (!torch.ok) it.skip(`torch engine skipped: ${torch.detail}`, () => {});
