/**
 * The per-frame reference for logmel.ts and mfcc.ts: meyda itself, one Meyda.extract call per
 * frame. Slow (meyda's FFT allocates per butterfly) and kept for checking and benchmarking.
 *
 * How frames reach meyda: when window == fftSize the raw frame goes in and meyda applies its own
 * window; otherwise the frame is windowed with Meyda.windowing at its own length, zero-padded to
 * fftSize and passed with windowingFunction 'rect', since meyda would otherwise window the padding.
 * meyda's melBands is log(x + 1) with the 1 hard-coded, so these paths accept logOffset 1 only.
 */
import { AugpriorError } from '@augprior/core';
import { batchFeatures, checkClip, frameCount, type ClipFeatureExtractor } from './extractor.js';
import { applyMeydaWindow, Meyda, meydaInternals } from './meyda.js';
import { describeLogMel, validateLogMelSpec, validateMfccSpec, type LogMelSpec, type MfccSpec } from './meyda-spec.js';

function requireMeydaOffset(spec: LogMelSpec, what: string): void {
  if (spec.logOffset !== 1) {
    throw new AugpriorError('features.meyda-log-offset', `${what}: meyda's melBands computes log(x + 1); logOffset ${spec.logOffset} has no per-frame meyda path`, 'use createLogMel / createMfcc, which take any offset');
  }
}

/** Sets every field extract() reads, and drops the filterbank cache, which meyda only rebuilds when the band count changes (not the sample rate or buffer size). */
function configureMeyda(spec: LogMelSpec, coefficients: number): void {
  Meyda.sampleRate = spec.sampleRate;
  Meyda.bufferSize = spec.fftSize;
  Meyda.melBands = spec.melBands;
  // meyda builds max(melBands, numberOfMFCCCoefficients) filters; never let the count exceed melBands.
  Meyda.numberOfMFCCCoefficients = coefficients;
  Meyda.windowingFunction = spec.window === spec.fftSize ? spec.windowing : 'rect';
  const internals = meydaInternals();
  internals.melFilterBank = undefined;
  internals.barkScale = undefined;
}

function perFrame(spec: LogMelSpec, feature: 'melBands' | 'mfcc', coefficients: number, description: string): ClipFeatureExtractor {
  const frames = frameCount(spec.clipSamples, spec.window, spec.hop);
  const raw = new Float32Array(spec.window);
  const buffer = new Float32Array(spec.fftSize);
  const extractor: ClipFeatureExtractor = {
    description,
    clipSamples: spec.clipSamples,
    frames,
    coefficients,
    extract(clip, out = new Float32Array(frames * coefficients), offset = 0) {
      checkClip(clip, spec.clipSamples, description);
      configureMeyda(spec, feature === 'mfcc' ? coefficients : 1);
      for (let f = 0; f < frames; f++) {
        const start = f * spec.hop;
        raw.fill(0);
        raw.set(clip.subarray(Math.min(start, clip.length), Math.min(start + spec.window, clip.length)));
        if (spec.window === spec.fftSize) buffer.set(raw);
        else buffer.set(applyMeydaWindow(raw, spec.windowing));
        const values = Meyda.extract(feature, buffer) as unknown as number[];
        for (let c = 0; c < coefficients; c++) out[offset + f * coefficients + c] = values[c]!;
      }
      return out;
    },
    features: (clips) => batchFeatures(extractor, clips),
  };
  return extractor;
}

export function createMeydaLogMelReference(spec: LogMelSpec): ClipFeatureExtractor {
  const description = `meyda per-frame log-mel (${describeLogMel(spec)})`;
  validateLogMelSpec(spec, description);
  requireMeydaOffset(spec, description);
  return perFrame(spec, 'melBands', spec.melBands, description);
}

export function createMeydaMfccReference(spec: MfccSpec): ClipFeatureExtractor {
  const description = `meyda per-frame MFCC (${describeLogMel(spec)}, ${spec.coefficients} coefficients)`;
  validateMfccSpec(spec, description);
  requireMeydaOffset(spec, description);
  if (spec.coefficients > 40) throw new AugpriorError('features.bad-spec', `${description}: meyda caps MFCCs at 40 coefficients`);
  return perFrame(spec, 'mfcc', spec.coefficients, description);
}
