/**
 * DCT-II as a [coefficients, inputs] matrix: out_k = scale * sum_n x_n cos(pi k (2n + 1) / 2N).
 * TF's unnormalised dct multiplies the sum by 2 and mfccs_from_log_mel_spectrograms by a further
 * rsqrt(2N); the `dct` package meyda uses multiplies by 2 only. Only the kept rows are built.
 */
export function dctMatrix(inputs: number, coefficients: number, scale: number): Float64Array {
  const m = new Float64Array(coefficients * inputs);
  for (let k = 0; k < coefficients; k++) {
    for (let n = 0; n < inputs; n++) m[k * inputs + n] = scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * inputs));
  }
  return m;
}

/** Rows of `matrix` [coefficients, inputs] dotted with `x`, into `out` at `offset`. */
export function applyDct(matrix: Float64Array, inputs: number, x: Float64Array, xOffset: number, out: Float32Array, offset: number, coefficients: number): void {
  for (let k = 0; k < coefficients; k++) {
    let sum = 0;
    const row = k * inputs;
    for (let n = 0; n < inputs; n++) sum += matrix[row + n]! * x[xOffset + n]!;
    out[offset + k] = sum;
  }
}
