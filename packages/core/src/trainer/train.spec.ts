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
import type { BatchSource } from './types.js';

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

  it('plans a wall-clock budget into steps once, stores the plan, and resumes on it to the same weights', async () => {
    // Virtual time: every batch costs 100 ms, so the measured rate is 10 steps/s exactly.
    const clocked = (onBatch?: (step: number) => void) => {
      let ms = 0;
      const inner = shapes(0);
      const source = {
        ...inner,
        async *batches(from: number, size: number) {
          const it = inner.batches(from, size);
          for (let step = from; ; step++) {
            const next = await it.next();
            if (next.done) return;
            ms += 100;
            onBatch?.(step);
            yield next.value;
          }
        },
      };
      return { source, clock: () => ms };
    };
    const e = experiment({ maxSteps: undefined, maxMinutes: 0.15, schedule: { kind: 'cosine', warmupSteps: 5 }, checkpointEvery: 1000 });
    const full = createModel('resnet8', { numClasses: 4 }, 0);
    const fullDir = RunDir.create(tmpRuns(), 'planned', e);
    const a = clocked();
    const outcome = await train({ experiment: e, student: full, source: a.source, clock: a.clock, runDir: fullDir });
    // A 9-s budget is short, so the plan is fixed as soon as a tenth of the rest has gone (step 11,
    // 1.1 s, timed from the session start): 11 + floor((9 - 1.1) s * 10/s * (1 - 0.04)) = 86.
    expect(outcome.state.plan).toEqual({ steps: 86, budgetSeconds: 9, fixedAtStep: 11, stepsPerSecond: 10 });
    expect(outcome.stopReason).toBe('max-minutes');
    expect(outcome.state.step).toBe(86);
    const lrs = fullDir.readMetrics().filter((m) => m.type === 'train').map((m) => m['lr'] as number);
    expect(lrs[lrs.length - 1]).toBeLessThan(1e-6); // step 85 of 86: the cosine ends at the planned step
    expect([lrs[0], lrs[1]]).toEqual([1e-3, 1e-3]); // steps 5 and 10: warm-up done, no plan yet, the peak
    expect(lrs[2]).toBeLessThan(1e-3); // step 15: decaying to the planned step

    const partDir = RunDir.create(tmpRuns(), 'planned-part', e);
    const controller = new AbortController();
    const first = createModel('resnet8', { numClasses: 4 }, 0);
    const b = clocked((step) => step === 70 && controller.abort());
    const stopped = await train({ experiment: e, student: first, source: b.source, clock: b.clock, runDir: partDir, signal: controller.signal });
    expect([stopped.stopReason, stopped.state.step, stopped.state.plan?.steps]).toEqual(['interrupted', 70, 86]);
    first.dispose();
    const resumed = createModel('resnet8', { numClasses: 4 }, 0);
    const c = clocked();
    const again = await train({ experiment: e, student: resumed, source: c.source, clock: c.clock, runDir: partDir });
    expect([again.resumedFrom, again.state.step, again.state.plan]).toEqual([70, 86, outcome.state.plan]);
    for (const [name, v] of full.stateDict()) expect(Array.from(resumed.stateDict().get(name)!.dataSync()), name).toEqual(Array.from(v.dataSync()));
    expect(partDir.readMetrics().map((m) => m['lr'])).toEqual(fullDir.readMetrics().map((m) => m['lr']));
    full.dispose();
    resumed.dispose();
  });
});

describe('step plan', () => {
  it('waits for 10 + 50 timed steps on a long budget and turns the rest of it into steps, capped by maxSteps', async () => {
    const { makeStepPlan, planIsDue } = await import('./step-plan.js');
    expect(planIsDue(59, 20, 3580)).toBe(false);
    expect(planIsDue(60, 21, 3579)).toBe(true);
    expect(planIsDue(11, 1.1, 7.9)).toBe(true); // short budget: a tenth of the rest has gone
    expect(planIsDue(10, 5, 10)).toBe(false); // still in the untimed warm-up steps
    const plan = makeStepPlan({ budgetSeconds: 3600, maxSteps: undefined, step: 60, elapsedSeconds: 21, timedSteps: 50, timedSeconds: 18 });
    expect(plan).toEqual({ steps: 60 + Math.floor((3600 - 21) * (50 / 18) * 0.96), budgetSeconds: 3600, fixedAtStep: 60, stepsPerSecond: 2.778 });
    expect(makeStepPlan({ budgetSeconds: 3600, maxSteps: 5000, step: 60, elapsedSeconds: 21, timedSteps: 50, timedSeconds: 18 }).steps).toBe(5000);
  });
});

