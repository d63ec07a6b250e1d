/**
 * Specs of the student's meyda-convention front end (log-mel, MFCC).
 *
 * Framing: frames of `window` samples every `hop`, no padding at either end (TF's pad_end=False,
 * librosa's center=False): frames = 1 + floor((clipSamples - window) / hop). Clips shorter than
 * clipSamples are zero-padded at the end first. Each frame is multiplied by meyda's window of
 * `window` samples, then zero-padded at the end to fftSize (meyda's bufferSize, a power of two).
 */
import { AugpriorError } from '@augprior/core';
import { isPowerOfTwo, positiveInteger } from './extractor.js';
import type { MeydaWindowing } from './meyda.js';

export interface LogMelSpec {
  sampleRate: number;
  clipSamples: number;
  /** Frame length in samples (<= fftSize). */
  window: number;
  hop: number;
  /** meyda's bufferSize: a power of two. */
  fftSize: number;
  melBands: number;
  /**
   * log(mel power + logOffset). meyda's melBands hard-codes 1, which for waveforms in [-1, 1]
   * flattens every band whose energy is well below 1 to about 0; only the vectorised path takes
   * other offsets.
   */
  logOffset: number;
  windowing: MeydaWindowing;
}

export interface MfccSpec extends LogMelSpec {
  /** Kept DCT coefficients from c0 (<= melBands; meyda itself caps at 40). */
  coefficients: number;
}

/**
 * 1 s at 16 kHz framed like the teacher's MLPerf features (480-sample frames every 320, 49 frames)
 * in a 512-point FFT, 40 bands, meyda's own log(x + 1) and symmetric Hann.
 */
export const KWS_LOGMEL: Readonly<LogMelSpec> = Object.freeze({
  sampleRate: 16000,
  clipSamples: 16000,
  window: 480,
  hop: 320,
  fftSize: 512,
  melBands: 40,
  logOffset: 1,
  windowing: 'hanning',
});

/** KWS_LOGMEL's frames with 10 coefficients: the teacher's 49x10 shape. */
export const KWS_MFCC: Readonly<MfccSpec> = Object.freeze({ ...KWS_LOGMEL, coefficients: 10 });

/** The spec in one line, for extractor descriptions. */
export function describeLogMel(spec: LogMelSpec): string {
  return `${spec.window}/${spec.hop} @ ${spec.sampleRate} Hz, fft ${spec.fftSize}, ${spec.melBands} mel, ${spec.windowing}, log(x + ${spec.logOffset})`;
}

const WINDOWS: readonly MeydaWindowing[] = ['hanning', 'hamming', 'blackman', 'sine', 'rect'];

export function validateLogMelSpec(spec: LogMelSpec, what: string): void {
  for (const field of ['sampleRate', 'clipSamples', 'window', 'hop', 'fftSize', 'melBands'] as const) positiveInteger(spec[field], field, what);
  const bad = (message: string): never => {
    throw new AugpriorError('features.bad-spec', `${what}: ${message}`);
  };
  if (!isPowerOfTwo(spec.fftSize) || spec.fftSize < 4) bad(`fftSize ${spec.fftSize} is not a power of two >= 4 (meyda's bufferSize)`);
  if (spec.window > spec.fftSize) bad(`window ${spec.window} is longer than fftSize ${spec.fftSize}`);
  if (spec.clipSamples < spec.window) bad(`clipSamples ${spec.clipSamples} is shorter than one window (${spec.window})`);
  if (!(spec.logOffset > 0)) bad(`logOffset must be positive, got ${spec.logOffset}`);
  if (!WINDOWS.includes(spec.windowing)) bad(`windowing must be one of ${WINDOWS.join(', ')}, got ${String(spec.windowing)}`);
}

export function validateMfccSpec(spec: MfccSpec, what: string): void {
  validateLogMelSpec(spec, what);
  positiveInteger(spec.coefficients, 'coefficients', what);
  if (spec.coefficients > spec.melBands) throw new AugpriorError('features.bad-spec', `${what}: coefficients ${spec.coefficients} exceed melBands ${spec.melBands}`);
}
