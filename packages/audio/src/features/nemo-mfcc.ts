/**
 * The MFCC front end of NeMo's keyword models (MatchboxNet: nemo.collections.asr.modules.
 * AudioToMFCCPreprocessor, which wraps torchaudio.transforms.MFCC), followed by the model's
 * CropOrPadSpectrogramAugmentation. Step by step, as torch does it:
 *
 *   torch.stft(center=True)   the clip reflect-padded by fftSize/2 on both sides, so frame f is
 *                             centred on sample f * hop: 1 + floor(samples / hop) frames (101 for 1 s)
 *   window                    periodic Hann of `window` samples (torch.hann_window), zero-padded on
 *                             both sides to fftSize (torch.stft centres a short window in n_fft)
 *   |X|^2                     power spectrum (torchaudio Spectrogram power=2, not normalised)
 *   mel                       torchaudio.functional.melscale_fbanks, HTK mel 2595 log10(1 + f/700),
 *                             triangles drawn in Hz between mel-spaced edges, no area normalisation
 *   log(mel + 1e-6)           torchaudio MFCC with log_mels=True
 *   DCT-II, ortho             torchaudio create_dct(norm='ortho'): row 0 times 1/sqrt(2), all
 *                             times sqrt(2 / melBands)
 *   crop or pad to timesteps  zeros (in the MFCC domain) split around the frames, the odd one on
 *                             the right; a longer input is cut to its centre (NeMo crops at a random
 *                             offset in training, which a teacher's evaluation has no use for)
 *
 * Output rows are time steps and columns coefficients, [timesteps, coefficients]; the teacher's
 * ONNX input is the transpose, [coefficients, timesteps], which the ONNX layout 'nct' feeds.
 *
 * One departure, for clips shorter than clipSamples: the extractor contract pads them with zeros
 * at the end first (so every clip has the same frame count), where NeMo would compute fewer
 * frames and pad in the MFCC domain. Speech Commands clips are 1 s; a short one's tail frames
 * then hold the log floor's cepstrum instead of zeros.
 */
import { applyDct } from './dct.js';
import { batchFeatures, checkClip, positiveInteger, validateMelSpec, type ClipFeatureExtractor, type LogMelStage, type MelSpecFields } from './extractor.js';
import { RealFft } from './fft.js';
import { applyBands, sparseBands } from './mel-bands.js';

/**
 * NeMo's preprocessor settings: win_length / hop_length in samples (window_size 0.025 s,
 * window_stride 0.01 s); upperHz is f_max (torchaudio's None is sampleRate / 2).
 */
export interface NemoMfccSpec extends MelSpecFields {
  /** CropOrPadSpectrogramAugmentation's audio_length (MatchboxNet's `timesteps`). */
  timesteps: number;
}

/** matchboxnet_3x1x64_v1.yaml: 16 kHz, 25 ms / 10 ms, n_fft 512, 64 mel, 64 MFCC, 128 timesteps. */
export const MATCHBOXNET_MFCC: Readonly<NemoMfccSpec> = Object.freeze({
  sampleRate: 16000,
  clipSamples: 16000,
  window: 400,
  hop: 160,
  fftSize: 512,
  melBands: 64,
  lowerHz: 0,
  upperHz: 8000,
  logOffset: 1e-6,
  coefficients: 64,
  timesteps: 128,
});

/** torchaudio's HTK mel scale (the default `mel_scale='htk'`), base-10 form. */
export const hertzToMelTorch = (hz: number): number => 2595 * Math.log10(1 + hz / 700);
export const melToHertzTorch = (mel: number): number => 700 * (10 ** (mel / 2595) - 1);

/** torchaudio.functional.melscale_fbanks(n_freqs, f_min, f_max, n_mels, sr, norm=None, 'htk') as [bins, bands] row-major. */
export function torchMelFilterbank(bins: number, lowerHz: number, upperHz: number, bands: number, sampleRate: number): Float64Array {
  // all_freqs = linspace(0, sample_rate // 2, n_freqs): integer Nyquist, as torchaudio writes it.
  const nyquist = Math.floor(sampleRate / 2);
  const freqs = Float64Array.from({ length: bins }, (_, k) => (bins === 1 ? 0 : (nyquist * k) / (bins - 1)));
  const lo = hertzToMelTorch(lowerHz);
  const hi = hertzToMelTorch(upperHz);
  const edges = Float64Array.from({ length: bands + 2 }, (_, i) => melToHertzTorch(lo + ((hi - lo) * i) / (bands + 1)));
  const out = new Float64Array(bins * bands);
  for (let k = 0; k < bins; k++) {
    for (let b = 0; b < bands; b++) {
      const down = (freqs[k]! - edges[b]!) / (edges[b + 1]! - edges[b]!);
      const up = (edges[b + 2]! - freqs[k]!) / (edges[b + 2]! - edges[b + 1]!);
      out[k * bands + b] = Math.max(0, Math.min(down, up));
    }
  }
  return out;
}

