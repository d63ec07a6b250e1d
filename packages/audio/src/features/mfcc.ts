/**
 * meyda's MFCC, vectorised: the log-mel kernel, then the `dct` package's DCT-II (2 * sum, no
 * orthonormal scaling) keeping the first `coefficients`. With logOffset 1 this is exactly what
 * Meyda.extract('mfcc') computes per frame.
 */
import { applyDct, dctMatrix } from './dct.js';
import { batchFeatures, checkClip, frameCount, type ClipFeatureExtractor } from './extractor.js';
import { logMelKernel, meydaLogMelLayout } from './logmel.js';
import { describeLogMel, validateMfccSpec, type MfccSpec } from './meyda-spec.js';

export function createMfcc(spec: MfccSpec): ClipFeatureExtractor {
  const description = `MFCC (${describeLogMel(spec)}, ${spec.coefficients} coefficients)`;
  validateMfccSpec(spec, description);
  const frames = frameCount(spec.clipSamples, spec.window, spec.hop);
  const kernel = logMelKernel(spec);
  const dct = dctMatrix(spec.melBands, spec.coefficients, 2);
  const logMel = new Float64Array(frames * spec.melBands);
  const extractor: ClipFeatureExtractor = {
    description,
    clipSamples: spec.clipSamples,
    frames,
    coefficients: spec.coefficients,
    extract(clip, out = new Float32Array(frames * spec.coefficients), offset = 0) {
      checkClip(clip, spec.clipSamples, description);
      kernel(clip, logMel);
      for (let f = 0; f < frames; f++) applyDct(dct, spec.melBands, logMel, f * spec.melBands, out, offset + f * spec.coefficients, spec.coefficients);
      return out;
    },
    features: (clips) => batchFeatures(extractor, clips),
    stage: {
      layout: meydaLogMelLayout(spec),
      logMel(clip, out, offset) {
        checkClip(clip, spec.clipSamples, description);
        kernel(clip, logMel);
        out.set(logMel, offset);
      },
      finish(values, offset, out, outOffset) {
        for (let f = 0; f < frames; f++) applyDct(dct, spec.melBands, values, offset + f * spec.melBands, out, outOffset + f * spec.coefficients, spec.coefficients);
      },
    },
  };
  return extractor;
}
