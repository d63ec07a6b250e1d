import { tf, type Tensor } from '../tf.js';
import type { FeaturePlan, Teacher } from './types.js';

/**
 * Runs a teacher, synchronous (inside tidy) or asynchronous. Call it outside any tidy scope: an
 * asynchronous teacher's tensors cannot belong to a scope that ends before it resolves. The
 * returned tensor is the caller's.
 */
export async function teacherLogits(teacher: Teacher, x: Tensor, plan?: FeaturePlan): Promise<Tensor> {
  if (teacher.logitsAsync) return teacher.logitsAsync(x, plan);
  return tf.tidy(() => teacher.logits(x, plan));
}
