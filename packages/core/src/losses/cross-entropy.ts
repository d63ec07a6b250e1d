/** Softmax cross-entropy against integer labels, for supervised teacher training. */
import { tf, type Tensor } from '../tf.js';

export interface CrossEntropyOptions {
  /** Szegedy et al. 2016 label smoothing: targets become (1-e) one-hot + e/classes. */
  labelSmoothing: number;
}

export function crossEntropy(logits: Tensor, labels: Tensor, options: CrossEntropyOptions): tf.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[logits.shape.length - 1]!;
    let targets = tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, classes);
    if (options.labelSmoothing > 0) targets = tf.add(tf.mul(targets, 1 - options.labelSmoothing), options.labelSmoothing / classes);
    return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), -1))) as tf.Scalar;
  });
}
