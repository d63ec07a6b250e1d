/**
 * Knowledge-distillation loss of Hinton et al. 2015 as the single-image paper uses it:
 * KL(softmax(t/T) || softmax(s/T)), averaged over the batch ("batchmean"), T = 8, and no T^2
 * factor (Asano & Saeed's CIFAR code; Hinton's T^2 scaling is available as an option).
 */
import { tf, type Tensor } from '../tf.js';

export interface KlDistillationOptions {
  temperature: number;
  scaleByTemperatureSquared: boolean;
  /**
   * Weight each sample by (how many samples of the batch share its teacher argmax)^-power, weights
   * normalised to mean 1: 0 = plain batch mean; 1 = every class the teacher predicts in the batch
   * counts equally. For sources a teacher files mostly under one class (speech crops to a keyword
   * spotter: `_unknown_`), where the plain mean lets the student answer that class for everything.
   * An extension of the paper; the weights use the teacher's outputs only, never a label.
   */
  classBalancePower?: number;
}

/** [n] weights, mean 1, from the teacher's argmax counts within the batch. */
function classBalanceWeights(teacherLogits: Tensor, power: number): Tensor {
  const classes = teacherLogits.shape[teacherLogits.shape.length - 1]!;
  const oneHot = tf.oneHot(tf.argMax(teacherLogits, -1), classes).toFloat();
  const perSampleCount = tf.sum(tf.mul(oneHot, tf.sum(oneHot, 0, true)), -1);
  const weights = tf.pow(perSampleCount, -power);
  return tf.div(weights, tf.mean(weights));
}

/** [batch, classes] logits -> scalar. The teacher side carries no gradient by construction. */
export function klDistillation(studentLogits: Tensor, teacherLogits: Tensor, options: KlDistillationOptions): tf.Scalar {
  return tf.tidy(() => {
    const t = options.temperature;
    const teacherLog = tf.logSoftmax(tf.div(teacherLogits, t));
    const studentLog = tf.logSoftmax(tf.div(studentLogits, t));
    const perSample = tf.sum(tf.mul(tf.exp(teacherLog), tf.sub(teacherLog, studentLog)), -1);
    const kl = ((options.classBalancePower ?? 0) > 0 ? tf.mean(tf.mul(perSample, classBalanceWeights(teacherLogits, options.classBalancePower!))) : tf.mean(perSample)) as tf.Scalar;
    return options.scaleByTemperatureSquared ? (tf.mul(kl, t * t) as tf.Scalar) : kl;
  });
}
