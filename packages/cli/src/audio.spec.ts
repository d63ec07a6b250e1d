/**
 * The audio front end end to end on the shared files: the MLPerf DS-CNN teacher on real Speech
 * Commands clips through its exact MFCC front end, and a short distillation run from the one
 * LJ Speech recording. Skips, saying why, where ../shared is absent.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './test-utils.js';

const WORKSPACE = resolve(import.meta.dirname, '../../..');
const SHARED = resolve(WORKSPACE, '../shared/data');
const DSCNN = join(SHARED, 'teachers/kws-dscnn-mlperf-tiny/kws_ref_model_float32.tflite');
const SAMPLE = join(SHARED, 'speechcommands/v0.01-sample');
const hasShared = existsSync(DSCNN) && existsSync(SAMPLE);
const env = { AUGPRIOR_DATA: SHARED };

describe.runIf(hasShared)('audio: Speech Commands through the DS-CNN teacher and a single-recording student', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'augprior-audio-'));

  it('the imported DS-CNN scores the v0.01 sample (12-class protocol) through the TF MFCC front end, per class', async () => {
    const imported = await runCli(['teacher', 'import', DSCNN, '--out', 'dscnn', '--num-classes', '12', '--input-size', '49x10', '--json'], { cwd });
    expect(imported.code, imported.stderr).toBe(0);
    const args = ['eval', '--model', 'dscnn', '--features', 'mlperf_mfcc', '--dataset', 'speech_commands:speechcommands/v0.01-sample'];
    const result = (await runCli([...args, '--json'], { cwd, env })).json() as { top1: number; count: number; classNames: string[]; perClassAccuracy: number[]; confusion: number[][] };
    expect(result.count).toBe(330); // 300 clips + 10% silence crops
    expect(result.classNames).toEqual(['down', 'go', 'left', 'no', 'off', 'on', 'right', 'stop', 'up', 'yes', '_silence_', '_unknown_']);
    expect(result.confusion.map((row) => row.reduce((a, b) => a + b, 0))).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 30, 200]);
    // These clips may be in the teacher's v2 training data; the published test accuracy is ~92%.
    expect(result.top1).toBeGreaterThan(0.9);
    const human = await runCli(args, { cwd, env });
    expect(human.stdout).toMatch(/_unknown_ +\d+\.\d%/);
    expect(human.stdout).toMatch(/confusion \(rows: true, columns: predicted\)/);
    const wrong = await runCli([...args, '--set', 'dataset.protocol=all'], { cwd, env });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/predicts 12 classes but .* has 30/);
  });

  it('distils a DS-CNN student from one recording for a few steps, evaluates it, and re-evaluates the run', async () => {
    const config = join(WORKSPACE, 'experiments/audio/kws-ljspeech-dscnn.json');
    const train = await runCli(['train', '--config', config, '--set', 'maxSteps=4', '--set', 'batchSize=16', '--set', 'data.count=64', '--set', 'evalEvery=4', '--set', 'eval.limit=40', '--set', 'eval.silence.count=4', '--json'], { cwd, env });
    expect(train.code, train.stderr).toBe(0);
    const result = train.json() as { steps: number; modality: string; eval: { count: number; classNames: string[]; metrics: Record<string, { value: number }> } };
    expect(result.steps).toBe(4);
    expect(result.modality).toBe('audio');
    expect(result.eval.count).toBe(40);
    expect(result.eval.classNames.at(-1)).toBe('_unknown_');
    expect(result.eval.metrics['balancedAccuracy']!.value).toBeGreaterThanOrEqual(0);
    expect(train.stderr).toMatch(/student features: log-mel \(480\/320/);
    const again = (await runCli(['eval', '--model', 'runs/kws-ljspeech-dscnn', '--set', 'dataset.limit=40', '--set', 'dataset.silence.count=4', '--json'], { cwd, env })).json() as { top1: number; count: number };
    expect(again.count).toBe(40);
    expect(again.top1).toBeCloseTo(result.eval.metrics['top1']!.value, 6);
  });
});

// A skip, counted as skipped with its reason, never as a pass.
if (!hasShared) it.skip(`audio on real Speech Commands clips skipped: ${DSCNN} or ${SAMPLE} is absent on this machine (CI provides ../shared)`, () => {});
