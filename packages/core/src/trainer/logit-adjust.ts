/**
 * Post-hoc logit adjustment (Menon et al. 2021, "Long-tail learning via logit adjustment"). A
 * student distilled on a stream whose teacher classes are skewed (to a keyword teacher, a reading
 * is mostly `_unknown_`) inherits the skew as a class prior. Subtracting tau * log(prior) from its
 * logits aims it at a uniform prior, which is what class-balanced accuracy scores. The prior
 * is the teacher's mean softmax over the first training batches, so it uses no label and no
 * evaluation sample. It is written once into the run folder (`teacher-prior.json`), so a resumed
 * run and `augprior eval` apply the same offsets.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AugpriorError } from '../errors.js';
import { tf, type Tensor } from '../tf.js';
import type { Predictor } from '../teachers/predictor.js';
import { writeFileAtomic } from './atomic-write.js';
import type { Batch } from './types.js';

export const LogitAdjustSchema = z.strictObject({
  /** 1 is the theory's value for the balanced error; 0 turns the adjustment off. */
  tau: z.number().min(0).max(4).default(1),
  /** Training batches the teacher's prior is averaged over. */
  batches: z.number().int().positive().default(32),
  /**
   * 'classes': offsets from the prior of the student's own outputs, added before any fold.
   * 'groups': offsets from the prior summed over each `student.fold` group, added after the fold.
   * A catch-all folded from many fine classes (23 words into `_unknown_`) is skewed as a group even
   * when every fine class is rare, and only the group's offset sees that.
   */
  at: z.enum(['classes', 'groups']).default('classes'),
});
export type LogitAdjust = z.infer<typeof LogitAdjustSchema>;

export const TEACHER_PRIOR_FILE = 'teacher-prior.json';
const PRIOR_FORMAT = 'augprior-teacher-prior/1';

export interface TeacherPrior {
  format: typeof PRIOR_FORMAT;
  samples: number;
  /** The teacher's mean softmax per class over `samples` training inputs. */
  prior: number[];
}

/** The teacher's mean softmax over `count` batches of the stream; the batches are freed here. */
export async function teacherPrior(teacher: Predictor, batches: AsyncIterator<Batch>, count: number): Promise<TeacherPrior> {
  const sum = new Float64Array(teacher.numClasses);
  let samples = 0;
  for (let b = 0; b < count; b++) {
    const next = await batches.next();
    if (next.done) break;
    const { x, y, plan } = next.value;
    try {
      const logits = await teacher.predict(x, plan);
      const p = tf.tidy(() => tf.softmax(logits));
      try {
        const values = (await p.data()) as Float32Array;
        for (let i = 0; i < values.length; i++) sum[i % teacher.numClasses]! += values[i]!;
        samples += values.length / teacher.numClasses;
      } finally {
        tf.dispose([logits, p]);
      }
    } finally {
      tf.dispose([x, ...(y ? [y] : [])]);
    }
  }
  // The stream is endless: close it here rather than leave a suspended generator behind.
  await batches.return?.(undefined);
  if (samples === 0) throw new AugpriorError('train.logit-adjust', 'student.logitAdjust: the training stream gave no batch to estimate the teacher prior from');
  return { format: PRIOR_FORMAT, samples, prior: Array.from(sum, (v) => v / samples) };
}

export function readTeacherPrior(runDir: string): TeacherPrior | undefined {
  const file = join(runDir, TEACHER_PRIOR_FILE);
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<TeacherPrior>;
  if (saved.format !== PRIOR_FORMAT || !Array.isArray(saved.prior) || !saved.prior.every((v) => typeof v === 'number' && v >= 0)) {
    throw new AugpriorError('run.bad-prior', `${file} is not an ${PRIOR_FORMAT} file`, 'delete it: a resumed run estimates the prior again from the same batches');
  }
  return saved as TeacherPrior;
}

export function writeTeacherPrior(runDir: string, prior: TeacherPrior): void {
  writeFileAtomic(join(runDir, TEACHER_PRIOR_FILE), `${JSON.stringify(prior)}\n`);
}

/** How a student's logits are adjusted: before its fold (per class) or after it (per folded group). */
export interface StudentAdjustment {
  stage: 'before-fold' | 'after-fold';
  apply(logits: Tensor): Tensor;
  offsets: Float32Array;
  dispose(): void;
}

/** The adjustment `settings.at` asks for, from the teacher prior over the student's `numClasses` outputs. */
export function studentAdjustment(settings: { tau: number; at: 'classes' | 'groups' }, prior: readonly number[], numClasses: number, fold: { groups: readonly (readonly number[])[] } | undefined, what: string): StudentAdjustment {
  if (settings.at === 'classes') return { stage: 'before-fold', ...logitAdjustment(prior, settings.tau, numClasses, what) };
  if (!fold) throw new AugpriorError('train.logit-adjust', `${what}: student.logitAdjust.at "groups" adjusts the folded answer, and the student has no student.fold`, 'set student.fold, or use at "classes"');
  if (prior.length !== numClasses) throw new AugpriorError('train.logit-adjust', `${what}: the teacher prior has ${prior.length} classes but the model predicts ${numClasses}`, 'student.logitAdjust needs a student with the teacher\'s outputs');
  const grouped = fold.groups.map((group) => group.reduce((sum, c) => sum + (prior[c] ?? 0), 0));
  return { stage: 'after-fold', ...logitAdjustment(grouped, settings.tau, grouped.length, what) };
}

/**
 * The student's answer from its raw logits: the adjustment at its stage around the optional fold
 * (one chain, shared by the run's evaluations and by evaluating a saved run). The result is a new
 * tensor, or `raw` itself when there is nothing to apply; `raw` stays the caller's.
 */
export function studentAnswer(raw: Tensor, fold: { apply(logits: Tensor): Tensor } | undefined, adjustment: StudentAdjustment | undefined): Tensor {
  return tf.tidy(() => {
    const logits = adjustment?.stage === 'before-fold' ? adjustment.apply(raw) : raw;
    const folded = fold ? fold.apply(logits) : logits;
    return adjustment?.stage === 'after-fold' ? adjustment.apply(folded) : folded;
  });
}

/**
 * The offsets -tau * log(prior), added to a model's logits before any fold. A class the teacher
 * never chose gets the offset of a 1e-8 prior (large, finite).
 */
export function logitAdjustment(prior: readonly number[], tau: number, numClasses: number, what: string): { apply(logits: Tensor): Tensor; offsets: Float32Array; dispose(): void } {
  if (prior.length !== numClasses) throw new AugpriorError('train.logit-adjust', `${what}: the teacher prior has ${prior.length} classes but the model predicts ${numClasses}`, 'student.logitAdjust needs a student with the teacher\'s outputs');
  const offsets = Float32Array.from(prior, (p) => -tau * Math.log(Math.max(p, 1e-8)));
  const tensor = tf.tensor1d(offsets);
  return {
    offsets,
    apply: (logits) => tf.add(logits, tensor),
    dispose: () => tensor.dispose(),
  };
}
