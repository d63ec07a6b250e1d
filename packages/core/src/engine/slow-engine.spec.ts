import { describe, expect, it } from 'vitest';
import { slowEngineWarning, slowdownVsTorch } from './slow-engine.js';

describe('slowEngineWarning', () => {
  it('warns on wasm and cpu picked by auto, with the slowdown, why torch was skipped and the fix', () => {
    const line = slowEngineWarning({ engine: 'wasm', requested: 'auto', attempts: [{ engine: 'torch', ok: false, detail: '@augprior/engine-torch is not installed' }, { engine: 'wasm', ok: true, detail: 'wasm' }] });
    expect(line).toMatch(/^WARNING: engine wasm trains ~19x slower than the torch engine/);
    expect(line).toContain('torch: @augprior/engine-torch is not installed');
    expect(line).toContain('`npm run setup`');
    expect(slowEngineWarning({ engine: 'cpu', requested: 'auto', attempts: [] })).toMatch(/~152x slower/);
  });

  it('says nothing for the fast engines, and names --backend auto when a slow one was requested', () => {
    expect(slowEngineWarning({ engine: 'torch', requested: 'auto', attempts: [] })).toBeUndefined();
    expect(slowEngineWarning({ engine: 'tensorflow', requested: 'auto', attempts: [] })).toBeUndefined();
    expect(slowEngineWarning({ engine: 'wasm', requested: 'wasm', attempts: [] })).toMatch(/\(requested\).*--backend auto/);
    expect(slowdownVsTorch('torch')).toBe(1);
  });
});