/** create_dct(n_mfcc, n_mels, norm='ortho') transposed to [coefficients, inputs] rows. */
export function orthoDctMatrix(inputs: number, coefficients: number): Float64Array {
  const m = new Float64Array(coefficients * inputs);
  const scale = Math.sqrt(2 / inputs);
  for (let k = 0; k < coefficients; k++) {
    const rowScale = k === 0 ? scale / Math.SQRT2 : scale;
    for (let n = 0; n < inputs; n++) m[k * inputs + n] = rowScale * Math.cos((Math.PI / inputs) * (n + 0.5) * k);
  }
  return m;
}

/** torch.stft(center=True) frame count. */
export function centredFrameCount(samples: number, hop: number): number {
  return 1 + Math.floor(samples / hop);
}

function validate(spec: NemoMfccSpec, what: string): void {
  positiveInteger(spec.timesteps, 'timesteps', what);
  const bad = validateMelSpec(spec, what);
  // Reflect padding by fftSize/2 needs more samples than that (torch refuses otherwise).
  if (spec.clipSamples <= spec.fftSize / 2) bad(`clipSamples ${spec.clipSamples} must exceed fftSize / 2 = ${spec.fftSize / 2} for the reflect-padded STFT`);
}

export function createNemoMfcc(spec: NemoMfccSpec = MATCHBOXNET_MFCC): ClipFeatureExtractor {
  const description = `NeMo MFCC (${spec.window}/${spec.hop} @ ${spec.sampleRate} Hz, ${spec.melBands} mel ${spec.lowerHz}-${spec.upperHz} Hz, ${spec.coefficients} coefficients, ${spec.timesteps} steps)`;
  validate(spec, description);
  const frames = centredFrameCount(spec.clipSamples, spec.hop);
  const bins = spec.fftSize / 2 + 1;
  const half = spec.fftSize / 2;
  // The window sits centred in the n_fft frame: torch pads it by (n_fft - win) / 2 on the left.
  const windowStart = Math.floor((spec.fftSize - spec.window) / 2);
  const hann = Float64Array.from({ length: spec.window }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / spec.window));
  const fft = new RealFft(spec.fftSize);
  const dense = torchMelFilterbank(bins, spec.lowerHz, spec.upperHz, spec.melBands, spec.sampleRate);
  const bands = sparseBands(spec.melBands, bins, (b, k) => dense[k * spec.melBands + b]!);
  const dct = orthoDctMatrix(spec.melBands, spec.coefficients);
  // Crop or pad: kept frames [cropStart, cropStart + kept) land at padLeft.
  const kept = Math.min(frames, spec.timesteps);
  const cropStart = Math.floor((frames - kept) / 2);
  const padLeft = Math.floor((spec.timesteps - kept) / 2);
  const padded = new Float64Array(spec.clipSamples + 2 * half);
  const frame = new Float64Array(spec.fftSize);
  const spectrum = new Float64Array(bins);
  const logMelRows = new Float64Array(frames * spec.melBands);

  const stage: LogMelStage = {
    layout: {
      frames,
      bands: spec.melBands,
      frameSeconds: Float64Array.from({ length: frames }, (_, f) => (f * spec.hop) / spec.sampleRate),
      bandHz: Float64Array.from({ length: spec.melBands }, (_, b) => {
        const lo = hertzToMelTorch(spec.lowerHz);
        return melToHertzTorch(lo + ((hertzToMelTorch(spec.upperHz) - lo) * (b + 1)) / (spec.melBands + 1));
      }),
      floor: Math.log(spec.logOffset),
    },
    logMel(clip, out, offset) {
      checkClip(clip, spec.clipSamples, description);
      // Zero-pad to clipSamples at the end, then reflect by `half` on both sides (x[half..1], x, x[L-2..L-1-half]).
      const L = spec.clipSamples;
      padded.fill(0);
      for (let i = 0; i < clip.length; i++) padded[half + i] = clip[i]!;
      for (let i = 1; i <= half; i++) {
        padded[half - i] = padded[half + i]!;
        padded[half + L - 1 + i] = padded[half + L - 1 - i]!;
      }
      for (let f = 0; f < frames; f++) {
        const start = f * spec.hop + windowStart;
        frame.fill(0);
        for (let n = 0; n < spec.window; n++) frame[windowStart + n] = padded[start + n]! * hann[n]!;
        fft.power(frame, spectrum);
        const row = offset + f * spec.melBands;
        applyBands(bands, spectrum, out, row);
        for (let b = 0; b < spec.melBands; b++) out[row + b] = Math.log(out[row + b]! + spec.logOffset);
      }
    },
    finish(logMel, offset, out, outOffset) {
      out.fill(0, outOffset, outOffset + spec.timesteps * spec.coefficients);
      for (let f = 0; f < kept; f++) {
        applyDct(dct, spec.melBands, logMel, offset + (cropStart + f) * spec.melBands, out, outOffset + (padLeft + f) * spec.coefficients, spec.coefficients);
      }
    },
  };

  const extractor: ClipFeatureExtractor = {
    description,
    clipSamples: spec.clipSamples,
    frames: spec.timesteps,
    coefficients: spec.coefficients,
    extract(clip, out = new Float32Array(spec.timesteps * spec.coefficients), offset = 0) {
      stage.logMel(clip, logMelRows, 0);
      stage.finish(logMelRows, 0, out, offset);
      return out;
    },
    features: (clips) => batchFeatures(extractor, clips),
    stage,
  };
  return extractor;
}
