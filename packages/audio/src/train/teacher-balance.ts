/**
 * Teacher-balanced clip selection: a single recording of ordinary speech is, to a keyword
 * teacher, mostly `_unknown_` (the MLPerf DS-CNN says so for ~88% of LJ Speech crops), and a student
 * trained on that stream learns to answer `_unknown_` for everything. This keeps `keep` clips of a
 * larger generated pool so that the teacher's predicted classes are as even as the pool allows:
 * each class in turn gives its most confident remaining clip (round robin: core's
 * `balancedSubset`, over core's `scorePool`). Only the teacher's
 * outputs are used, never a label, so the setting stays data-free. An extension of the paper, off
 * by default.
 */
import { z } from 'zod';

export const TeacherBalanceSchema = z.strictObject({
  /** Clips generated before selection (the dataset's `count` clips are kept). */
  pool: z.number().int().positive(),
  /** The teacher to consult: any teacher section (usually the experiment's own). */
  teacher: z.looseObject({ kind: z.string().min(1) }),
  batchSize: z.number().int().positive().default(256),
});
export type TeacherBalance = z.infer<typeof TeacherBalanceSchema>;
