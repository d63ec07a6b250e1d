/**
 * Knowledge-distillation loss of Hinton et al. 2015 as the single-image paper uses it:
 * KL(softmax(t/T) || softmax(s/T)), averaged over the batch ("batchmean"), T = 8, and no T^2
 * factor (Asano & Saeed's CIFAR code; Hinton's T^2 scaling is available as an option).
 */
import { tf, type Tensor } from '../tf.js';

export interface KlDistillationOptions {
  temperature: number;
  scaleByTemperatureSquared: boolean;
}

/** [batch, classes] logits -> scalar. The teacher side carries no gradient by construction. */
export function klDistillation(studentLogits: Tensor, teacherLogits: Tensor, options: KlDistillationOptions): tf.Scalar {
  return tf.tidy(() => {
    const t = options.temperature;
    const teacherLog = tf.logSoftmax(tf.div(teacherLogits, t));
    const studentLog = tf.logSoftmax(tf.div(studentLogits, t));
    const perSample = tf.sum(tf.mul(tf.exp(teacherLog), tf.sub(teacherLog, studentLog)), -1);
    const kl = tf.mean(perSample) as tf.Scalar;
    return options.scaleByTemperatureSquared ? (tf.mul(kl, t * t) as tf.Scalar) : kl;
  });
}
