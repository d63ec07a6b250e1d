/**
 * Resampling a chunk to an exact number of samples (speed and pitch perturbation), through
 * libsamplerate (WebAssembly). One converter is kept and re-rated per call: libsamplerate's
 * `simple` API holds no state between calls, so every clip is converted independently.
 */
// The package is CommonJS: Node's ESM loader exposes only its default export.
import libsamplerate from '@alexanderolsen/libsamplerate-js';

const { ConverterType, create } = libsamplerate;

export interface LengthResampler {
  /** `x` stretched or squeezed in time to exactly `length` samples (band-limited). */
  toLength(x: Float32Array, length: number): Float32Array;
  dispose(): void;
}

export async function createLengthResampler(quality: 'fastest' | 'medium' | 'best' = 'medium'): Promise<LengthResampler> {
  const type = quality === 'best' ? ConverterType.SRC_SINC_BEST_QUALITY : quality === 'medium' ? ConverterType.SRC_SINC_MEDIUM_QUALITY : ConverterType.SRC_SINC_FASTEST;
  const src = await create(1, 16000, 16000, { converterType: type });
  return {
    toLength(x, length) {
      if (x.length === length) return Float32Array.from(x);
      // Rates only set the ratio; using the two lengths keeps it exact.
      src.inputSampleRate = x.length;
      src.outputSampleRate = length;
      const y = src.simple(x);
      if (y.length === length) return y;
      const out = new Float32Array(length);
      out.set(y.subarray(0, Math.min(length, y.length)));
      return out;
    },
    dispose() {
      src.destroy();
    },
  };
}
