import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { AUTO_ORDER, parseBackendChoice, probeEngines, selectEngine } from './select-engine.js';

describe('selectEngine', () => {
  it('auto takes the first usable engine in the documented order and says why it skipped the others', async () => {
    const selection = await selectEngine({ backend: 'auto' });
    expect(tf.getBackend()).toBe(selection.tfjsBackend);
    const tried = selection.attempts.map((a) => a.engine);
    expect(tried).toEqual(AUTO_ORDER.slice(0, tried.length));
    for (const skipped of selection.attempts.slice(0, -1)) {
      expect(skipped.ok).toBe(false);
      expect(selection.reason).toContain(`${skipped.engine}: ${skipped.detail}`);
    }
    // Offline machines cannot install tfjs-node; auto must still find an engine that trains.
    expect(['tensorflow', 'torch', 'wasm']).toContain(selection.engine);
  });
  it('uses a named engine or fails saying why', async () => {
    expect((await selectEngine({ backend: 'cpu' })).engine).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const probe = await probeEngines();
    const missing = probe.find((p) => !p.ok);
    if (missing) await expect(selectEngine({ backend: missing.engine })).rejects.toThrow(new RegExp(`no usable engine for --backend ${missing.engine}: ${missing.engine}: `));
    expect(() => parseBackendChoice('gpu')).toThrow(/unknown backend "gpu"; choose one of auto, tensorflow, torch, webgpu, wasm, cpu/);
  });
  it('probes every engine without changing the active one', async () => {
    await selectEngine({ backend: 'cpu' });
    const probe = await probeEngines();
    expect(probe.map((p) => p.engine)).toEqual(['tensorflow', 'torch', 'webgpu', 'wasm', 'cpu']);
    expect(probe.find((p) => p.engine === 'wasm')?.ok).toBe(true);
    expect(tf.getBackend()).toBe('cpu');
  });
});
