/**
 * Lucent's standard transformation robustness (lucent/optvis/transform.py standard_transforms):
 * pad 12 with grey, jitter 8, random scale in 0.9..1.1, random rotation in -10..10 degrees, jitter
 * 4. Every step is written with matrix products and slices, so gradients reach the image on
 * every engine (the torch engine has no resize or gather gradients): scaling is a separable
 * bilinear resampling (rows, then columns), rotation the three-shear decomposition (Paeth),
 * each shear a batched product of per-row shift matrices.
 */
import { tf, type Rng, type Tensor } from '@augprior/core';

/** [out, in] bilinear weights: out pixel i samples in at (i - centerOut) / factor + centerIn + shift. */
function resampleMatrix(size: number, outSize: number, factor: number, shifts: (i: number) => number): Float32Array {
  const m = new Float32Array(outSize * size);
  const centerIn = (size - 1) / 2;
  const centerOut = (outSize - 1) / 2;
  for (let i = 0; i < outSize; i++) {
    const at = (i - centerOut) / factor + centerIn + shifts(i);
    const low = Math.floor(at);
    const frac = at - low;
    if (low >= 0 && low < size) m[i * size + low] = 1 - frac;
    if (low + 1 >= 0 && low + 1 < size) m[i * size + low + 1] = m[i * size + low + 1]! + frac;
  }
  return m;
}

/** Separable resampling of [n, h, w, c] to [n, outH, outW, c]: content scaled by `factor` (default: out/in) about the centre. */
function resample(x: Tensor, outH: number, outW: number, factor?: number): Tensor {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const rows = tf.tensor2d(resampleMatrix(h, outH, factor ?? outH / h, () => 0), [outH, h]);
  const cols = tf.tensor2d(resampleMatrix(w, outW, factor ?? outW / w, () => 0), [outW, w]);
  // rows: [outH, h] x [n, h, w*c]; columns: the same after moving w forward.
  const byRows = tf.matMul(tf.broadcastTo(rows, [n, outH, h]), tf.reshape(x, [n, h, w * c]));
  const moved = tf.reshape(tf.transpose(tf.reshape(byRows, [n, outH, w, c]), [0, 2, 1, 3]), [n, w, outH * c]);
  const byCols = tf.matMul(tf.broadcastTo(cols, [n, outW, w]), moved);
  return tf.transpose(tf.reshape(byCols, [n, outW, outH, c]), [0, 2, 1, 3]);
}

/** Scales [n, h, w, c] by `factor` about the centre, keeping the size (pixels from outside are 0). */
export function scaleImage(x: Tensor, factor: number): Tensor {
  return resample(x, x.shape[1]!, x.shape[2]!, factor);
}

/** Bilinear resize to [outH, outW] (no antialiasing, like F.interpolate in Lucent). */
export function resizeImage(x: Tensor, outH: number, outW: number): Tensor {
  return x.shape[1] === outH && x.shape[2] === outW ? x : resample(x, outH, outW);
}

/** out[y, x] = in[y, x + a (y - cy)]: each row shifted by its own amount (bilinear). */
function shearRows(x: Tensor, a: number): Tensor {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const cy = (h - 1) / 2;
  const matrices = new Float32Array(h * w * w);
  for (let y = 0; y < h; y++) matrices.set(resampleMatrix(w, w, 1, () => a * (y - cy)), y * w * w);
  const shifts = tf.tensor3d(matrices, [h, w, w]);
  // [h, w, w] x [h, w, n*c]: rows become the batch of the product.
  const rowsFirst = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [h, w, n * c]);
  return tf.transpose(tf.reshape(tf.matMul(shifts, rowsFirst), [h, w, n, c]), [2, 0, 1, 3]);
}

const swapAxes = (x: Tensor) => tf.transpose(x, [0, 2, 1, 3]);

/** Rotates [n, h, w, c] (square) by `degrees` about the centre: shear x, shear y, shear x. */
export function rotateImage(x: Tensor, degrees: number): Tensor {
  if (degrees === 0) return x;
  const theta = (degrees * Math.PI) / 180;
  const alpha = -Math.tan(theta / 2);
  const beta = Math.sin(theta);
  return shearRows(swapAxes(shearRows(swapAxes(shearRows(x, alpha)), beta)), alpha);
}

export function padImage(x: Tensor, pad: number, value: number): Tensor {
  return tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]], value);
}

/** A random crop `jitter` pixels smaller on each axis (Lucent's jitter). */
export function jitterImage(x: Tensor, jitter: number, rng: Rng): Tensor {
  const [, h, w] = x.shape as [number, number, number, number];
  return tf.slice(x, [0, rng.int(jitter + 1), rng.int(jitter + 1), 0], [-1, h - jitter, w - jitter, -1]);
}

/** Lucent's standard_transforms, drawn from `rng`. Call inside tf.tidy. */
export function standardTransforms(x: Tensor, rng: Rng): Tensor {
  let t = jitterImage(padImage(x, 12, 0.5), 8, rng);
  t = scaleImage(t, 1 + (rng.int(11) - 5) / 50);
  const angles = [...Array.from({ length: 21 }, (_, i) => i - 10), 0, 0, 0, 0, 0];
  t = rotateImage(t, angles[rng.int(angles.length)]!);
  return jitterImage(t, 4, rng);
}
