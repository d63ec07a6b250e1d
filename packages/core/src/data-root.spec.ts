import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataPath, resolveDataRoot } from './data-root.js';

describe('resolveDataRoot', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'augprior-ws-'));
  it('prefers --data-root, then AUGPRIOR_DATA, then ../shared/data, then the cache', () => {
    expect(resolveDataRoot({ flag: '/flag', env: { AUGPRIOR_DATA: '/env' }, workspaceRoot: workspace }).source).toBe('flag');
    expect(resolveDataRoot({ env: { AUGPRIOR_DATA: '/env' }, workspaceRoot: workspace })).toMatchObject({ path: '/env', source: 'env', exists: false });
    // no ../shared/data beside this temporary workspace -> cache
    expect(resolveDataRoot({ env: {}, workspaceRoot: workspace, home: '/home/u' })).toMatchObject({ path: '/home/u/.cache/augprior', source: 'cache' });
  });
  it('explains a missing data root: which root, chosen how, and how to fix it', () => {
    const root = resolveDataRoot({ env: { AUGPRIOR_DATA: '/nowhere/data' } });
    let message = '';
    try {
      dataPath(root, 'cifar10/test-jpeg', 'the CIFAR-10 test set');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/the data root \/nowhere\/data does not exist \(chosen from \$AUGPRIOR_DATA\)/);
    expect(message).toMatch(/CIFAR-10 test set \(cifar10\/test-jpeg\)/);
    expect(message).toMatch(/--data-root <dir> or AUGPRIOR_DATA=<dir>/);
  });
  it('names the missing file inside an existing root', () => {
    const root = resolveDataRoot({ flag: workspace });
    expect(() => dataPath(root, 'teachers/x.th', 'teacher checkpoint')).toThrow(/teacher checkpoint not found at .*teachers\/x\.th \(data root .* \(from --data-root\)\)/);
  });
});
