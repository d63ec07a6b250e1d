import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { parseExperiment } from '../config/experiment.js';
import { sectionValidators } from '../data/registries.js';
import { SyntheticSingleImageArgs, syntheticShapesSource, syntheticSingleImageSource } from '../data/synthetic.js';
import { selectEngine } from '../engine/select-engine.js';
import { createModel } from '../models/index.js';
import { RunDir } from './run-dir.js';
import { NonFiniteLossError, train } from './train.js';
import { syncPredictor } from '../teachers/predictor.js';

beforeAll(async () => {
  await selectEngine({ backend: 'wasm' });
});

function experiment(overrides: Record<string, unknown> = {}) {
  return parseExperiment(
    {
      name: 'unit',
      mode: 'supervised',
      data: { kind: 'synthetic_shapes', imageSize: 8, numClasses: 4 },
      student: { kind: 'resnet8', numClasses: 4 },
      batchSize: 8,
      maxSteps: 50,
      logEvery: 5,
      checkpointEvery: 25,
      ...overrides,
    },
    sectionValidators,
  );
}

const shapes = (seed: number) => syntheticShapesSource({ numClasses: 4, imageSize: 8, noise: 0.05, count: 100, datasetSeed: 1 }, seed);
const tmpRuns = () => mkdtempSync(join(tmpdir(), 'augprior-train-'));

describe('train', () => {
  it('keeps the tensor count flat over 50 steps', async () => {
    const e = experiment({ checkpointEvery: 1000, evalEvery: 5 });
    const student = createModel('resnet8', { numClasses: 4 }, 0);
    const source = shapes(0);
    const counts: number[] = [];
    const runDir = RunDir.create(tmpRuns(), 'flat', e);
    await train({
      experiment: e,
      student,
      source,
      runDir,
      // The evaluate hook runs between steps: a cheap probe of the live tensor count.
      evaluate: async () => {
        counts.push(tf.memory().numTensors);
        return {};
      },
    });
    expect(counts.length).toBeGreaterThanOrEqual(10);
    expect(new Set(counts.slice(1)).size).toBe(1);
    student.dispose();
  });

  it('gives the same metrics for the same seed and different ones for another seed', async () => {
    const runOnce = async (seed: number) => {
      const e = experiment({ seed, maxSteps: 20 });
      const student = createModel('resnet8', { numClasses: 4 }, seed);
      const runDir = RunDir.create(tmpRuns(), 'det', e);
      await train({ experiment: e, student, source: shapes(seed), runDir });
      student.dispose();
      return runDir.readMetrics().map((m) => m['loss']);
    };
    const a = await runOnce(3);
    expect(a).toHaveLength(4);
    expect(await runOnce(3)).toEqual(a);
    expect(await runOnce(4)).not.toEqual(a);
  });

  it('stops with a named error when the teacher outputs NaN, before touching the weights', async () => {
    const e = experiment({ mode: 'distill', data: { kind: 'synthetic_single_image', imageSize: 8 }, teacher: { kind: 'run', path: 'unused' }, checkpointEvery: 2 });
    const student = createModel('resnet8', { numClasses: 4 }, 0);
    let calls = 0;
    const nanTeacher = syncPredictor(
      (x: tf.Tensor) => {
        calls += 1;
        return calls < 4 ? tf.zeros([x.shape[0]!, 4]) : tf.fill([x.shape[0]!, 4], NaN);
      },
      { description: 'broken teacher', numClasses: 4, dispose() {} },
    );
    const runDir = RunDir.create(tmpRuns(), 'nan', e);
    const error = await train({ experiment: e, student, teacher: nanTeacher, source: syntheticSingleImageSource(SyntheticSingleImageArgs.parse({ imageSize: 8 }), 0), runDir }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toMatch(/loss became NaN at step 4: the teacher's logits contain NaN\/Inf/);
    expect(readdirSync(runDir.checkpointsDir)).toEqual(['step-00000002.safetensors']);
    student.dispose();
  });

  it('stops on the wall-clock budget, checkpointing the step it reached', async () => {
    const e = experiment({ maxSteps: undefined, maxMinutes: 0.01, checkpointEvery: 1000 });
    const student = createModel('resnet8', { numClasses: 4 }, 0);
    const runDir = RunDir.create(tmpRuns(), 'budget', e);
    const outcome = await train({ experiment: e, student, source: shapes(0), runDir });
    expect(outcome.stopReason).toBe('max-minutes');
    expect(outcome.state.elapsedSeconds).toBeGreaterThanOrEqual(0.6);
    expect(outcome.state.step).toBeGreaterThan(0);
    expect(readdirSync(runDir.checkpointsDir)).toEqual([`step-${String(outcome.state.step).padStart(8, '0')}.safetensors`]);
    student.dispose();
  });

  it('refuses a teacher whose class count differs from the student', async () => {
    const e = experiment({ mode: 'distill', data: { kind: 'synthetic_single_image', imageSize: 8 }, teacher: { kind: 'run', path: 'unused' } });
    const student = createModel('resnet8', { numClasses: 4 }, 0);
    const teacher = syncPredictor((x: tf.Tensor) => tf.zeros([x.shape[0]!, 10]), { description: 'ten-way teacher', numClasses: 10, dispose() {} });
    await expect(train({ experiment: e, student, teacher, source: shapes(0), runDir: RunDir.create(tmpRuns(), 'mismatch', e) })).rejects.toThrow(/ten-way teacher predicts 10 classes but the student has 4/);
    student.dispose();
  });

  it('resumes from its newest checkpoint to the same weights as an uninterrupted run', async () => {
    const e = experiment({ maxSteps: 30, checkpointEvery: 10 });
    const full = createModel('resnet8', { numClasses: 4 }, 0);
    const fullDir = RunDir.create(tmpRuns(), 'full', e);
    await train({ experiment: e, student: full, source: shapes(0), runDir: fullDir });

    const partDir = RunDir.create(tmpRuns(), 'part', e);
    const first = createModel('resnet8', { numClasses: 4 }, 0);
    await train({ experiment: { ...e, maxSteps: 20 }, student: first, source: shapes(0), runDir: partDir });
    first.dispose();
    const resumed = createModel('resnet8', { numClasses: 4 }, 0);
    const outcome = await train({ experiment: e, student: resumed, source: shapes(0), runDir: partDir });
    expect(outcome.resumedFrom).toBe(20);
    for (const [name, v] of full.stateDict()) expect(Array.from(resumed.stateDict().get(name)!.dataSync()), name).toEqual(Array.from(v.dataSync()));
    expect(partDir.readMetrics().map((m) => m['loss'])).toEqual(fullDir.readMetrics().map((m) => m['loss']));
    full.dispose();
    resumed.dispose();
  });
});
