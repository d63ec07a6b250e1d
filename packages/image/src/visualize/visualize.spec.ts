import { describe, expect, it } from 'vitest';
import { Rng, selectEngine, tf } from '@augprior/core';
import { visualizeChannels, visualizeClasses } from './activation-max.js';
import { FourierImage, inverseRfft2dBases, rfft2dFrequencies } from './fourier-image.js';
import { resizeImage, rotateImage, scaleImage, standardTransforms } from './robust-transforms.js';

/** Direct orthonormal inverse real 2D DFT of a spectrum given on rows [s] x columns [s/2+1]. */
function directIrfft2d(re: number[][], im: number[][], size: number): number[][] {
  const out = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let sum = 0;
      // Expand to the full Hermitian spectrum: F[u][v] for v > s/2 is conj(F[-u][-v]).
      for (let u = 0; u < size; u++) {
        for (let v = 0; v < size; v++) {
          const half = v <= size / 2;
          const uu = half ? u : (size - u) % size;
          const vv = half ? v : size - v;
          const r = re[uu]![vv]!;
          const i = half ? im[uu]![vv]! : -im[uu]![vv]!;
          const phase = (2 * Math.PI * (u * y + v * x)) / size;
          sum += r * Math.cos(phase) - i * Math.sin(phase);
        }
      }
      out[y]![x] = sum / size;
    }
  }
  return out;
}

describe.each(['cpu', 'auto'] as const)('feature visualisation on the %s engine', (engine) => {
  it('inverts a real 2D FFT with matrix products exactly as the direct sum', async () => {
    await selectEngine({ backend: engine });
    for (const size of [6, 7]) {
      const columns = Math.floor(size / 2) + 1;
      const rng = Rng.derive(size);
      // A spectrum of a real image: DC and Nyquist columns of real signals are Hermitian in u.
      const image = Array.from({ length: size }, () => Array.from({ length: size }, () => rng.normal()));
      const re = Array.from({ length: size }, (_, u) => Array.from({ length: columns }, (_, v) => image.reduce((s, row, y) => s + row.reduce((t, p, x) => t + p * Math.cos((-2 * Math.PI * (u * y + v * x)) / size), 0), 0) / size));
      const im = Array.from({ length: size }, (_, u) => Array.from({ length: columns }, (_, v) => image.reduce((s, row, y) => s + row.reduce((t, p, x) => t + p * Math.sin((-2 * Math.PI * (u * y + v * x)) / size), 0), 0) / size));
      const { cu, su, cv, sv } = inverseRfft2dBases(size);
      const out = tf.tidy(() => {
        const R = tf.tensor2d(re.flat(), [size, columns]);
        const I = tf.tensor2d(im.flat(), [size, columns]);
        return tf.sub(tf.matMul(tf.sub(tf.matMul(cu, R), tf.matMul(su, I)), cv), tf.matMul(tf.add(tf.matMul(su, R), tf.matMul(cu, I)), sv)).arraySync() as number[][];
      });
      tf.dispose([cu, su, cv, sv]);
      const direct = directIrfft2d(re, im, size);
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
        expect(out[y]![x]).toBeCloseTo(direct[y]![x]!, 4);
        expect(out[y]![x]).toBeCloseTo(image[y]![x]!, 4); // forward then inverse is the identity
      }
    }
    expect(rfft2dFrequencies(4)[1 * 3 + 2]).toBeCloseTo(Math.hypot(0.25, 0.5), 6);
  });

  it('transforms keep shape, rotate and scale about the centre, and 0 degrees / factor 1 change nothing', async () => {
    await selectEngine({ backend: engine });
    const before = tf.memory().numTensors;
    const dot = new Float32Array(11 * 11);
    dot[5 * 11 + 8] = 1; // right of centre
    tf.tidy(() => {
      const x = tf.tensor4d(dot, [1, 11, 11, 1]);
      expect(Array.from(scaleImage(x, 1).dataSync())).toEqual(Array.from(dot));
      expect(rotateImage(x, 0)).toBe(x);
      // 90 degrees: (row 5, col 8) moves a quarter turn about (5, 5), to row 2 or 8, column 5.
      const turned = rotateImage(x, 90).dataSync();
      let best = 0;
      for (let i = 1; i < turned.length; i++) if (turned[i]! > turned[best]!) best = i;
      expect(best % 11).toBe(5);
      expect([2, 8]).toContain(Math.floor(best / 11));
      // Scaling by 2 doubles a dot's distance from the centre: column 6 (one right of 5) goes to 7.
      const near = new Float32Array(11 * 11);
      near[5 * 11 + 6] = 1;
      const scaled = scaleImage(tf.tensor4d(near, [1, 11, 11, 1]), 2).dataSync();
      expect(scaled[5 * 11 + 7]).toBeCloseTo(1, 6);
      expect(scaled[5 * 11 + 6]).toBeCloseTo(0.5, 6);
      expect(resizeImage(x, 22, 22).shape).toEqual([1, 22, 22, 1]);
      const t = standardTransforms(tf.ones([2, 32, 32, 3]), Rng.derive(1));
      expect(t.shape).toEqual([2, 32 + 24 - 8 - 4, 32 + 24 - 8 - 4, 3]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('activation maximisation raises the target logit and frees every tensor', async () => {
    await selectEngine({ backend: engine });
    const before = tf.memory().numTensors;
    // A toy model: class 0 likes red, class 1 likes blue (means over the image).
    const logitsOf = (x: tf.Tensor) => {
      const mean = tf.mean(x, [1, 2]);
      const [r, , b] = tf.split(mean, 3, 1);
      return tf.concat([tf.sub(r!, b!), tf.sub(b!, r!)], 1);
    };
    const result = await visualizeClasses(logitsOf, [0, 1], { size: 24, inputSize: 24, steps: 60, lr: 0.2, seed: 0 });
    expect(result.images.map((i) => i.length)).toEqual([24 * 24 * 3, 24 * 24 * 3]);
    const channelMean = (img: Uint8Array, c: number) => img.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0) / (img.length / 3);
    expect(channelMean(result.images[0]!, 0)).toBeGreaterThan(channelMean(result.images[0]!, 2) + 20);
    expect(channelMean(result.images[1]!, 2)).toBeGreaterThan(channelMean(result.images[1]!, 0) + 20);
    expect(result.finalLogits.every((l) => l > 0.1)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    // A channel objective: channel 1 of a toy feature map is the green channel, channel 0 red.
    const channels = await visualizeChannels((x) => x, [1, 0], { size: 16, inputSize: 16, steps: 40, lr: 0.2, seed: 1 });
    expect(channelMean(channels.images[0]!, 1)).toBeGreaterThan(channelMean(channels.images[1]!, 1));
    expect(channelMean(channels.images[1]!, 0)).toBeGreaterThan(channelMean(channels.images[0]!, 0));
    expect(tf.memory().numTensors).toBe(before);
    const param = new FourierImage({ size: 8, batch: 1, seed: 3 });
    const again = new FourierImage({ size: 8, batch: 1, seed: 3 });
    expect(tf.tidy(() => Array.from(param.rgb().dataSync()))).toEqual(tf.tidy(() => Array.from(again.rgb().dataSync())));
    param.dispose();
    again.dispose();
  });
});
