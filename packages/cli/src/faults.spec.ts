/**
 * Fault injection against the CLI: damaged and truncated checkpoints, kills at any point
 * (before the first checkpoint too), concurrent resumes, hand-edited configs, changed teachers,
 * finished runs, failed starts, a full disk, NaN models. Each case ends in an exact resume or a
 * named error (`error [code] ...`, exit 2), never a raw stack trace or a silent wrong result.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointDigest, decodeSafetensors, encodeSafetensors, listCheckpoints } from '@augprior/core';
import { namedSystemError, writeCrashReport } from './main.js';
import { exitOf, runCli, spawnCli } from './test-utils.js';

const WORKSPACE = resolve(import.meta.dirname, '../../..');
const SUPERVISED = join(WORKSPACE, 'experiments/core/tiny-supervised.json');
const DISTILL = join(WORKSPACE, 'experiments/core/tiny-distill.json');
const scratch = () => mkdtempSync(join(tmpdir(), 'augprior-faults-'));
/** The tiny supervised job at 8x8 with checkpoints every 10 steps: seconds per run. */
const tiny = (name: string, steps: number, extra: string[] = []) => [
  'train', '--config', SUPERVISED, '--name', name, '--progress', 'lines',
  '--set', 'data.imageSize=8', '--set', 'eval.imageSize=8', '--set', 'eval.count=64', '--set', 'batchSize=8',
  '--set', 'checkpointEvery=10', '--set', 'logEvery=5', '--set', 'evalEvery=1000', '--set', 'keepCheckpoints=3', '--max-steps', String(steps), ...extra,
];
const metricSteps = (cwd: string, run: string) =>
  readFileSync(join(cwd, 'runs', run, 'metrics.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; step: number }).filter((m) => m.type === 'train').map((m) => m.step);
const noStackTrace = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);

/** Resolves when `done()` holds, polling every 20 ms; rejects if the process ends first. */
function waitFor(child: ReturnType<typeof spawnCli>, done: () => boolean): Promise<void> {
  return new Promise((ok, fail) => {
    const timer = setInterval(() => {
      if (done()) {
        clearInterval(timer);
        ok();
      }
    }, 20);
    child.on('close', () => {
      clearInterval(timer);
      if (!done()) fail(new Error(`the run ended first: ${child.output().stderr}`));
    });
  });
}

/** Rewrites the newest checkpoint with `edit` applied to its tensors, keeping a VALID checksum. */
function rewriteNewest(dir: string, edit: (name: string, data: Float32Array | Int32Array) => void): string {
  const newest = listCheckpoints(dir)[0]!;
  const { tensors, metadata } = decodeSafetensors(readFileSync(newest.path), newest.path);
  for (const [name, t] of tensors) edit(name, t.data);
  writeFileSync(newest.path, encodeSafetensors(tensors, { ...metadata, contentSha256: checkpointDigest(tensors, metadata) }));
  return newest.path;
}

describe('checkpoints that are damaged', () => {
  it('a newest checkpoint with a zeroed block (right size, wrong bytes) is skipped with a warning; the run resumes from the one before', async () => {
    const cwd = scratch();
    expect((await runCli(tiny('zeroed', 30), { cwd })).code).toBe(0);
    const dir = join(cwd, 'runs/zeroed/checkpoints');
    const newest = listCheckpoints(dir)[0]!;
    expect(newest.step).toBe(30);
    const bytes = readFileSync(newest.path);
    bytes.fill(0, bytes.length - 8192, bytes.length - 4096);
    writeFileSync(newest.path, bytes);
    expect(statSync(newest.path).size).toBe(bytes.length);
    const resumed = await runCli(['train', '--resume', 'runs/zeroed', '--max-steps', '40', '--progress', 'lines'], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/warning: skipped unreadable checkpoint .*step-00000030\.safetensors: its content does not match its checksum/);
    expect(resumed.stderr).toMatch(/resumed from .*step-00000020\.safetensors/);
    expect(metricSteps(cwd, 'zeroed')).toEqual([5, 10, 15, 20, 25, 30, 35, 40]);

    // Every checkpoint damaged: a named error, nothing trained.
    for (const c of listCheckpoints(dir)) writeFileSync(c.path, Buffer.alloc(statSync(c.path).size));
    const hopeless = await runCli(['train', '--resume', 'runs/zeroed', '--max-steps', '50'], { cwd });
    expect(hopeless.code).toBe(2);
    expect(hopeless.stderr).toMatch(/error \[checkpoint\.corrupt\] no usable checkpoint/);
  }, 120_000);
});

describe('resume checks what the checkpoint was made with', () => {
  it('a hand-edited config.json is refused; --allow-changed continues and records it', async () => {
    const cwd = scratch();
    expect((await runCli(tiny('edited', 20), { cwd })).code).toBe(0);
    const configPath = join(cwd, 'runs/edited/config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as { optimizer: { lr: number } };
    config.optimizer.lr = 0.03;
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    const refused = await runCli(['train', '--resume', 'runs/edited', '--max-steps', '30'], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/error \[resume\.config-changed\] .*step-00000020\.safetensors \(step 20\) cannot be continued as it is: the training config/);
    expect(refused.stderr).toMatch(/--allow-changed/);
    expect(metricSteps(cwd, 'edited')).toEqual([5, 10, 15, 20]); // nothing written

    const allowed = await runCli(['train', '--resume', 'runs/edited', '--max-steps', '30', '--allow-changed', '--json'], { cwd });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toMatch(/continuing with a changed config/);
    const changes = readFileSync(join(cwd, 'runs/edited/changes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(changes).toMatchObject([{ step: 20, what: 'config' }]);
    expect((allowed.json()['extra'] as { changes: unknown[] }).changes).toHaveLength(1);
  }, 120_000);

  it('a teacher run that changed since the student started is refused', async () => {
    const cwd = scratch();
    expect((await runCli(tiny('tiny-supervised', 20), { cwd })).code).toBe(0);
    const student = ['train', '--config', DISTILL, '--progress', 'lines', '--set', 'data.imageSize=8', '--set', 'eval.imageSize=8', '--set', 'eval.count=64', '--set', 'batchSize=8', '--set', 'checkpointEvery=10', '--set', 'evalEvery=1000', '--max-steps', '10'];
    expect((await runCli(student, { cwd })).code).toBe(0);
    // The teacher trains on: its newest checkpoint, hence what it teaches, is another one now.
    expect((await runCli(['train', '--resume', 'runs/tiny-supervised', '--max-steps', '30'], { cwd })).code).toBe(0);
    const refused = await runCli(['train', '--resume', 'runs/tiny-distill', '--max-steps', '20'], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/error \[resume\.teacher-changed\] .*the teacher \(its files or run\) changed/);
  }, 120_000);

  it("a finished run's --resume says so and changes nothing", async () => {
    const cwd = scratch();
    expect((await runCli(tiny('done', 20), { cwd })).code).toBe(0);
    const files = ['metrics.jsonl', 'result.json'].map((f) => join(cwd, 'runs/done', f));
    const before = files.map((f) => [readFileSync(f, 'utf8'), statSync(f).mtimeMs]);
    const again = await runCli(['train', '--resume', 'runs/done'], { cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/run .*runs\/done is finished \(max-steps after 20 steps/);
    expect(files.map((f) => [readFileSync(f, 'utf8'), statSync(f).mtimeMs])).toEqual(before);
    expect(listCheckpoints(join(cwd, 'runs/done/checkpoints'))[0]!.step).toBe(20);
    // A raised budget continues it.
    expect((await runCli(['train', '--resume', 'runs/done', '--max-steps', '25'], { cwd })).code).toBe(0);
    expect(metricSteps(cwd, 'done')).toEqual([5, 10, 15, 20, 25]);
  }, 120_000);
});

describe('one writer per run', () => {
  it('refuses a second resume while one runs, and takes over the lock of a killed one', async () => {
    const cwd = scratch();
    expect((await runCli(tiny('shared', 10), { cwd })).code).toBe(0);
    const first = spawnCli(['train', '--resume', 'runs/shared', '--max-steps', '100000', '--progress', 'lines'], { cwd });
    const lock = join(cwd, 'runs/shared/.lock');
    await waitFor(first, () => existsSync(lock) && listCheckpoints(join(cwd, 'runs/shared/checkpoints'))[0]!.step >= 20);
    const second = await runCli(['train', '--resume', 'runs/shared', '--max-steps', '100000'], { cwd });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`error \\[run\\.locked\\] .*being written by another process \\(pid ${first.pid} `));
    first.kill('SIGKILL');
    await exitOf(first);
    expect(existsSync(lock)).toBe(true); // a SIGKILL cannot clean up
    const steps = listCheckpoints(join(cwd, 'runs/shared/checkpoints'))[0]!.step;
    const third = await runCli(['train', '--resume', 'runs/shared', '--max-steps', String(steps + 10)], { cwd });
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toMatch(new RegExp(`took over the lock of pid ${first.pid} .*which is gone`));
    expect(existsSync(lock)).toBe(false);
    const logged = metricSteps(cwd, 'shared');
    expect(new Set(logged).size).toBe(logged.length); // no step logged twice
  }, 180_000);
});

describe('starts that fail or are killed early', () => {
  it('SIGKILL before the first checkpoint, then --resume: no duplicated metric lines', async () => {
    const cwd = scratch();
    const victim = spawnCli(tiny('early', 100000, ['--set', 'checkpointEvery=100000', '--set', 'logEvery=1']), { cwd });
    const metrics = join(cwd, 'runs/early/metrics.jsonl');
    await waitFor(victim, () => existsSync(metrics) && readFileSync(metrics, 'utf8').split('\n').length > 4);
    victim.kill('SIGKILL');
    await exitOf(victim);
    expect(listCheckpoints(join(cwd, 'runs/early/checkpoints'))).toEqual([]);
    const resumed = await runCli(['train', '--resume', 'runs/early', '--max-steps', '12'], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/no checkpoint yet: starting from step 0 \(dropped \d+ metric lines/);
    expect(metricSteps(cwd, 'early')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  }, 120_000);

  it('the same command after a kill before the first checkpoint starts again (no run.exists)', async () => {
    const cwd = scratch();
    const args = tiny('again', 100000, ['--set', 'checkpointEvery=100000', '--set', 'logEvery=1']);
    const victim = spawnCli(args, { cwd });
    const metrics = join(cwd, 'runs/again/metrics.jsonl');
    await waitFor(victim, () => existsSync(metrics) && readFileSync(metrics, 'utf8').length > 0);
    victim.kill('SIGKILL');
    await exitOf(victim);
    const restarted = await runCli(tiny('again', 5, ['--set', 'checkpointEvery=100000', '--set', 'logEvery=1']), { cwd });
    // A changed budget is another config: the folder is not silently reused for it.
    expect(restarted.code).toBe(2);
    expect(restarted.stderr).toMatch(/error \[run\.exists\] .*with another config/);
    const same = spawnCli(args, { cwd });
    await waitFor(same, () => readFileSync(metrics, 'utf8').split('\n').length > 3);
    same.kill('SIGKILL');
    await exitOf(same);
    expect(same.output().stderr).not.toMatch(/run\.exists/);
  }, 120_000);

  it('a start that fails before its first step leaves no run folder behind', async () => {
    const cwd = scratch();
    const broken = await runCli(['train', '--config', DISTILL, '--set', 'teacher.path=runs/no-such-teacher', '--max-steps', '5'], { cwd });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/error \[run\.not-found\] .*no-such-teacher/);
    expect(broken.stderr).toMatch(/removed .*runs\/tiny-distill: the run failed before it trained a step/);
    expect(existsSync(join(cwd, 'runs/tiny-distill'))).toBe(false);
    noStackTrace(broken.stderr);
  }, 60_000);
});

describe('named errors instead of stack traces', () => {
  const root = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v mount'], { encoding: 'utf8' }).status === 0;
  const mountPoint = mkdtempSync(join(tmpdir(), 'augprior-tmpfs-'));
  // 1.5 MB: the tiny run's config, metrics and one checkpoint (~0.9 MB) fit; the second does not.
  const mounted = root && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1536k', 'tmpfs', mountPoint]).status === 0;
  afterAll(() => {
    if (mounted) spawnSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it.skipIf(!mounted)(`disk full while writing a checkpoint: io.disk-full, the previous checkpoint intact${mounted ? '' : ' (skipped: mounting a small tmpfs needs root; the mapping is tested below)'}`, async () => {
    const cwd = scratch();
    const full = await runCli(tiny('full', 200, ['--runs-dir', mountPoint]), { cwd });
    expect(full.code).toBe(2);
    expect(full.stderr).toMatch(/error \[io\.disk-full\] no space left on the device to write .*step-000000\d0\.safetensors/);
    noStackTrace(full.stderr);
    const left = listCheckpoints(join(mountPoint, 'full/checkpoints'));
    expect(left.length).toBeGreaterThan(0);
    expect(readdirSync(join(mountPoint, 'full/checkpoints')).filter((f) => f.includes('.tmp-'))).toEqual([]);
    // The checkpoint that was there before the failed write still loads.
    const evaluated = await runCli(['eval', '--model', join(mountPoint, 'full'), '--out', join(cwd, 'eval.json'), '--json'], { cwd });
    expect(evaluated.code, evaluated.stderr).toBe(0);
  }, 120_000);

  it('maps operating-system failures to named errors, and writes an unexpected one to a trace file', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: '/x/step-1.safetensors', syscall: 'write' });
    expect(namedSystemError(enospc)).toMatchObject({ code: 'io.disk-full' });
    expect(namedSystemError(Object.assign(new Error('EACCES'), { code: 'EACCES', path: '/x' }))).toMatchObject({ code: 'io.not-writable' });
    expect(namedSystemError(new TypeError('x is undefined'))).toBeUndefined();
    const trace = writeCrashReport(['train'], new TypeError('x is undefined'));
    expect(readFileSync(trace, 'utf8')).toMatch(/argv: \["train"\][\s\S]*TypeError: x is undefined\n\s+at /);
  });

  it('a teacher/student class-count mismatch is a named error', async () => {
    const cwd = scratch();
    expect((await runCli(tiny('tiny-supervised', 10), { cwd })).code).toBe(0);
    const wrong = await runCli(['train', '--config', DISTILL, '--set', 'student.numClasses=5', '--set', 'eval.numClasses=5', '--max-steps', '5'], { cwd });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/error \[(train|eval)\.class-mismatch\] .*10 classes/);
    noStackTrace(wrong.stderr);
    const evalWrong = await runCli(['eval', '--model', 'runs/tiny-supervised', '--set', 'dataset.numClasses=5'], { cwd });
    expect(evalWrong.code).toBe(2);
    expect(evalWrong.stderr).toMatch(/error \[eval\.class-mismatch\] .*predicts 10 classes but .* has 5/);
  }, 120_000);
});

describe('evaluation of a NaN model', () => {
  it('is refused with a named error and the count; no result record is written', async () => {
    const cwd = scratch();
    expect((await runCli(tiny('nan', 10), { cwd })).code).toBe(0);
    rewriteNewest(join(cwd, 'runs/nan/checkpoints'), (name, data) => {
      if (name.startsWith('model/') && data instanceof Float32Array) data.fill(Number.NaN);
    });
    const evaluated = await runCli(['eval', '--model', 'runs/nan'], { cwd });
    expect(evaluated.code).toBe(2);
    expect(evaluated.stderr).toMatch(/error \[eval\.non-finite\] run .*runs\/nan produced non-finite logits \(NaN\/Inf\) for 64 of 64 samples/);
    expect(existsSync(join(cwd, 'runs/nan/evals'))).toBe(false);
  }, 60_000);
});
