import { z } from 'zod';
import type { tf, Tensor } from '../tf.js';
import { Registry } from '../registry.js';
import { crossEntropy } from './cross-entropy.js';
import { klDistillation } from './distillation.js';

export { klDistillation } from './distillation.js';
export { crossEntropy } from './cross-entropy.js';

export interface LossInputs {
  studentLogits: Tensor;
  teacherLogits?: Tensor;
  labels?: Tensor;
}

export type LossFn = (inputs: LossInputs) => tf.Scalar;

export interface LossEntry<S extends z.ZodType = z.ZodType> {
  /** What a batch must carry for this loss: teacher logits (distillation) or labels (supervised). */
  needs: 'teacher' | 'labels';
  /** Parsed once by parseComponent; `create` receives the parsed arguments. */
  args: S;
  create(args: z.output<S>): LossFn;
}

const defineLoss = <S extends z.ZodType>(entry: LossEntry<S>): LossEntry<S> => entry;

const klArgs = z.strictObject({
  temperature: z.number().positive().default(8),
  scaleByTemperatureSquared: z.boolean().default(false),
  /** 0 = batch mean (the paper); up to 1 = per-sample weights evening out the teacher's predicted classes. */
  classBalancePower: z.number().min(0).max(1).default(0),
});

const ceArgs = z.strictObject({
  labelSmoothing: z.number().min(0).max(1).default(0),
});

const BUILTIN_LOSSES: Array<[string, LossEntry]> = [
  [
    'kl_divergence',
    defineLoss({
      needs: 'teacher',
      args: klArgs,
      create(options) {
        return ({ studentLogits, teacherLogits }) => {
          if (!teacherLogits) throw new Error('kl_divergence needs teacher logits');
          return klDistillation(studentLogits, teacherLogits, options);
        };
      },
    }),
  ],
  [
    'cross_entropy',
    defineLoss({
      needs: 'labels',
      args: ceArgs,
      create(options) {
        return ({ studentLogits, labels }) => {
          if (!labels) throw new Error('cross_entropy needs labels');
          return crossEntropy(studentLogits, labels, options);
        };
      },
    }),
  ],
];

export const losses = Registry.from('loss', BUILTIN_LOSSES);
