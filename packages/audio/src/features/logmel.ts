/**
 * meyda's log-mel bands, vectorised: the whole clip in one pass through one FFT, window and mel
 * runs built once per spec, and meyda's arithmetic (power spectrum without the Nyquist bin through
 * its filterbank, then log(x + offset)) carried out in float64. Matches the per-frame meyda path
 * (meyda-reference.ts) to float32 rounding; see meyda-spec.ts for framing and windows.
 */
import { batchFeatures, checkClip, frameCentres, frameCount, melBandCentres, type ClipFeatureExtractor, type LogMelLayout } from './extractor.js';
import { RealFft } from './fft.js';
import { applyBands, sparseBands } from './mel-bands.js';
import { meydaWindow } from './meyda.js';
import { meydaMelFilterBank } from './meyda-filterbank.js';
import { describeLogMel, validateLogMelSpec, type LogMelSpec } from './meyda-spec.js';

/** Log-mel of every frame of a clip into `out` [frames, melBands] (float64, for MFCC to reuse). */
export type LogMelKernel = (clip: Float32Array, out: Float64Array) => void;

export function logMelKernel(spec: LogMelSpec): LogMelKernel {
  const frames = frameCount(spec.clipSamples, spec.window, spec.hop);
  const window = meydaWindow(spec.windowing, spec.window);
  const fft = new RealFft(spec.fftSize);
  const bank = meydaMelFilterBank(spec.melBands, spec.sampleRate, spec.fftSize);
  // meyda sums bins 0 .. fftSize/2 - 1 only: the bank's Nyquist column is never used.
  const bands = sparseBands(spec.melBands, spec.fftSize / 2, (b, k) => bank[b]![k]!);
  const frame = new Float64Array(spec.fftSize);
  const power = new Float64Array(fft.bins);
  return (clip, out) => {
    for (let f = 0; f < frames; f++) {
      const start = f * spec.hop;
      const available = Math.min(spec.window, Math.max(0, clip.length - start));
      for (let n = 0; n < available; n++) frame[n] = clip[start + n]! * window[n]!;
      frame.fill(0, available, spec.window);
      fft.power(frame, power);
      const row = f * spec.melBands;
      applyBands(bands, power, out, row);
      for (let b = 0; b < spec.melBands; b++) out[row + b] = Math.log(out[row + b]! + spec.logOffset);
    }
  };
}

/** meyda's bands span 0 Hz to Nyquist on its 1125 ln(1 + f/700) mel scale (edges snap to bins). */
export function meydaLogMelLayout(spec: LogMelSpec): LogMelLayout {
  const frames = frameCount(spec.clipSamples, spec.window, spec.hop);
  return {
    frames,
    bands: spec.melBands,
    frameSeconds: frameCentres(frames, spec.window, spec.hop, spec.sampleRate),
    bandHz: melBandCentres(spec.melBands, 0, spec.sampleRate / 2, (hz) => 1125 * Math.log(1 + hz / 700), (mel) => 700 * (Math.exp(mel / 1125) - 1)),
    floor: Math.log(spec.logOffset),
  };
}

export function createLogMel(spec: LogMelSpec): ClipFeatureExtractor {
  const description = `log-mel (${describeLogMel(spec)})`;
  validateLogMelSpec(spec, description);
  const frames = frameCount(spec.clipSamples, spec.window, spec.hop);
  const kernel = logMelKernel(spec);
  const scratch = new Float64Array(frames * spec.melBands);
  const extractor: ClipFeatureExtractor = {
    description,
    clipSamples: spec.clipSamples,
    frames,
    coefficients: spec.melBands,
    extract(clip, out = new Float32Array(frames * spec.melBands), offset = 0) {
      checkClip(clip, spec.clipSamples, description);
      kernel(clip, scratch);
      out.set(scratch, offset);
      return out;
    },
    features: (clips) => batchFeatures(extractor, clips),
    stage: {
      layout: meydaLogMelLayout(spec),
      logMel(clip, out, offset) {
        checkClip(clip, spec.clipSamples, description);
        kernel(clip, scratch);
        out.set(scratch, offset);
      },
      finish(logMel, offset, out, outOffset) {
        for (let k = 0; k < frames * spec.melBands; k++) out[outOffset + k] = logMel[offset + k]!;
      },
    },
  };
  return extractor;
}
