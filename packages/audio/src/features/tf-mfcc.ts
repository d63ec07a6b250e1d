/**
 * The MFCC front end of the MLPerf Tiny keyword-spotting reference, which the DS-CNN teacher
 * (input 49x10x1) was trained on: mlcommons/tiny benchmark/training/keyword_spotting/get_dataset.py,
 * feature_type 'mfcc', evaluation path. Step by step, as TF does it:
 *
 *   wav / reduce_max(wav)   the maximum, not the maximum magnitude, and no clip to [-1, 1] after it
 *                           (only training's background-noise branch clamps), so a clip whose
 *                           minimum is below -max keeps samples beyond -1
 *   pad to clipSamples      zeros at the end; TF's [2, 2] pad then slice from 2 is the identity
 *   stft                    frames of `window` every `hop`, pad_end=False, periodic Hann,
 *                           zero-padded to fft_length (None -> next power of two: 512); |X|
 *   mel                     tf.signal.linear_to_mel_weight_matrix on the magnitude (not power)
 *   log(mel + 1e-6), then mfccs_from_log_mel_spectrograms: DCT-II * 2 / sqrt(2 * melBands),
 *   keeping the first `coefficients`
 *
 * Computed in float64 and returned as float32 (TF runs float32 throughout; the difference is far
 * below the 1e-4 the reference fixture is checked to).
 *
 * Where TF's literal division misbehaves: a clip whose maximum is 0 (silence, or nothing above
 * zero) would give 0/0 = NaN or -inf in TF. Here such a clip is left unscaled, so silence gives the
 * floor log(1e-6) in every band: c0 = -123.57, every other coefficient 0 (EEMBC's int8 files hold
 * the same floor, clipped to the int8 range). A negative maximum is reproduced literally: the sign
 * flip cannot change a magnitude spectrum, and the gain is what TF applies.
 */
import { applyDct, dctMatrix } from './dct.js';
import { batchFeatures, checkClip, frameCentres, frameCount, melBandCentres, validateMelSpec, type ClipFeatureExtractor, type LogMelStage, type MelSpecFields } from './extractor.js';
import { RealFft } from './fft.js';
import { applyBands, sparseBands } from './mel-bands.js';
import { hertzToMelHtk, tfMelWeightMatrix } from './tf-mel.js';

/**
 * tf.signal's settings: clipSamples is desired_samples (clips are zero-padded to it), window /
 * hop are frame_length / frame_step, fftSize is fft_length (TF's None: the next power of two >=
 * window), logOffset is added to the mel magnitudes before the natural log, and the
 * coefficients are kept from c0.
 */
export interface TfMfccSpec extends MelSpecFields {
  /** 'max' divides by the clip's maximum sample as the reference does; 'none' skips it. */
  normalisation: 'max' | 'none';
}

/** get_dataset.py's values: 1 s at 16 kHz, 30 ms / 20 ms frames, 40 mel bands in 20-4000 Hz, 10 MFCCs. */
export const MLPERF_KWS_MFCC: Readonly<TfMfccSpec> = Object.freeze({
  sampleRate: 16000,
  clipSamples: 16000,
  window: 480,
  hop: 320,
  fftSize: 512,
  melBands: 40,
  lowerHz: 20,
  upperHz: 4000,
  logOffset: 1e-6,
  coefficients: 10,
  normalisation: 'max',
});

/** TF's fft_length=None. */
export function nextPowerOfTwo(n: number): number {
  return 2 ** Math.ceil(Math.log2(n));
}

function validate(spec: TfMfccSpec, what: string): void {
  const bad = validateMelSpec(spec, what);
  if (spec.clipSamples < spec.window) bad(`clipSamples ${spec.clipSamples} is shorter than one window (${spec.window})`);
  if (spec.normalisation !== 'max' && spec.normalisation !== 'none') bad(`normalisation must be 'max' or 'none', got ${String(spec.normalisation)}`);
}

/** Tables (window, FFT, mel runs, DCT rows) are built here once and reused for every clip. */
export function createTfMfcc(spec: TfMfccSpec = MLPERF_KWS_MFCC): ClipFeatureExtractor {
  const description = `TF MFCC (${spec.window}/${spec.hop} @ ${spec.sampleRate} Hz, ${spec.melBands} mel ${spec.lowerHz}-${spec.upperHz} Hz, ${spec.coefficients} coefficients)`;
  validate(spec, description);
  const frames = frameCount(spec.clipSamples, spec.window, spec.hop);
  const bins = spec.fftSize / 2 + 1;
  // tf.signal.hann_window defaults to periodic=True: the cosine period is N, not N - 1.
  const hann = Float64Array.from({ length: spec.window }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / spec.window));
  const fft = new RealFft(spec.fftSize);
  const dense = tfMelWeightMatrix({ melBands: spec.melBands, spectrogramBins: bins, sampleRate: spec.sampleRate, lowerHz: spec.lowerHz, upperHz: spec.upperHz });
  const bands = sparseBands(spec.melBands, bins, (b, k) => dense[k * spec.melBands + b]!);
  const dct = dctMatrix(spec.melBands, spec.coefficients, 2 / Math.sqrt(2 * spec.melBands));
  const frame = new Float64Array(spec.fftSize);
  const spectrum = new Float64Array(bins);
  const logMelRows = new Float64Array(frames * spec.melBands);

  const stage: LogMelStage = {
    layout: {
      frames,
      bands: spec.melBands,
      frameSeconds: frameCentres(frames, spec.window, spec.hop, spec.sampleRate),
      bandHz: melBandCentres(spec.melBands, spec.lowerHz, spec.upperHz, hertzToMelHtk, (mel) => 700 * (Math.exp(mel / 1127) - 1)),
      floor: Math.log(spec.logOffset),
    },
    logMel(clip, out, offset) {
      checkClip(clip, spec.clipSamples, description);
      let peak = -Infinity;
      for (let i = 0; i < clip.length; i++) if (clip[i]! > peak) peak = clip[i]!;
      const gain = spec.normalisation === 'max' && peak !== 0 && Number.isFinite(peak) ? 1 / peak : 1;
      for (let f = 0; f < frames; f++) {
        const start = f * spec.hop;
        // Samples past the clip's end are the zero padding to clipSamples.
        const available = Math.min(spec.window, Math.max(0, clip.length - start));
        for (let n = 0; n < available; n++) frame[n] = clip[start + n]! * gain * hann[n]!;
        frame.fill(0, available, spec.window);
        fft.power(frame, spectrum);
        for (let k = 0; k < bins; k++) spectrum[k] = Math.sqrt(spectrum[k]!);
        const row = offset + f * spec.melBands;
        applyBands(bands, spectrum, out, row);
        for (let b = 0; b < spec.melBands; b++) out[row + b] = Math.log(out[row + b]! + spec.logOffset);
      }
    },
    finish(logMel, offset, out, outOffset) {
      for (let f = 0; f < frames; f++) applyDct(dct, spec.melBands, logMel, offset + f * spec.melBands, out, outOffset + f * spec.coefficients, spec.coefficients);
    },
  };

  const extractor: ClipFeatureExtractor = {
    description,
    clipSamples: spec.clipSamples,
    frames,
    coefficients: spec.coefficients,
    extract(clip, out = new Float32Array(frames * spec.coefficients), offset = 0) {
      stage.logMel(clip, logMelRows, 0);
      stage.finish(logMelRows, 0, out, offset);
      return out;
    },
    features: (clips) => batchFeatures(extractor, clips),
    stage,
  };
  return extractor;
}
