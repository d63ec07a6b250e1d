/**
 * tf.signal.linear_to_mel_weight_matrix (tensorflow/python/ops/signal/mel_ops.py), in float64.
 * The definition has quirks a generic mel filterbank lacks, so it is reproduced term by term:
 * HTK mel 1127 ln(1 + f / 700); bin frequencies linspace(0, nyquist, bins) with the DC bin's row
 * forced to zero; band edges evenly spaced in mel (melBands + 2 points); triangles drawn in mel
 * space (not Hz) as max(0, min(lower slope, upper slope)), with peak 1 and no area normalisation.
 */
export function hertzToMelHtk(hz: number): number {
  return 1127 * Math.log(1 + hz / 700);
}

export interface TfMelOptions {
  melBands: number;
  /** fft_length / 2 + 1 */
  spectrogramBins: number;
  sampleRate: number;
  lowerHz: number;
  upperHz: number;
}

/** Dense [spectrogramBins, melBands] row-major, TF's layout (spectrogram @ matrix). */
export function tfMelWeightMatrix(o: TfMelOptions): Float64Array {
  const m = new Float64Array(o.spectrogramBins * o.melBands);
  const nyquist = o.sampleRate / 2;
  const lowMel = hertzToMelHtk(o.lowerHz);
  const highMel = hertzToMelHtk(o.upperHz);
  const edge = (i: number): number => lowMel + ((highMel - lowMel) * i) / (o.melBands + 1);
  for (let k = 1; k < o.spectrogramBins; k++) {
    const mel = hertzToMelHtk((nyquist * k) / (o.spectrogramBins - 1));
    for (let b = 0; b < o.melBands; b++) {
      const lower = edge(b);
      const center = edge(b + 1);
      const upper = edge(b + 2);
      const w = Math.min((mel - lower) / (center - lower), (upper - mel) / (upper - center));
      if (w > 0) m[k * o.melBands + b] = w;
    }
  }
  return m;
}
