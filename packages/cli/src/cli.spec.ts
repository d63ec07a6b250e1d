import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, listCheckpoints } from '@augprior/core';
import { readRunResult } from '@augprior/eval';
import { readFileSync } from 'node:fs';
import { exitOf, runCli, spawnCli } from './test-utils.js';

const WORKSPACE = resolve(import.meta.dirname, '../../..');
const experiment = (name: string) => join(WORKSPACE, 'experiments/core', name);
const scratch = () => mkdtempSync(join(tmpdir(), 'augprior-cli-'));
const SHARED = resolve(WORKSPACE, '../shared/data');

describe('augprior train --json: the tiny supervised + distillation job on generated data', () => {
  it('trains a teacher with labels, distils a student from ONE generated image, and reports both', async () => {
    const cwd = scratch();
    const teacher = await runCli(['train', '--config', experiment('tiny-supervised.json'), '--max-steps', '120', '--progress', 'off', '--json'], { cwd });
    expect(teacher.code, teacher.stderr).toBe(0);
    const t = teacher.json();
    expect(t).toMatchObject({ format: 'augprior-result/1', kind: 'train', name: 'tiny-supervised', modality: 'image', mode: 'supervised', steps: 120, samplesSeen: 120 * 32, extra: { status: 'completed' } });
    const top1 = (r: Record<string, unknown>) => (r['eval'] as { metrics: Record<string, { value: number; low: number; high: number }> }).metrics['top1']!;
    expect(top1(t).value).toBeGreaterThan(0.8);
    expect(top1(t).low).toBeLessThanOrEqual(top1(t).value);
    expect(top1(t).high).toBeGreaterThanOrEqual(top1(t).value);
    expect(readRunResult(join(cwd, 'runs/tiny-supervised/result.json'))).toEqual(t);
    expect(readFileSync(join(cwd, 'runs/tiny-supervised/samples.png')).subarray(1, 4).toString()).toBe('PNG');
    // --samples-only redraws missing sheets and trains nothing.
    const metricsBefore = readFileSync(join(cwd, 'runs/tiny-supervised/metrics.jsonl'), 'utf8');
    rmSync(join(cwd, 'runs/tiny-supervised/samples.png'));
    const sheet = await runCli(['train', '--resume', 'runs/tiny-supervised', '--samples-only'], { cwd });
    expect(sheet.code, sheet.stderr).toBe(0);
    expect(existsSync(join(cwd, 'runs/tiny-supervised/samples.png'))).toBe(true);
    expect(sheet.stderr).not.toMatch(/the source ->/); // generated shapes have no one source to draw
    expect(readFileSync(join(cwd, 'runs/tiny-supervised/metrics.jsonl'), 'utf8')).toBe(metricsBefore);

    const student = await runCli(['train', '--config', experiment('tiny-distill.json'), '--max-steps', '200', '--progress', 'off', '--json'], { cwd });
    expect(student.code, student.stderr).toBe(0);
    const s = student.json();
    expect(s).toMatchObject({ name: 'tiny-distill', mode: 'distill', steps: 200 });
    expect((s['teacher'] as { eval: Record<string, unknown> }).eval).toMatchObject({ count: 500 });
    expect(top1(s['teacher'] as Record<string, unknown>).value).toBeGreaterThan(0.8);
    // 10 classes: chance is 0.1. The student never saw a labelled image, only crops of one mosaic.
    expect(top1(s).value).toBeGreaterThan(0.3);
    expect(student.stderr).toMatch(/\[augprior\] engine \w+ via /);
    // The one source beside the training inputs: the generated mosaic, with its caption.
    expect(student.stderr).toMatch(/\[augprior\] the source -> .*tiny-distill\/source\.png/);
    expect(readFileSync(join(cwd, 'runs/tiny-distill/source.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(JSON.parse(readFileSync(join(cwd, 'runs/tiny-distill/source.json'), 'utf8'))).toMatchObject({ caption: expect.stringMatching(/^the source: one \d+px mosaic of \d+ gratings/) });
    const metrics = readFileSync(join(cwd, 'runs/tiny-distill/metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(metrics.filter((m) => m['type'] as unknown === 'train')[0]).toMatchObject({ step: 10, lr: 0.001 });
    expect(metrics.some((m) => m['agreement'] !== undefined)).toBe(true);

    const evaluated = await runCli(['eval', '--model', 'runs/tiny-distill', '--json'], { cwd });
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.json()).toMatchObject({ accuracyUnit: 'fraction', top1: top1(s).value, count: 500 });
    // The record says it measured a student (the report keeps students and teachers apart).
    const records = readdirSync(join(cwd, 'runs/tiny-distill/evals'));
    expect(readRunResult(join(cwd, 'runs/tiny-distill/evals', records[0]!)).extra).toMatchObject({ role: 'student' });

    // "Panda neurons" in miniature: the teacher and the distilled student, two classes, a few steps.
    const visualized = await runCli(['image', 'visualize', '--run', 'runs/tiny-distill', '--classes', '0,3', '--steps', '4', '--json'], { cwd });
    expect(visualized.code, visualized.stderr).toBe(0);
    expect(visualized.json()).toMatchObject({ rows: ['teacher', 'student'], steps: 4 });
    expect(readFileSync(join(cwd, 'runs/tiny-distill/visualize/grid.png')).subarray(1, 4).toString()).toBe('PNG');
    const channels = await runCli(['image', 'visualize', '--run', 'runs/tiny-distill', '--channels', '1,5', '--steps', '3', '--json'], { cwd });
    expect(channels.code, channels.stderr).toBe(0);
    expect(channels.json()).toMatchObject({ rows: ['teacher', 'student'], channels: [1, 5] });
    expect(existsSync(join(cwd, 'runs/tiny-distill/visualize-channels/student-channel-5.png'))).toBe(true);
    const badChannel = await runCli(['image', 'visualize', '--run', 'runs/tiny-distill', '--channels', '4096', '--steps', '1'], { cwd });
    expect(badChannel.stderr).toMatch(/feature map has \d+ channels; 4096 is out of range/);
    const badClass = await runCli(['image', 'visualize', '--run', 'runs/tiny-distill', '--classes', 'giant_panda'], { cwd });
    expect(badClass.code).not.toBe(0);
    expect(badClass.stderr).toMatch(/no class "giant_panda"/);
  }, 300_000);
});

describe('resuming after SIGKILL', () => {
  const args = (cwd: string, name: string) => [
    'train', '--config', experiment('tiny-supervised.json'), '--name', name, '--backend', 'wasm', '--progress', 'lines',
    '--set', 'data.imageSize=8', '--set', 'eval.imageSize=8', '--set', 'eval.count=64', '--set', 'batchSize=8',
    '--set', 'checkpointEvery=10', '--set', 'logEvery=5', '--set', 'evalEvery=20', '--max-steps', '60', '--json',
  ].concat(cwd ? [] : []);

  it('reproduces the uninterrupted run\'s final weights, optimizer state and metrics exactly', async () => {
    const cwd = scratch();
    const reference = spawnCli(args(cwd, 'whole'), { cwd });
    expect(await exitOf(reference), reference.output().stderr).toBe(0);

    const victim = spawnCli(args(cwd, 'killed'), { cwd });
    const checkpoints = join(cwd, 'runs/killed/checkpoints');
    await new Promise<void>((done, fail) => {
      const timer = setInterval(() => {
        const steps = listCheckpoints(checkpoints).map((c) => c.step);
        if (steps.some((s) => s >= 30)) {
          clearInterval(timer);
          victim.kill('SIGKILL');
          done();
        }
      }, 20);
      victim.on('close', () => {
        clearInterval(timer);
        fail(new Error(`the run finished before it could be killed: ${victim.output().stderr}`));
      });
    });
    await exitOf(victim);
    expect(existsSync(join(cwd, 'runs/killed/result.json'))).toBe(false);

    const resumed = spawnCli(['train', '--resume', 'runs/killed', '--progress', 'lines', '--json'], { cwd });
    expect(await exitOf(resumed), resumed.output().stderr).toBe(0);
    expect(resumed.output().stderr).toMatch(/resumed from .*step-000000[3-6]0\.safetensors/);

    const final = (run: string) => decodeSafetensors(readFileSync(listCheckpoints(join(cwd, 'runs', run, 'checkpoints'))[0]!.path), run).tensors;
    const a = final('whole');
    const b = final('killed');
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, t] of a) expect(Buffer.from(b.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)), name).toBe(true);
    const losses = (run: string) => readFileSync(join(cwd, 'runs', run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).map((m) => [m['type'], m['step'], m['loss'] ?? m['top1']]);
    expect(losses('killed')).toEqual(losses('whole'));
  }, 300_000);
});

describe('augprior info / errors', () => {
  it('info --json reports versions, the chosen engine and why, the data root and optional packages', async () => {
    const result = await runCli(['info', '--json'], { cwd: WORKSPACE });
    expect(result.code).toBe(0);
    const info = result.json();
    expect(info).toMatchObject({ node: process.version, tfjs: '4.22.0' });
    expect((info['engine'] as { reason: string }).reason).toMatch(/^engine (tensorflow|torch|wasm) via /);
    expect(Object.keys(info['engines'] as object)).toEqual(['tensorflow', 'torch', 'webgpu', 'wasm', 'cpu']);
    expect(info['optionalPackages']).toHaveProperty(['@tensorflow/tfjs-node-gpu']);
    expect(info['dataRoot']).toHaveProperty('source');
  });
  it('a user error is one clear line naming the file, with exit code 2', async () => {
    const cwd = scratch();
    writeFileSync(join(cwd, 'bad.json'), '{ "name": "x", ');
    const bad = await runCli(['train', '--config', 'bad.json'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^augprior train: error \[config.not-json\] .*bad\.json is not valid JSON/);
    const missing = await runCli(['train', '--config', 'nope.json'], { cwd });
    expect(missing.stderr).toMatch(/cannot read config .*nope\.json: ENOENT/);
    const typo = await runCli(['train', '--config', experiment('tiny-supervised.json'), '--set', 'optimizer.lr=fast'], { cwd });
    expect(typo.stderr).toMatch(/optimizer\.lr: .*number/);
  });
  it('a resumed run refuses changes that would break exact resumption', async () => {
    const cwd = scratch();
    const first = await runCli(['train', '--config', experiment('tiny-supervised.json'), '--set', 'data.imageSize=8', '--set', 'eval.imageSize=8', '--max-steps', '2', '--progress', 'off'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    const again = await runCli(['train', '--config', experiment('tiny-supervised.json'), '--max-steps', '2'], { cwd });
    expect(again.stderr).toMatch(/run directory .*tiny-supervised already exists and has checkpoints\n {2}hint: continue it with --resume/);
    const changed = await runCli(['train', '--resume', 'runs/tiny-supervised', '--set', 'optimizer.lr=0.5'], { cwd });
    expect(changed.stderr).toMatch(/--resume cannot change "optimizer"/);
    expect(readdirSync(join(cwd, 'runs/tiny-supervised/checkpoints'))).toEqual(['step-00000002.safetensors']);
  });
});

describe('datasets against ../shared/data', () => {
  const hasShared = existsSync(SHARED);
  it.skipIf(!hasShared)('every registered file present in the shared data root has its registered checksum', async () => {
    const result = await runCli(['datasets', 'verify', '--data-root', SHARED, '--json'], { cwd: WORKSPACE });
    const entries = result.json()['entries'] as Array<{ id: string; files: Array<{ status: string }> }>;
    const statuses = entries.flatMap((e) => e.files.map((f) => f.status));
    expect(statuses).not.toContain('corrupt');
    expect(entries.find((e) => e.id === 'teacher-cifar10-resnet56')!.files[0]!.status).toBe('present');
    expect(result.code).toBe(0);
  });
  if (!hasShared) it.skip(`skips the shared-data checks: ${SHARED} is absent on this machine (CI provides it)`, () => {});
});
