/**
 * The shape every waveform front end here shares: mono Float32Array clips in [-1, 1] in,
 * row-major float32 [frames, coefficients] out, and a batch form that stacks clips into one
 * [n, frames, coefficients] array (the layout a [n, frames, coefficients, 1] tensor wants).
 */
import { AugpriorError } from '@augprior/core';

export interface ClipFeatureExtractor {
  readonly description: string;
  /** Clip length the frame count is computed for; shorter clips are zero-padded at the end. */
  readonly clipSamples: number;
  readonly frames: number;
  readonly coefficients: number;
  /** One clip -> [frames, coefficients], written at `offset` of `out` when given. */
  extract(clip: Float32Array, out?: Float32Array, offset?: number): Float32Array;
  /** Clips as an array, or as one flat array of n * clipSamples samples -> [n, frames, coefficients]. */
  features(clips: readonly Float32Array[] | Float32Array): Float32Array;
  /** Present on log-mel based front ends. */
  readonly stage?: LogMelStage;
}

/** Where a front end's log-mel values sit in time and frequency (for plans drawn in seconds and Hz). */
export interface LogMelLayout {
  frames: number;
  bands: number;
  /** Centre time of each frame, seconds from the clip start. */
  frameSeconds: Float64Array;
  /** Centre frequency of each mel band, Hz. */
  bandHz: Float64Array;
  /** The log-mel value of no energy (what a mask leaves behind). */
  floor: number;
}

/**
 * The log-mel stage of a front end, split out so batch augmentation (SpecAugment masks, mixing)
 * can act between log-mel and the rest (DCT for MFCC): logMel then finish equals extract.
 */
export interface LogMelStage {
  layout: LogMelLayout;
  /** One clip's log-mel [frames, bands] into `out` at `offset`. */
  logMel(clip: Float32Array, out: Float64Array, offset: number): void;
  /** [frames, bands] log-mel at `offset` -> [frames, coefficients] features into `out` at `outOffset`. */
  finish(logMel: Float64Array, offset: number, out: Float32Array, outOffset: number): void;
}

/** Frame centres in seconds for frames of `window` every `hop`. */
export function frameCentres(frames: number, window: number, hop: number, sampleRate: number): Float64Array {
  return Float64Array.from({ length: frames }, (_, f) => (f * hop + window / 2) / sampleRate);
}

/** Centres of `bands` triangles evenly spaced on a mel scale between two edges (Hz). */
export function melBandCentres(bands: number, lowerHz: number, upperHz: number, melOf: (hz: number) => number, hzOf: (mel: number) => number): Float64Array {
  const lo = melOf(lowerHz);
  const step = (melOf(upperHz) - lo) / (bands + 1);
  return Float64Array.from({ length: bands }, (_, b) => hzOf(lo + (b + 1) * step));
}

/** Frames of `window` samples every `hop` that fit in `samples` without padding (TF pad_end=False). */
export function frameCount(samples: number, window: number, hop: number): number {
  return samples < window ? 0 : 1 + Math.floor((samples - window) / hop);
}

export function checkClip(clip: Float32Array, clipSamples: number, what: string): void {
  if (clip.length > clipSamples) {
    throw new AugpriorError(
      'features.clip-too-long',
      `${what}: clip of ${clip.length} samples is longer than the ${clipSamples} the features are computed for`,
      'trim or resample clips to the spec before extracting features (the TF reference pads short clips but never truncates)',
    );
  }
}

/** Views of the individual clips, without copying. */
export function splitClips(clips: readonly Float32Array[] | Float32Array, clipSamples: number, what: string): readonly Float32Array[] {
  if (!(clips instanceof Float32Array)) return clips;
  if (clips.length % clipSamples !== 0) {
    throw new AugpriorError('features.batch-shape', `${what}: a flat batch of ${clips.length} samples is not a whole number of ${clipSamples}-sample clips`);
  }
  return Array.from({ length: clips.length / clipSamples }, (_, i) => clips.subarray(i * clipSamples, (i + 1) * clipSamples));
}

export function batchFeatures(extractor: ClipFeatureExtractor, clips: readonly Float32Array[] | Float32Array): Float32Array {
  const list = splitClips(clips, extractor.clipSamples, extractor.description);
  const size = extractor.frames * extractor.coefficients;
  const out = new Float32Array(list.length * size);
  list.forEach((clip, i) => extractor.extract(clip, out, i * size));
  return out;
}

/** A positive integer spec field, or an AugpriorError naming it. */
export function positiveInteger(value: number, field: string, what: string): void {
  if (!Number.isInteger(value) || value <= 0) throw new AugpriorError('features.bad-spec', `${what}: ${field} must be a positive integer, got ${value}`);
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/** The fields every FFT + mel + DCT front end here shares. */
export interface MelSpecFields {
  sampleRate: number;
  clipSamples: number;
  window: number;
  hop: number;
  fftSize: number;
  melBands: number;
  lowerHz: number;
  upperHz: number;
  logOffset: number;
  coefficients: number;
}

/** Checks the shared fields (named errors); returns the thrower for a front end's own checks. */
export function validateMelSpec(spec: MelSpecFields, what: string): (message: string) => never {
  for (const field of ['sampleRate', 'clipSamples', 'window', 'hop', 'fftSize', 'melBands', 'coefficients'] as const) positiveInteger(spec[field], field, what);
  const bad = (message: string): never => {
    throw new AugpriorError('features.bad-spec', `${what}: ${message}`);
  };
  if (!isPowerOfTwo(spec.fftSize) || spec.fftSize < 4) bad(`fftSize ${spec.fftSize} is not a power of two >= 4`);
  if (spec.window > spec.fftSize) bad(`window ${spec.window} is longer than fftSize ${spec.fftSize}`);
  if (!(spec.lowerHz >= 0 && spec.lowerHz < spec.upperHz && spec.upperHz <= spec.sampleRate / 2)) {
    bad(`need 0 <= lowerHz < upperHz <= sampleRate / 2, got ${spec.lowerHz}, ${spec.upperHz} at ${spec.sampleRate} Hz`);
  }
  if (spec.coefficients > spec.melBands) bad(`coefficients ${spec.coefficients} exceed melBands ${spec.melBands}`);
  if (!(spec.logOffset > 0)) bad(`logOffset must be positive, got ${spec.logOffset}`);
  return bad;
}
