/**
 * Triangular filters stored as their nonzero runs: each band touches a few dozen of the FFT bins,
 * so applying runs is an order of magnitude cheaper than a dense [bins, bands] product.
 */
export interface SparseBands {
  readonly count: number;
  /** First bin of each band's run. */
  readonly starts: Int32Array;
  readonly weights: readonly Float64Array[];
}

/** Runs from any weight lookup; leading and trailing zeros are dropped, inner zeros kept. */
export function sparseBands(count: number, bins: number, weight: (band: number, bin: number) => number): SparseBands {
  const starts = new Int32Array(count);
  const weights: Float64Array[] = [];
  for (let b = 0; b < count; b++) {
    let first = -1;
    let last = -1;
    for (let k = 0; k < bins; k++) {
      if (weight(b, k) !== 0) {
        if (first < 0) first = k;
        last = k;
      }
    }
    starts[b] = Math.max(first, 0);
    weights.push(first < 0 ? new Float64Array(0) : Float64Array.from({ length: last - first + 1 }, (_, i) => weight(b, first + i)));
  }
  return { count, starts, weights };
}

/** sum_k w[band, k] * spectrum[k] for every band, into `out` at `offset`. */
export function applyBands(bands: SparseBands, spectrum: Float64Array, out: Float64Array, offset: number): void {
  for (let b = 0; b < bands.count; b++) {
    const w = bands.weights[b]!;
    const start = bands.starts[b]!;
    let sum = 0;
    for (let i = 0; i < w.length; i++) sum += w[i]! * spectrum[start + i]!;
    out[offset + b] = sum;
  }
}
