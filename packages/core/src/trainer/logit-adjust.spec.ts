import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectEngine } from '../engine/select-engine.js';
import { syncPredictor } from '../teachers/predictor.js';
import { tf } from '../tf.js';
import { logitFold } from '../teachers/class-fold.js';
import { logitAdjustment, readTeacherPrior, studentAdjustment, studentAnswer, teacherPrior, TEACHER_PRIOR_FILE, writeTeacherPrior } from './logit-adjust.js';
import type { Batch } from './types.js';

// The teacher's logits are the inputs themselves: x = [[log 3, 0]] has softmax [0.75, 0.25].
const teacher = syncPredictor((x) => tf.reshape(x, [-1, 2]), { numClasses: 2 });
async function* stream(rows: number[][]): AsyncGenerator<Batch> {
  for (;;) for (const row of rows) yield { x: tf.tensor4d(row, [1, 1, 1, 2]), y: tf.tensor1d([0], 'int32') };
}

describe('logit adjustment', () => {
  beforeAll(async () => {
    await selectEngine({ backend: 'cpu' });
  });

  it('averages the teacher softmax over the first batches, freeing them', async () => {
    const before = tf.memory().numTensors;
    const prior = await teacherPrior(teacher, stream([[Math.log(3), 0], [0, Math.log(3)], [0, 0]]), 3);
    expect(tf.memory().numTensors).toBe(before);
    expect(prior.samples).toBe(3);
    expect(prior.prior[0]).toBeCloseTo((0.75 + 0.25 + 0.5) / 3, 6);
    expect(prior.prior[1]).toBeCloseTo((0.25 + 0.75 + 0.5) / 3, 6);
    // Two batches only: the skew shows.
    expect((await teacherPrior(teacher, stream([[Math.log(3), 0]]), 2)).prior[0]).toBeCloseTo(0.75, 6);
  });

  it('adds -tau log(prior), so a class the stream over-represents loses exactly its log-odds', () => {
    const adjust = logitAdjustment([0.8, 0.2, 0], 1, 3, 'unit');
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => adjust.apply(tf.tensor2d([[0, 0, 0]])));
    const [a, b, c] = Array.from(out.dataSync());
    expect(b! - a!).toBeCloseTo(Math.log(4), 5);
    expect(c).toBeCloseTo(-Math.log(1e-8), 3);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    adjust.dispose();
    expect(() => logitAdjustment([0.5, 0.5], 1, 3, 'the student')).toThrow(/the student: the teacher prior has 2 classes but the model predicts 3/);
    expect(Array.from(logitAdjustment([0.5, 0.5], 0, 2, 'off').offsets).map(Math.abs)).toEqual([0, 0]);
  });

  it('at "groups" offsets each fold group by its summed prior after the fold; at "classes" each output before it', () => {
    const prior = [0.1, 0.2, 0.3, 0.4];
    const fold = { groups: [[0], [1, 2, 3]] };
    const grouped = studentAdjustment({ tau: 2, at: 'groups' }, prior, 4, fold, 'unit');
    expect(grouped.stage).toBe('after-fold');
    expect(grouped.offsets).toHaveLength(2);
    expect(grouped.offsets[0]).toBeCloseTo(-2 * Math.log(0.1), 5);
    expect(grouped.offsets[1]).toBeCloseTo(-2 * Math.log(0.9), 5);
    const perClass = studentAdjustment({ tau: 2, at: 'classes' }, prior, 4, fold, 'unit');
    expect(perClass.stage).toBe('before-fold');
    expect(perClass.offsets[3]).toBeCloseTo(-2 * Math.log(0.4), 5);
    grouped.dispose();
    perClass.dispose();
    expect(() => studentAdjustment({ tau: 1, at: 'groups' }, prior, 4, undefined, 'the student')).toThrow(/the student: student.logitAdjust.at "groups" adjusts the folded answer/);
    expect(() => studentAdjustment({ tau: 1, at: 'groups' }, prior, 5, fold, 'the student')).toThrow(/teacher prior has 4 classes but the model predicts 5/);
  });

  it('studentAnswer applies the adjustment at its stage around the fold, owning every intermediate', () => {
    const fold = logitFold({ groups: [[0], [1, 2]] }, 3, 'unit');
    const prior = [0.5, 0.25, 0.25];
    const groups = studentAdjustment({ tau: 1, at: 'groups' }, prior, 3, { groups: [[0], [1, 2]] }, 'unit');
    const classes = studentAdjustment({ tau: 1, at: 'classes' }, prior, 3, { groups: [[0], [1, 2]] }, 'unit');
    const raw = tf.tensor2d([[0, 0, 0]]);
    const before = tf.memory().numTensors;
    const plain = studentAnswer(raw, undefined, undefined);
    expect(plain).toBe(raw);
    const folded = studentAnswer(raw, fold, undefined);
    const afterFold = studentAnswer(raw, fold, groups);
    const beforeFold = studentAnswer(raw, fold, classes);
    expect(tf.memory().numTensors).toBe(before + 3);
    const [f0, f1] = Array.from(folded.dataSync());
    expect(f1! - f0!).toBeCloseTo(Math.log(2), 5);
    // Group prior [0.5, 0.5]: equal offsets, so the folded odds are unchanged after the fold...
    const [g0, g1] = Array.from(afterFold.dataSync());
    expect(g1! - g0!).toBeCloseTo(Math.log(2), 5);
    // ...while per class (before it) class 0 gains log 2 and classes 1 and 2 log 4 each, so group 1 gains log 4.
    const [c0, c1] = Array.from(beforeFold.dataSync());
    expect(c1! - c0!).toBeCloseTo(Math.log(4), 5);
    expect(c0! - f0!).toBeCloseTo(Math.log(2), 5);
    expect(c1! - f1!).toBeCloseTo(Math.log(4) - Math.log(1), 5);
    for (const t of [folded, afterFold, beforeFold, raw]) t.dispose();
    for (const a of [fold, groups, classes]) a.dispose();
  });

  it('round-trips the prior file and names a broken one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'augprior-prior-'));
    expect(readTeacherPrior(dir)).toBeUndefined();
    writeTeacherPrior(dir, { format: 'augprior-teacher-prior/1', samples: 4, prior: [0.25, 0.75] });
    expect(readTeacherPrior(dir)).toEqual({ format: 'augprior-teacher-prior/1', samples: 4, prior: [0.25, 0.75] });
    writeFileSync(join(dir, TEACHER_PRIOR_FILE), '{"prior": [-1]}');
    expect(() => readTeacherPrior(dir)).toThrow(/teacher-prior\.json is not an augprior-teacher-prior\/1 file/);
  });
});
