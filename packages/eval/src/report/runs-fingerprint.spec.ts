import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The report target's runtime input (runs/ is git-ignored, so Nx file inputs cannot see it).
const SCRIPT = resolve(import.meta.dirname, '../../../../tools/report/runs-fingerprint.mjs');
const fingerprint = (runs: string) => execFileSync(process.execPath, [SCRIPT, runs], { encoding: 'utf8' }).trim();

describe('runs fingerprint (what eval:report is cached on)', () => {
  it('changes with every file the report reads and ignores checkpoints and data caches', () => {
    const runs = mkdtempSync(join(tmpdir(), 'augprior-fingerprint-'));
    mkdirSync(join(runs, 'a', 'checkpoints'), { recursive: true });
    writeFileSync(join(runs, 'a', 'result.json'), '{}');
    const seen: string[] = [fingerprint(runs)];
    expect(seen[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint(runs)).toBe(seen[0]);
    writeFileSync(join(runs, 'a', 'checkpoints', 'step-100.safetensors'), 'weights');
    mkdirSync(join(runs, 'clips', 'pool'), { recursive: true });
    writeFileSync(join(runs, 'clips', 'pool', 'shard-0.bin'), 'clips');
    expect(fingerprint(runs)).toBe(seen[0]);
    const changes: Array<[string, string]> = [
      ['a/source.png', 'png'],
      ['a/source.json', '{}'],
      ['a/samples.png', 'png'],
      ['a/metrics.jsonl', '{}'],
      ['a/evals/cifar10-abc.json', '{}'],
      ['a/visualize-channels/grid.png', 'png'],
      ['evals/teacher-on-set/result.json', '{}'],
      ['a/result.json', '{"changed": true}'],
    ];
    for (const [file, content] of changes) {
      mkdirSync(join(runs, file, '..'), { recursive: true });
      writeFileSync(join(runs, file), content);
      const next = fingerprint(runs);
      expect(seen, file).not.toContain(next);
      seen.push(next);
    }
  });
});
