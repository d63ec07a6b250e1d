/**
 * A teacher restricted to some of its classes: its logits for those classes only, in the order given.
 * Softmax over the kept logits is the teacher's distribution conditioned on "one of these classes",
 * which removes a catch-all class (a keyword spotter's `_unknown_`) that would otherwise take almost
 * every out-of-domain input and leave the student nothing but that prior to learn.
 */
import { z } from 'zod';
import { AugpriorError } from '../errors.js';
import { tf, type Tensor } from '../tf.js';
import { mapPredictor, type Teacher } from './predictor.js';

export const ClassSubsetArgs = z.strictObject({
  /** The full teacher: any registered teacher kind with its arguments. */
  teacher: z.looseObject({ kind: z.string().min(1) }),
  /** Indices into the teacher's outputs to keep, in the order the student and the eval set use. */
  classes: z.array(z.number().int().min(0)).min(2),
});

export function classSubsetTeacher(inner: Teacher, classes: readonly number[]): Teacher {
  const outOfRange = classes.filter((c) => c >= inner.numClasses);
  if (outOfRange.length > 0) {
    throw new AugpriorError('teacher.class-subset', `class_subset keeps classes ${outOfRange.join(', ')}, but ${inner.description} has only ${inner.numClasses} outputs (0-${inner.numClasses - 1})`, 'list indices of the teacher\'s own outputs');
  }
  if (new Set(classes).size !== classes.length) {
    throw new AugpriorError('teacher.class-subset', `class_subset lists a class twice (${classes.join(', ')})`, 'list each kept class once');
  }
  const keep = tf.keep(tf.tensor1d(Array.from(classes), 'int32'));
  return {
    ...mapPredictor(inner, classes.length, { after: (logits: Tensor) => tf.gather(logits, keep, 1) }),
    description: `${inner.description}, classes ${classes.join(',')} of ${inner.numClasses}`,
    ...(inner.classNames ? { classNames: classes.map((c) => inner.classNames![c]!) } : {}),
    ...(inner.featureMap ? { featureMap: (x: Tensor) => inner.featureMap!(x) } : {}),
    dispose: () => {
      keep.dispose();
      inner.dispose();
    },
  };
}