describe('weight average (experiment.ema)', () => {
  it('follows d * average + (1 - d) * weights with the warm-up ramp, buffers included, tensor count flat', async () => {
    const { averageDecay, updateAverage, copyWeights } = await import('./weight-average.js');
    expect([0, 1, 90, 10_000].map((s) => averageDecay({ decay: 0.99, warmup: true }, s))).toEqual([0.1, 2 / 11, 91 / 100, 0.99]);
    expect(averageDecay({ decay: 0.99, warmup: false }, 0)).toBe(0.99);
    const current = createModel('resnet8', { numClasses: 4 }, 1);
    const average = createModel('resnet8', { numClasses: 4 }, 2);
    const before = new Map([...average.stateDict()].map(([n, v]) => [n, Array.from(v.dataSync())]));
    const count = tf.memory().numTensors;
    updateAverage(average, current, { decay: 0.75, warmup: false }, 5);
    expect(tf.memory().numTensors).toBe(count);
    for (const [name, v] of average.stateDict()) {
      const cur = current.stateDict().get(name)!.dataSync();
      Array.from(v.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(0.75 * before.get(name)![i]! + 0.25 * cur[i]!, 5));
    }
    copyWeights(current, average);
    for (const [name, v] of average.stateDict()) expect(Array.from(v.dataSync())).toEqual(Array.from(current.stateDict().get(name)!.dataSync()));
    current.dispose();
    average.dispose();
  });

  it('is evaluated beside the raw weights, saved in every checkpoint, resumed exactly, and loaded as the run model', async () => {
    const { loadModelWeights, listCheckpoints } = await import('./checkpoint.js');
    const e = experiment({ maxSteps: 30, checkpointEvery: 10, evalEvery: 10, ema: { decay: 0.9 } });
    const probe = (model: { stateDict(): Map<string, tf.Variable> }) => ({ top1: Array.from(model.stateDict().get('linear.weight')!.dataSync()).reduce((a, b) => a + b, 0) });
    const full = createModel('resnet8', { numClasses: 4 }, 0);
    const fullAverage = createModel('resnet8', { numClasses: 4 }, 0);
    const fullDir = RunDir.create(tmpRuns(), 'ema-full', e);
    const counts: number[] = [];
    const outcome = await train({ experiment: e, student: full, average: fullAverage, source: shapes(0), runDir: fullDir, evaluate: async (m) => { counts.push(tf.memory().numTensors); return probe(m); } });
    expect(new Set(counts.slice(2)).size).toBe(1);
    // The headline is the average; the raw weights are logged as rawTop1, and they differ.
    expect(outcome.lastEval!['top1']).toBeCloseTo(probe(fullAverage).top1, 5);
    expect(outcome.lastEval!['rawTop1']).toBeCloseTo(probe(full).top1, 5);
    expect(outcome.lastEval!['top1']).not.toBeCloseTo(outcome.lastEval!['rawTop1']!, 3);

    const partDir = RunDir.create(tmpRuns(), 'ema-part', e);
    const first = createModel('resnet8', { numClasses: 4 }, 0);
    const firstAverage = createModel('resnet8', { numClasses: 4 }, 0);
    await train({ experiment: { ...e, maxSteps: 20 }, student: first, average: firstAverage, source: shapes(0), runDir: partDir, evaluate: async (m) => probe(m) });
    first.dispose();
    firstAverage.dispose();
    const resumed = createModel('resnet8', { numClasses: 4 }, 0);
    const resumedAverage = createModel('resnet8', { numClasses: 4 }, 0);
    await train({ experiment: e, student: resumed, average: resumedAverage, source: shapes(0), runDir: partDir, evaluate: async (m) => probe(m) });
    for (const [name, v] of fullAverage.stateDict()) expect(Array.from(resumedAverage.stateDict().get(name)!.dataSync()), name).toEqual(Array.from(v.dataSync()));

    const loaded = createModel('resnet8', { numClasses: 4 }, 7);
    const newest = listCheckpoints(fullDir.checkpointsDir)[0]!.path;
    expect(loadModelWeights(newest, loaded).loadedWeights).toBe('average');
    expect(Array.from(loaded.stateDict().get('linear.weight')!.dataSync())).toEqual(Array.from(fullAverage.stateDict().get('linear.weight')!.dataSync()));
    expect(loadModelWeights(newest, loaded, { weights: 'raw' }).loadedWeights).toBe('raw');
    expect(Array.from(loaded.stateDict().get('linear.weight')!.dataSync())).toEqual(Array.from(full.stateDict().get('linear.weight')!.dataSync()));
    await expect(train({ experiment: e, student: loaded, source: shapes(0), runDir: RunDir.create(tmpRuns(), 'ema-none', e) })).rejects.toThrow(/sets ema but no model/);
    for (const m of [full, fullAverage, resumed, resumedAverage, loaded]) m.dispose();
  });
  it('answers fixed rows from memory after their first batch, with the losses of a run that recomputes them', async () => {
    // 16 fixed images; batch b holds rows (b-1)*8 .. b*8-1 mod 16, keyed by row.
    const rows = Array.from({ length: 16 }, (_, r) => Array.from({ length: 8 * 8 * 3 }, (_, k) => ((r * 7919 + k * 104729) % 1000) / 1000));
    const keyed = (withKeys: boolean): BatchSource => ({
      description: 'sixteen fixed rows',
      labeled: false,
      inputShape: [8, 8, 3],
      async *batches(fromStep, batchSize) {
        for (let step = fromStep; ; step++) {
          const keys = Int32Array.from({ length: batchSize }, (_, i) => ((step - 1) * batchSize + i) % 16);
          yield { x: tf.tensor4d(Array.from(keys).flatMap((k) => rows[k]!), [batchSize, 8, 8, 3]), ...(withKeys ? { keys } : {}) };
        }
      },
      dispose() {},
    });
    const runOnce = async (withKeys: boolean, rowCache?: boolean) => {
      let teacherRows = 0;
      const weights = tf.tensor2d(Array.from({ length: 12 }, (_, k) => ((k * 37) % 11) / 5 - 1), [3, 4]);
      const teacher = syncPredictor(
        (x: tf.Tensor) => {
          teacherRows += x.shape[0]!;
          return tf.matMul(tf.mean(x, [1, 2]), weights);
        },
        { description: 'linear teacher', numClasses: 4, dispose() {} },
      );
      const e = experiment({ mode: 'distill', data: { kind: 'synthetic_single_image', imageSize: 8 }, teacher: { kind: 'run', path: 'unused' }, maxSteps: 12, logEvery: 4, evalEvery: 2, checkpointEvery: 1000, ...(rowCache === undefined ? {} : { rowCache }) });
      const student = createModel('resnet8', { numClasses: 4 }, 0);
      const runDir = RunDir.create(tmpRuns(), 'rows', e);
      const counts: number[] = [];
      await train({ experiment: e, student, teacher, source: keyed(withKeys), runDir, evaluate: async () => { counts.push(tf.memory().numTensors); return {}; } });
      student.dispose();
      weights.dispose();
      return { losses: runDir.readMetrics().filter((m) => m['type'] === 'train').map((m) => m['loss'] as number), teacherRows, counts };
    };
    const recomputed = await runOnce(false);
    const cached = await runOnce(true);
    const off = await runOnce(true, false);
    expect(recomputed.teacherRows).toBe(12 * 8);
    expect(cached.teacherRows).toBe(16);
    expect(off.teacherRows).toBe(12 * 8);
    expect(cached.losses).toHaveLength(3);
    cached.losses.forEach((loss, i) => expect(loss).toBeCloseTo(recomputed.losses[i]!, 5));
    expect(off.losses).toEqual(recomputed.losses);
    // The cache holds arrays, not tensors: the count stays flat once the rows are held.
    expect(new Set(cached.counts.slice(1)).size).toBe(1);
  });
});

