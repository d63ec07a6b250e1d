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

export interface LossEntry {
  /** What a batch must carry for this loss: teacher logits (distillation) or labels (supervised). */
  needs: 'teacher' | 'labels';
  args: z.ZodType<Record<string, unknown>>;
  create(args: Record<string, unknown>): LossFn;
}

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
    {
      needs: 'teacher',
      args: klArgs,
      create(args) {
        const options = klArgs.parse(args);
        return ({ studentLogits, teacherLogits }) => {
          if (!teacherLogits) throw new Error('kl_divergence needs teacher logits');
          return klDistillation(studentLogits, teacherLogits, options);
        };
      },
    },
  ],
  [
    'cross_entropy',
    {
      needs: 'labels',
      args: ceArgs,
      create(args) {
        const options = ceArgs.parse(args);
        return ({ studentLogits, labels }) => {
          if (!labels) throw new Error('cross_entropy needs labels');
          return crossEntropy(studentLogits, labels, options);
        };
      },
    },
  ],
];

export const losses = Registry.from('loss', BUILTIN_LOSSES);
