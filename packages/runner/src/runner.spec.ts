/**
 * The programmatic entry points a notebook or a sweep uses: runExperiment, evaluateModel and
 * runSweep on the tiny generated-data job, in a scratch folder.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOverrides, decodeSafetensors, parseExperiment, readConfigFile, sectionValidators } from '@augprior/core';
import { evaluateModel, parseGrid, runExperiment, runSweep } from './index.js';

const EXPERIMENT = resolve(import.meta.dirname, '../../../experiments/core/tiny-supervised.json');
const SMALL = ['data.imageSize=8', 'eval.imageSize=8', 'eval.count=64', 'batchSize=8', 'checkpointEvery=10', 'logEvery=5', 'evalEvery=1000', 'maxSteps=10'];
const small = () => applyOverrides(readConfigFile(EXPERIMENT), SMALL);
const DISTILL = resolve(import.meta.dirname, '../../../experiments/core/tiny-distill.json');

describe('runExperiment / evaluateModel', () => {
  it('trains, writes result.json, and evaluates the run through the same record format', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'augprior-runner-'));
    const lines: string[] = [];
    const e = parseExperiment(small(), sectionValidators, 'tiny');
    const outcome = await runExperiment(e, { cwd, log: (l) => lines.push(l), progress: 'off' });
    expect(outcome).toMatchObject({ status: 'completed', runDir: join(cwd, 'runs/tiny-supervised') });
    expect(outcome.result).toMatchObject({ kind: 'train', steps: 10, samplesSeen: 80 });
    expect(JSON.parse(readFileSync(join(cwd, 'runs/tiny-supervised/result.json'), 'utf8'))).toEqual(outcome.result);
    expect(lines.some((l) => /^\[augprior\] engine \w+ via /.test(l))).toBe(true);
    // Again: finished, nothing changes.
    expect((await runExperiment(e, { cwd, log: () => {} }, { resumeDir: outcome.runDir })).status).toBe('finished');

    const evaluated = await evaluateModel({ model: 'runs/tiny-supervised' }, { cwd, log: () => {} });
    expect(evaluated.record).toMatchObject({ kind: 'eval', extra: { role: 'student' } });
    expect(evaluated.result.top1).toBe(outcome.result!.eval!.metrics['top1']!.value);
    expect(existsSync(evaluated.resultFile)).toBe(true);
  }, 120_000);
});

describe('experiment.keepBest', () => {
  it('reports the best evaluation as the run\'s eval, the last beside it, and evaluateModel scores the kept weights', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'augprior-best-'));
    const e = parseExperiment(applyOverrides(small(), ['maxSteps=30', 'evalEvery=5', 'keepBest={"metric":"top1"}']), sectionValidators, 'tiny');
    const outcome = await runExperiment(e, { cwd, log: () => {}, progress: 'off' });
    const evals = outcome.evaluations.map((m) => ({ step: m.step, top1: m['top1']! }));
    expect(evals).toHaveLength(6);
    // The first of the highest (ties keep the earlier, fewer-sample model).
    const peak = evals.reduce((a, b) => (b.top1 > a.top1 ? b : a));
    const extra = outcome.result!.extra as { best: { step: number; value: number }; finalEval: { metrics: Record<string, { value: number }> } };
    expect(extra.best).toMatchObject({ metric: 'top1', step: peak.step, value: peak.top1 });
    expect(outcome.result!.eval!.metrics['top1']!.value).toBe(peak.top1);
    expect(extra.finalEval.metrics['top1']!.value).toBe(evals[evals.length - 1]!.top1);
    const evaluated = await evaluateModel({ model: 'runs/tiny-supervised' }, { cwd, log: () => {} });
    expect(evaluated.result.top1).toBe(peak.top1);
  }, 120_000);
});

describe('student.fold', () => {
  it('trains a student with more outputs than the eval set has classes and evaluates it folded, in the run and in evaluateModel', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'augprior-fold-'));
    // 20 outputs, classes c and c + 10 answer class c: labels only use 0-9, so the fold is what lets it be scored.
    const groups = Array.from({ length: 10 }, (_, c) => [c, c + 10]);
    const raw = { ...(small() as Record<string, unknown>), name: 'folded' } as unknown as Record<string, unknown> & { student: Record<string, unknown> };
    raw.student = { ...raw.student, numClasses: 20, fold: { groups } };
    const e = parseExperiment(raw, sectionValidators, 'tiny');
    const outcome = await runExperiment(e, { cwd, log: () => {}, progress: 'off' });
    expect(outcome.status).toBe('completed');
    expect(outcome.result!.student).toMatchObject({ numClasses: 20 });
    expect(outcome.result!.eval!.perClassAccuracy).toHaveLength(10);
    const evaluated = await evaluateModel({ model: 'runs/folded' }, { cwd, log: () => {} });
    expect(evaluated.result.top1).toBe(outcome.result!.eval!.metrics['top1']!.value);
    expect(evaluated.model).toMatchObject({ foldedFrom: 20 });

    const unfolded = parseExperiment({ ...raw, name: 'unfolded', student: { ...raw.student, fold: undefined } }, sectionValidators, 'tiny');
    await expect(runExperiment(unfolded, { cwd, log: () => {}, progress: 'off' })).rejects.toThrow(/has 10 classes but the student predicts 20/);
    const short = parseExperiment({ ...raw, name: 'short', student: { ...raw.student, fold: { groups: groups.slice(1) } } }, sectionValidators, 'tiny');
    await expect(runExperiment(short, { cwd, log: () => {}, progress: 'off' })).rejects.toThrow(/has 10 classes but the student folds its 20 outputs to 9/);
  }, 120_000);
});

describe('student.logitAdjust', () => {
  it('estimates the teacher prior once into the run folder, and the run and evaluateModel score the adjusted student alike', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'augprior-adjust-'));
    await runExperiment(parseExperiment(small(), sectionValidators, 'tiny'), { cwd, log: () => {}, progress: 'off' });
    const distill = (name: string, extra: string[]) =>
      parseExperiment(applyOverrides(readConfigFile(DISTILL), [`name=${name}`, 'data.imageSize=8', 'eval.imageSize=8', 'eval.count=64', 'batchSize=8', 'checkpointEvery=10', 'logEvery=5', 'evalEvery=1000', 'maxSteps=10', ...extra]), sectionValidators, 'tiny-distill');
    const lines: string[] = [];
    const adjusted = await runExperiment(distill('adjusted', ['student.logitAdjust={"tau":1,"batches":2}']), { cwd, log: (l) => lines.push(l), progress: 'off' });
    const prior = JSON.parse(readFileSync(join(adjusted.runDir, 'teacher-prior.json'), 'utf8')) as { samples: number; prior: number[] };
    expect(prior.samples).toBe(16);
    expect(prior.prior.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(lines.some((l) => /logit adjustment tau 1 at the classes: teacher prior over 16 training samples/.test(l))).toBe(true);
    const evaluated = await evaluateModel({ model: adjusted.runDir }, { cwd, log: () => {} });
    expect(evaluated.result.top1).toBe(adjusted.result!.eval!.metrics['top1']!.value);
    expect(evaluated.model).toMatchObject({ logitAdjustTau: 1 });
    // The same recipe without the adjustment answers differently.
    const plain = await runExperiment(distill('plain', []), { cwd, log: () => {}, progress: 'off' });
    expect(adjusted.result!.eval!.metrics['meanKl']).not.toEqual(plain.result!.eval!.metrics['meanKl']);
    // Estimating the prior leaves training alone: evaluated without the adjustment, the adjusted run is the plain one.
    const off = await evaluateModel({ model: adjusted.runDir, logitAdjust: { tau: 0 } }, { cwd, log: () => {} });
    expect(off.result.top1).toBe(plain.result!.eval!.metrics['top1']!.value);
    expect(off.record.eval!.metrics['ece']!.value).toBeCloseTo(plain.result!.eval!.metrics['ece']!.value, 6);
    expect(off.resultFile).not.toBe(evaluated.resultFile);
    await expect(evaluateModel({ model: adjusted.runDir, logitAdjust: { tau: 1, at: 'groups' } }, { cwd, log: () => {} })).rejects.toThrow(/at "groups" adjusts the folded answer, and the student has no student.fold/);
    await expect(evaluateModel({ model: plain.runDir, logitAdjust: { tau: 1 } }, { cwd, log: () => {} })).rejects.toThrow(/is evaluated with a logit adjustment but has no teacher-prior.json/);

    const supervised = parseExperiment(applyOverrides(small(), ['name=sup-adjust', 'student.logitAdjust={"tau":1}']), sectionValidators, 'tiny');
    await expect(runExperiment(supervised, { cwd, log: () => {}, progress: 'off' })).rejects.toThrow(/student.logitAdjust estimates the class prior from the teacher/);
  }, 180_000);
});

describe('evalVariants', () => {
  it('reports flip-TTA and BN-recalibrated accuracies beside a headline and a training run they leave untouched', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'augprior-variants-'));
    const plain = parseExperiment(applyOverrides(small(), ['name=plain', 'evalEvery=5']), sectionValidators, 'tiny');
    const withVariants = parseExperiment(applyOverrides(small(), ['name=variants', 'evalEvery=5', 'evalVariants.flip=true', 'evalVariants.bnRecalibrate=3']), sectionValidators, 'tiny');
    const a = await runExperiment(plain, { cwd, log: () => {}, progress: 'off' });
    const b = await runExperiment(withVariants, { cwd, log: () => {}, progress: 'off' });
    const finalEval = (outcome: typeof a) => outcome.evaluations.at(-1)!;
    for (const key of ['flipTop1', 'flipTop1Low', 'flipTop1High', 'bnTop1', 'bnTop1Low', 'bnTop1High']) {
      expect(finalEval(b)[key]).toBeGreaterThanOrEqual(0);
      expect(finalEval(a)[key]).toBeUndefined();
    }
    // The headline is the plain model, and recalibrating a copy at step 5 changed nothing of the run's own.
    expect(b.result!.eval).toEqual(a.result!.eval);
    const lastWeights = (runDir: string) => {
      const dir = join(runDir, 'checkpoints');
      const file = readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort().at(-1)!;
      return [...decodeSafetensors(readFileSync(join(dir, file)), file).tensors].map(([name, t]) => [name, Array.from(t.data)]);
    };
    expect(lastWeights(b.runDir)).toEqual(lastWeights(a.runDir));
  }, 120_000);
});

describe('runSweep', () => {
  it('parses grids like --set values', () => {
    expect(parseGrid('optimizer.lr=0.001,0.003')).toEqual({ key: 'optimizer.lr', values: [0.001, 0.003] });
    expect(parseGrid('loss.kind=kl_divergence,cross_entropy')).toEqual({ key: 'loss.kind', values: ['kl_divergence', 'cross_entropy'] });
    expect(parseGrid('data.sizes=[[8,8],[16,16]]')).toEqual({ key: 'data.sizes', values: [[8, 8], [16, 16]] });
    expect(() => parseGrid('nokey')).toThrow(/key=a,b,c/);
  });

  it('runs every combination through runExperiment, writes one table, and continues a stopped sweep', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'augprior-sweep-'));
    const axes = [parseGrid('optimizer.lr=0.001,0.01'), parseGrid('batchSize=4,8')];
    const sweep = await runSweep(small(), axes, { cwd, log: () => {}, progress: 'off' }, { name: 'lr-by-batch' });
    expect(sweep.rows.map((r) => [r.settings['optimizer.lr'], r.settings['batchSize'], r.status, r.steps])).toEqual([
      [0.001, 4, 'completed', 10],
      [0.001, 8, 'completed', 10],
      [0.01, 4, 'completed', 10],
      [0.01, 8, 'completed', 10],
    ]);
    expect(sweep.rows[0]!.run).toBe('tiny-supervised--optimizer.lr-0.001--batchSize-4');
    expect(sweep.rows.map((r) => r.samplesSeen)).toEqual([40, 80, 40, 80]);
    const table = readFileSync(join(cwd, 'runs/sweeps/lr-by-batch/summary.md'), 'utf8');
    expect(table).toMatch(/\| optimizer\.lr \| batchSize \| top-1 \[95% CI\] \|/);
    expect(table.split('\n').filter((l) => l.startsWith('| 0.0'))).toHaveLength(4);
    // The same sweep again reuses the finished runs.
    const again = await runSweep(small(), axes, { cwd, log: () => {}, progress: 'off' }, { name: 'lr-by-batch' });
    expect(again.rows.map((r) => r.status)).toEqual(['finished', 'finished', 'finished', 'finished']);
    expect(again.rows.map((r) => r.top1)).toEqual(sweep.rows.map((r) => r.top1));
  }, 240_000);
});
