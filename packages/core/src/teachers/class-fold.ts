/**
 * A teacher whose classes are folded into coarser ones: a folded logit is the log-sum-exp of the
 * teacher logits its group gathers, so the folded softmax is exactly the teacher's probability summed
 * over each group (classes in no group drop out: the rest is conditioned on them, as class_subset does).
 *
 * This is how a protocol with a catch-all class is answered by a teacher that names what falls into
 * it: the 30-word MatchboxNet's 20 non-keyword words fold into Speech Commands' `_unknown_`, whereas
 * the MLPerf DS-CNN, trained with `_unknown_` as one class, calls almost everything that.
 */
import { z } from 'zod';
import { AugpriorError } from '../errors.js';
import { tf, type Tensor } from '../tf.js';
import { mapPredictor, type Teacher } from './predictor.js';

export const ClassFoldArgs = z.strictObject({
  /** The full teacher: any registered teacher kind with its arguments. */
  teacher: z.looseObject({ kind: z.string().min(1) }),
  /**
   * One list of the teacher's output indices per folded class, in the order the student and the
   * eval set use. An empty list is a class the teacher never answers itself (probability ~1e-30),
   * left for a wrapper to supply (e.g. audio's silence_gate gives `_silence_` by a level rule).
   */
  groups: z.array(z.array(z.number().int().min(0))).min(2),
  /** Names of the folded classes (default: a singleton keeps its teacher name, a group joins them with '+'). */
  names: z.array(z.string().min(1)).optional(),
});
export type ClassFold = Pick<z.infer<typeof ClassFoldArgs>, 'groups' | 'names'>;

/** Probabilities below this fold to log(1e-30) rather than -Infinity (a group whose logits all underflow). */
const FLOOR = 1e-30;

/** The [teacherClasses, groups] 0/1 matrix; throws, naming the index, on classes the teacher lacks or a class in two groups. */
function foldMatrix(groups: readonly (readonly number[])[], teacherClasses: number, what: string): Float32Array {
  const matrix = new Float32Array(teacherClasses * groups.length);
  const owner = new Map<number, number>();
  groups.forEach((group, g) => {
    for (const c of group) {
      if (c >= teacherClasses) throw new AugpriorError('teacher.class-fold', `class_fold group ${g} lists class ${c}, but ${what} has only ${teacherClasses} outputs (0-${teacherClasses - 1})`, "list indices of the teacher's own outputs");
      const earlier = owner.get(c);
      if (earlier !== undefined) throw new AugpriorError('teacher.class-fold', `class_fold puts class ${c} in groups ${earlier} and ${g}`, 'each teacher class belongs to at most one folded class');
      owner.set(c, g);
      matrix[c * groups.length + g] = 1;
    }
  });
  return matrix;
}

/** Folds logits [B, K] into [B, G] with a [K, G] 0/1 matrix: log sum_{k in g} exp(l_k), computed stably. */
export function foldLogits(logits: Tensor, matrix: Tensor): Tensor {
  return tf.tidy(() => {
    const peak = tf.max(logits, 1, true);
    const summed = tf.matMul(tf.exp(tf.sub(logits, peak)), matrix);
    return tf.add(tf.log(tf.maximum(summed, FLOOR)), peak);
  });
}

/** A fold of logits [B, K] into [B, G], holding its matrix; `names` where given or derivable. */
export interface LogitFold {
  readonly classes: number;
  readonly names?: readonly string[];
  /** Folded logits; the input stays the caller's. */
  apply(logits: Tensor): Tensor;
  dispose(): void;
}

export function logitFold(fold: ClassFold, inputClasses: number, what: string, inputNames?: readonly string[]): LogitFold {
  const { groups, names } = fold;
  if (names && names.length !== groups.length) {
    throw new AugpriorError('teacher.class-fold', `class_fold names ${names.length} classes for ${groups.length} groups`, 'give one name per group, or leave names out');
  }
  const matrix = tf.keep(tf.tensor2d(foldMatrix(groups, inputClasses, what), [inputClasses, groups.length]));
  const folded = names ?? (inputNames ? groups.map((g) => g.map((c) => inputNames[c]!).join('+')) : undefined);
  return {
    classes: groups.length,
    ...(folded ? { names: folded } : {}),
    apply: (logits) => foldLogits(logits, matrix),
    dispose: () => matrix.dispose(),
  };
}

export function classFoldTeacher(inner: Teacher, fold: ClassFold): Teacher {
  const folding = logitFold(fold, inner.numClasses, inner.description, inner.classNames);
  return {
    ...mapPredictor(inner, folding.classes, { after: (logits: Tensor) => folding.apply(logits) }),
    description: `${inner.description}, folded to ${folding.classes} classes`,
    ...(folding.names ? { classNames: folding.names } : {}),
    ...(inner.featureMap ? { featureMap: (x: Tensor) => inner.featureMap!(x) } : {}),
    dispose: () => {
      folding.dispose();
      inner.dispose();
    },
  };
}
