/**
 * Teacher-balanced clip selection: a single recording of ordinary speech is, to a keyword
 * teacher, mostly `_unknown_` (the MLPerf DS-CNN says so for ~88% of LJ Speech crops), and a student
 * trained on that stream learns to answer `_unknown_` for everything. This keeps `keep` clips of a
 * larger generated pool so that the teacher's predicted classes are as even as the pool allows:
 * each class in turn gives its most confident remaining clip (round robin). Only the teacher's
 * outputs are used, never a label, so the setting stays data-free. An extension of the paper, off
 * by default.
 */
import { z } from 'zod';
import { tf, type ProgressReporter, type Teacher } from '@augprior/core';

export const TeacherBalanceSchema = z.strictObject({
  /** Clips generated before selection (the dataset's `count` clips are kept). */
  pool: z.number().int().positive(),
  /** The teacher to consult: any teacher section (usually the experiment's own). */
  teacher: z.looseObject({ kind: z.string().min(1) }),
  batchSize: z.number().int().positive().default(256),
});
export type TeacherBalance = z.infer<typeof TeacherBalanceSchema>;

/** Teacher argmax and its probability for every clip of `samples` [count, L] (int16). */
export async function teacherVotes(teacher: Teacher, samples: Int16Array, clipLength: number, batchSize: number, progress?: ProgressReporter): Promise<{ label: Int32Array; confidence: Float32Array }> {
  const count = samples.length / clipLength;
  const started = performance.now();
  const label = new Int32Array(count);
  const confidence = new Float32Array(count);
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const x = tf.tensor4d(Float32Array.from(samples.subarray(start * clipLength, (start + n) * clipLength), (v) => v / 32768), [n, 1, clipLength, 1]);
    const logits = await teacher.predict(x);
    const probabilities = tf.tidy(() => tf.softmax(logits));
    const p = probabilities.dataSync();
    const classes = p.length / n;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (p[i * classes + c]! > p[i * classes + best]!) best = c;
      label[start + i] = best;
      confidence[start + i] = p[i * classes + best]!;
    }
    tf.dispose([x, logits, probabilities]);
    const done = start + n;
    progress?.update({ fraction: done / count, rate: done / ((performance.now() - started) / 1000), status: `${done}/${count} clips` });
  }
  return { label, confidence };
}

/** Indices of `keep` clips, classes taking turns, most confident first within a class. */
export function balancedSelection(label: Int32Array, confidence: Float32Array, keep: number): Int32Array {
  const byClass = new Map<number, number[]>();
  label.forEach((c, i) => {
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  });
  const queues = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, ids]) => ids.sort((a, b) => confidence[b]! - confidence[a]! || a - b));
  const chosen: number[] = [];
  for (let round = 0; chosen.length < Math.min(keep, label.length); round++) {
    for (const queue of queues) if (round < queue.length && chosen.length < keep) chosen.push(queue[round]!);
  }
  return Int32Array.from(chosen.sort((a, b) => a - b));
}