describe('keeping the best evaluation (experiment.keepBest)', () => {
  // Scripted scores per evaluated step: the peak (step 20) is neither the first nor the last.
  const scores: Record<number, number> = { 10: 0.3, 20: 0.7, 30: 0.5, 40: 0.6 };
  const scripted = async (_m: unknown, step: number) => ({ top1: 0, balancedAccuracy: scores[step]! });

  it('keeps the peak in best/, records it in every later checkpoint, and loadRunModel answers with it', async () => {
    const { listCheckpoints, readCheckpoint } = await import('./checkpoint.js');
    const { bestCheckpointOf } = await import('./keep-best.js');
    const { loadRunModel } = await import('../teachers/from-run.js');
    const e = experiment({ maxSteps: 40, checkpointEvery: 10, evalEvery: 10, keepBest: { metric: 'balancedAccuracy' } });
    const student = createModel('resnet8', { numClasses: 4 }, 0);
    const dir = RunDir.create(tmpRuns(), 'best', e);
    const seen: number[] = [];
    let atPeak: number[] = [];
    const before = tf.memory().numTensors;
    const outcome = await train({
      experiment: e, student, source: shapes(0), runDir: dir,
      evaluate: async (m, step) => {
        if (step === 20) atPeak = Array.from(student.stateDict().get('linear.weight')!.dataSync());
        return scripted(m, step);
      },
      onBest: (b) => { seen.push(b.step); },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(seen).toEqual([10, 20]);
    expect(outcome.state.best).toMatchObject({ metric: 'balancedAccuracy', value: 0.7, step: 20, samplesSeen: 160 });
    const kept = bestCheckpointOf(dir.path)!;
    expect(kept.step).toBe(20);
    expect(readdirSync(join(dir.path, 'best')).filter((f) => f.endsWith('.safetensors'))).toHaveLength(1);
    expect(JSON.parse(readCheckpoint(listCheckpoints(dir.checkpointsDir)[0]!.path).metadata['best']!)).toMatchObject({ step: 20, value: 0.7 });
    const loaded = loadRunModel(dir.path);
    expect(loaded.step).toBe(20);
    expect(Array.from(loaded.model.stateDict().get('linear.weight')!.dataSync())).toEqual(atPeak);
    // The last step's weights differ from the peak's: the test would pass vacuously otherwise.
    expect(Array.from(student.stateDict().get('linear.weight')!.dataSync())).not.toEqual(atPeak);
    loaded.model.dispose();
    student.dispose();
  });

  it('resumes against the recorded best and drops a best written after the checkpoint it continues from', async () => {
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const { bestCheckpointOf } = await import('./keep-best.js');
    const e = experiment({ maxSteps: 40, checkpointEvery: 10, evalEvery: 10, keepBest: { metric: 'balancedAccuracy' } });
    const dir = RunDir.create(tmpRuns(), 'best-resume', e);
    const first = createModel('resnet8', { numClasses: 4 }, 0);
    await train({ experiment: { ...e, maxSteps: 30 }, student: first, source: shapes(0), runDir: dir, evaluate: scripted });
    first.dispose();
    // What a kill between writing a new best and its regular checkpoint leaves: a best newer than every checkpoint.
    mkdirSync(join(dir.path, 'best'), { recursive: true });
    writeFileSync(join(dir.path, 'best', 'step-00000035.safetensors'), 'partial');
    const seen: number[] = [];
    const resumed = createModel('resnet8', { numClasses: 4 }, 0);
    const outcome = await train({ experiment: e, student: resumed, source: shapes(0), runDir: dir, evaluate: scripted, onBest: (b) => { seen.push(b.step); } });
    expect(outcome.resumedFrom).toBe(30);
    // 0.6 at step 40 does not beat the 0.7 recorded before the resume.
    expect(seen).toEqual([]);
    expect(outcome.state.best?.step).toBe(20);
    expect(bestCheckpointOf(dir.path)!.step).toBe(20);
    resumed.dispose();
  });

  it('names the metric and the ones there are when keepBest.metric is not evaluated', async () => {
    const e = experiment({ maxSteps: 10, evalEvery: 10, keepBest: { metric: 'macroF1' } });
    const student = createModel('resnet8', { numClasses: 4 }, 0);
    await expect(train({ experiment: e, student, source: shapes(0), runDir: RunDir.create(tmpRuns(), 'best-bad', e), evaluate: scripted })).rejects.toThrow(/keepBest.metric "macroF1" is not among the evaluation's metrics \(balancedAccuracy, top1\)/);
    student.dispose();
  });
});
