/**
 * Lucent's decorrelated image parametrisation (Olah et al., "Feature Visualization", 2017;
 * lucent/optvis/param/spatial.py and color.py): the optimised variables are the real and
 * imaginary parts of each channel's 2D real FFT, scaled by 1/frequency so that all frequencies
 * learn at a similar rate; the inverse FFT gives a decorrelated image, which the square root of
 * ImageNet's colour covariance maps to RGB and a sigmoid squashes into (0, 1).
 *
 * The inverse real FFT is written as four real matrix products (cosine and sine bases along each
 * axis), so it runs and differentiates on every engine: the torch engine has no FFT kernels.
 */
import { Rng, tf, type Tensor, RNG_STREAMS } from '@augprior/core';

/** Lucent's colour_correlation_svd_sqrt, each column scaled by the largest column norm. */
const COLOR_SQRT = (() => {
  const m = [
    [0.26, 0.09, 0.02],
    [0.27, 0.0, -0.05],
    [0.27, -0.09, 0.03],
  ];
  const norm = Math.max(...[0, 1, 2].map((j) => Math.hypot(m[0]![j]!, m[1]![j]!, m[2]![j]!)));
  return m.map((row) => row.map((v) => v / norm));
})();

export interface FourierImageOptions {
  size: number;
  batch: number;
  /** Lucent's decay_power: spectrum scaled by 1 / max(f, 1/size)^decay. */
  decay?: number;
  /** Standard deviation of the initial spectrum (Lucent: 0.01). */
  sd?: number;
  seed?: number;
}

/** Frequencies of a size x size real FFT: |f| for rows [size] x columns [size/2 + 1], in cycles per pixel. */
export function rfft2dFrequencies(size: number): Float32Array {
  const columns = Math.floor(size / 2) + 1;
  const out = new Float32Array(size * columns);
  for (let u = 0; u < size; u++) {
    const fy = (u <= size / 2 ? u : u - size) / size;
    for (let v = 0; v < columns; v++) out[u * columns + v] = Math.hypot(fy, v / size);
  }
  return out;
}

/**
 * Real matrices of an orthonormal inverse 2D real FFT of size x size: with spectrum re/im
 * [.., size, size/2+1], image = (Cu re - Su im) Cv - (Su re + Cu im) Sv.
 */
export function inverseRfft2dBases(size: number): { cu: Tensor; su: Tensor; cv: Tensor; sv: Tensor } {
  const columns = Math.floor(size / 2) + 1;
  const cu = new Float32Array(size * size);
  const su = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let u = 0; u < size; u++) {
      cu[y * size + u] = Math.cos((2 * Math.PI * u * y) / size);
      su[y * size + u] = Math.sin((2 * Math.PI * u * y) / size);
    }
  }
  const cv = new Float32Array(columns * size);
  const sv = new Float32Array(columns * size);
  for (let v = 0; v < columns; v++) {
    // Hermitian symmetry: every column but DC (and Nyquist for even sizes) stands for two.
    const weight = v === 0 || (size % 2 === 0 && v === size / 2) ? 1 : 2;
    for (let x = 0; x < size; x++) {
      cv[v * size + x] = (weight * Math.cos((2 * Math.PI * v * x) / size)) / size;
      sv[v * size + x] = (weight * Math.sin((2 * Math.PI * v * x) / size)) / size;
    }
  }
  return { cu: tf.tensor2d(cu, [size, size]), su: tf.tensor2d(su, [size, size]), cv: tf.tensor2d(cv, [columns, size]), sv: tf.tensor2d(sv, [columns, size]) };
}

export class FourierImage {
  readonly re: tf.Variable;
  readonly im: tf.Variable;
  private readonly scale: Tensor;
  private readonly bases: ReturnType<typeof inverseRfft2dBases>;
  private readonly color: Tensor;

  constructor(readonly options: FourierImageOptions) {
    const { size, batch } = options;
    const columns = Math.floor(size / 2) + 1;
    const rng = Rng.derive(options.seed ?? 0, RNG_STREAMS.fourierInit);
    const sd = options.sd ?? 0.01;
    // A variable keeps its own copy: the initial tensor is released at once.
    const variable = () => {
      const initial = tf.tensor4d(rng.fillNormal(new Float32Array(batch * 3 * size * columns), 0, sd), [batch, 3, size, columns]);
      const v = tf.variable(initial, true, undefined, 'float32');
      initial.dispose();
      return v;
    };
    this.re = variable();
    this.im = variable();
    const decay = options.decay ?? 1;
    const frequencies = rfft2dFrequencies(size);
    // Lucent (PyTorch): 1 / max(f, 1/size)^decay with an orthonormal inverse FFT. (Lucid's extra
    // sqrt(w h) belongs with TensorFlow's unnormalised irfft2d; with an orthonormal one it saturates.)
    this.scale = tf.tensor2d(Float32Array.from(frequencies, (f) => 1 / Math.max(f, 1 / size) ** decay), [size, columns]);
    this.bases = inverseRfft2dBases(size);
    this.color = tf.tensor2d(COLOR_SQRT.flat(), [3, 3]);
  }

  variables(): tf.Variable[] {
    return [this.re, this.im];
  }

  /** The current images, [batch, size, size, 3] in (0, 1). Call inside tf.tidy. */
  rgb(): Tensor {
    const { size, batch } = this.options;
    const { cu, su, cv, sv } = this.bases;
    const re = tf.mul(this.re, this.scale);
    const im = tf.mul(this.im, this.scale);
    // Along rows (complex): G = (Cu + i Su)(re + i im), batched over [batch, 3].
    const flat = (t: Tensor) => tf.reshape(t, [batch * 3, size, -1]);
    const cuB = tf.broadcastTo(cu, [batch * 3, size, size]);
    const suB = tf.broadcastTo(su, [batch * 3, size, size]);
    const gRe = tf.sub(tf.matMul(cuB, flat(re)), tf.matMul(suB, flat(im)));
    const gIm = tf.add(tf.matMul(suB, flat(re)), tf.matMul(cuB, flat(im)));
    // Along columns (real output): image = Gre Cv - Gim Sv; Lucent divides by its "magic" 4.
    const columns = cv.shape[0]!;
    const image = tf.sub(tf.matMul(gRe, tf.broadcastTo(cv, [batch * 3, columns, size])), tf.matMul(gIm, tf.broadcastTo(sv, [batch * 3, columns, size])));
    const decorrelated = tf.transpose(tf.reshape(tf.div(image, 4), [batch, 3, size, size]), [0, 2, 3, 1]);
    const colored = tf.reshape(tf.matMul(tf.reshape(decorrelated, [-1, 3]), this.color, false, true), [batch, size, size, 3]);
    return tf.sigmoid(colored);
  }

  dispose(): void {
    tf.dispose([this.re, this.im, this.scale, this.color, this.bases.cu, this.bases.su, this.bases.cv, this.bases.sv]);
  }
}
