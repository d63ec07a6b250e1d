/**
 * A mixture of teachers: the answer is the weighted average of the members' probabilities,
 * log(sum_i w_i softmax(l_i)), as logits. This is the usual ensemble of knowledge distillation,
 * and it is how two keyword teachers with different failure modes are combined (the 30-word
 * MatchboxNet, which names the words that make up `_unknown_`, and the MLPerf DS-CNN, trained on
 * the protocol itself). Members must answer the same classes in the same order: fold them first
 * (class_fold) where they do not.
 */
import { z } from 'zod';
import { AugpriorError } from '../errors.js';
import { tf, type Tensor } from '../tf.js';
import type { FeaturePlan } from '../trainer/types.js';
import type { Teacher } from './predictor.js';

export const MixtureArgs = z.strictObject({
  /** The members: any registered teacher kinds with their arguments. */
  teachers: z.array(z.looseObject({ kind: z.string().min(1) })).min(2),
  /** One weight per member (normalised to sum 1); default equal. */
  weights: z.array(z.number().positive()).optional(),
});

/** log(sum_i w_i softmax(l_i)) of the members' logits, computed stably. */
export function mixLogits(logits: readonly Tensor[], weights: readonly number[]): Tensor {
  return tf.tidy(() => {
    const terms = logits.map((l, i) => tf.add(tf.logSoftmax(l), Math.log(weights[i]!)));
    return tf.logSumExp(tf.stack(terms), 0);
  });
}

export function mixtureTeacher(members: readonly Teacher[], weights?: readonly number[]): Teacher {
  const first = members[0]!;
  const describe = (m: Teacher, i: number) => `member ${i} (${m.description})`;
  members.forEach((m, i) => {
    if (m.numClasses !== first.numClasses) throw new AugpriorError('teacher.mixture', `mixture: ${describe(m, i)} answers ${m.numClasses} classes but ${describe(first, 0)} answers ${first.numClasses}`, 'fold the members to the same classes first (class_fold)');
    if (m.classNames && first.classNames && m.classNames.join('\n') !== first.classNames.join('\n')) {
      throw new AugpriorError('teacher.mixture', `mixture: ${describe(m, i)} names its classes ${m.classNames.join(', ')} but ${describe(first, 0)} names them ${first.classNames.join(', ')}`, 'give the members the same class order (class_fold with names)');
    }
  });
  if (weights && weights.length !== members.length) throw new AugpriorError('teacher.mixture', `mixture has ${members.length} teachers but ${weights.length} weights`, 'give one weight per teacher, or leave weights out');
  const raw = weights ?? members.map(() => 1);
  const total = raw.reduce((a, b) => a + b, 0);
  const w = raw.map((v) => v / total);
  const names = members.find((m) => m.classNames)?.classNames;
  const syncMembers = members.every((m) => m.predictSync);
  return {
    numClasses: first.numClasses,
    ...(names ? { classNames: names } : {}),
    description: `mixture of ${members.map((m, i) => `${w[i]!.toFixed(2)} x ${m.description}`).join(' and ')}`,
    async predict(x: Tensor, plan?: FeaturePlan) {
      const logits: Tensor[] = [];
      try {
        for (const m of members) logits.push(await m.predict(x, plan));
        return mixLogits(logits, w);
      } finally {
        for (const l of logits) l.dispose();
      }
    },
    ...(syncMembers ? { predictSync: (x: Tensor, plan?: FeaturePlan) => tf.tidy(() => mixLogits(members.map((m) => m.predictSync!(x, plan)), w)) } : {}),
    dispose() {
      for (const m of members) m.dispose();
    },
  };
}
