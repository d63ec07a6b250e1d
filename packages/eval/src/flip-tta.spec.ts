import { tf } from '@augprior/core';
import { describe, expect, it } from 'vitest';
import { flipAveraged } from './flip-tta.js';

describe('flipAveraged', () => {
  it('is the log of the mean softmax of the image and its mirror, and holds no tensors', () => {
    // Logits = the first and last column's mean: not flip-invariant, so the two views differ.
    const predict = (x: tf.Tensor) => tf.tidy(() => {
      const w = x.shape[2]!;
      const first = tf.mean(tf.slice(x, [0, 0, 0, 0], [-1, -1, 1, -1]), [1, 2, 3]);
      const last = tf.mean(tf.slice(x, [0, 0, w - 1, 0], [-1, -1, 1, -1]), [1, 2, 3]);
      return tf.stack([first, last], 1);
    });
    const x = tf.tensor4d([0, 1, 2, 3, 4, 5, 6, 7], [2, 1, 4, 1]);
    const before = tf.memory().numTensors;
    const out = flipAveraged(predict)(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    const softmax = (a: number, b: number) => [Math.exp(a) / (Math.exp(a) + Math.exp(b)), Math.exp(b) / (Math.exp(a) + Math.exp(b))];
    const values = out.dataSync();
    for (const [i, [a, b]] of [[0, [0, 3]], [1, [4, 7]]] as const) {
      const plain = softmax(a, b);
      const mirrored = softmax(b, a);
      expect(values[i * 2]).toBeCloseTo(Math.log((plain[0]! + mirrored[0]!) / 2), 5);
      expect(values[i * 2 + 1]).toBeCloseTo(Math.log((plain[1]! + mirrored[1]!) / 2), 5);
    }
    // A flip-invariant model's answer is unchanged (up to log-softmax normalisation).
    const invariant = (t: tf.Tensor) => tf.tidy(() => tf.stack([tf.mean(t, [1, 2, 3]), tf.neg(tf.mean(t, [1, 2, 3]))], 1));
    const a = flipAveraged(invariant)(x);
    const b = tf.tidy(() => tf.logSoftmax(invariant(x)));
    expect(Array.from(a.dataSync()).map((v, i) => v - b.dataSync()[i]!).every((d) => Math.abs(d) < 1e-5)).toBe(true);
    tf.dispose([x, out, a, b]);
  });
});
