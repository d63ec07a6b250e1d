/** `augprior config migrate`: old-shape configs rewritten to {kind, ...args}, train refusing the old shape. */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExperiment, readConfigFile, sectionValidators } from '@augprior/core';
import { registerFrontEnds } from '@augprior/runner';
import { runCli } from './test-utils.js';

const WORKSPACE = resolve(import.meta.dirname, '../../..');

// tiny-distill.json as it was written before the shape change.
const OLD = {
  name: 'tiny-distill',
  mode: 'distill',
  data: { kind: 'synthetic_single_image', imageSize: 16 },
  eval: { kind: 'synthetic_shapes', numClasses: 10, imageSize: 16, count: 500 },
  teacher: { kind: 'run', path: 'runs/tiny-supervised' },
  student: { arch: 'resnet8', numClasses: 10, normalize: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] } },
  loss: { name: 'kl_divergence', args: { temperature: 8 } },
  optimizer: { name: 'adam', lr: 0.001 },
  schedule: { name: 'constant', args: {} },
  batchSize: 32,
  maxSteps: 400,
};

describe('augprior config migrate', () => {
  it('train refuses the old shape and names the command; migrate rewrites it to what the new file resolves to', async () => {
    registerFrontEnds();
    const cwd = mkdtempSync(join(tmpdir(), 'augprior-migrate-'));
    const file = join(cwd, 'old.json');
    writeFileSync(file, JSON.stringify(OLD, null, 2));
    const refused = await runCli(['train', '--config', 'old.json', '--progress', 'off'], { cwd });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/config\.old-shape.*old\.json.*student\.arch is now student\.kind/s);
    expect(refused.stderr).toMatch(/augprior config migrate old\.json/);
    expect(refused.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const check = await runCli(['config', 'migrate', '--check', 'old.json'], { cwd });
    expect(check.code).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(OLD, null, 2));

    const migrated = await runCli(['config', 'migrate', 'old.json'], { cwd });
    expect(migrated.code).toBe(0);
    expect(migrated.stderr).toMatch(/old\.json: migrated: .*loss\.args\.temperature is now loss\.temperature/);
    const current = parseExperiment(readConfigFile(join(WORKSPACE, 'experiments/core/tiny-distill.json')), sectionValidators, 'tiny-distill.json');
    const rewritten = parseExperiment(readConfigFile(file), sectionValidators, 'old.json');
    for (const section of ['data', 'eval', 'teacher', 'student', 'loss', 'optimizer', 'schedule'] as const) expect(rewritten[section]).toEqual(current[section]);

    const before = statSync(file).mtimeMs;
    const again = await runCli(['config', 'migrate', 'old.json'], { cwd });
    expect(again.stderr).toMatch(/current shape, unchanged/);
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it('every config in experiments/ has the current shape', async () => {
    const files = ['audio', 'core', 'image', 'video'].flatMap((dir) => [`experiments/${dir}`]);
    const { readdirSync } = await import('node:fs');
    const all = files.flatMap((dir) => readdirSync(join(WORKSPACE, dir)).filter((f) => f.endsWith('.json')).map((f) => `${dir}/${f}`));
    const check = await runCli(['config', 'migrate', '--check', ...all], { cwd: WORKSPACE });
    expect(check.stderr).not.toMatch(/needs migrating/);
    expect(check.code).toBe(0);
  });
});
