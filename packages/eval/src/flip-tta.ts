/**
 * Horizontal-flip test-time augmentation: the log of the mean softmax over the input and its
 * mirror image. Reported beside the plain evaluation, never as the headline (the paper's figures
 * are single-view). The width axis is the second-to-last of NHWC images and NFHWC clips alike.
 */
import { tf, type Tensor } from '@augprior/core';
import type { Predict } from './evaluate.js';

export function flipAveraged(predict: Predict): Predict {
  return (x: Tensor) =>
    tf.tidy(() => {
      const widthAxis = x.rank - 2;
      const plain = tf.softmax(predict(x));
      const mirrored = tf.softmax(predict(tf.reverse(x, widthAxis)));
      return tf.log(tf.div(tf.add(plain, mirrored), 2));
    });
}
