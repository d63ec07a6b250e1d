/**
 * Waveform batches [n, 1, samples, 1] -> feature batches [n, frames, coefficients, 1], as core
 * `FeatureExtractor`s chosen by name in a config (`student.features`, an audio teacher's
 * `features`): `mlperf_mfcc` (the KWS teacher's exact TF pipeline), `nemo_mfcc` (MatchboxNet's
 * torchaudio MFCC + crop/pad to 128 steps), `logmel` and `mfcc` (meyda
 * conventions, vectorised). A batch's SpecAugment/mix plan is applied at the log-mel stage.
 * Features are computed on the CPU from the batch's values (the FFT front ends are not tensor ops).
 */
import { z } from 'zod';
import { AugpriorError, defineFeatureExtractor, tf, type FeatureExtractor } from '@augprior/core';
import type { ClipFeatureExtractor } from '../features/extractor.js';
import { createLogMel } from '../features/logmel.js';
import { KWS_LOGMEL } from '../features/meyda-spec.js';
import { createMfcc } from '../features/mfcc.js';
import { createNemoMfcc, MATCHBOXNET_MFCC } from '../features/nemo-mfcc.js';
import { createTfMfcc, MLPERF_KWS_MFCC } from '../features/tf-mfcc.js';
import { applySpecPlan, isSpecPlan } from './spec-plan.js';

export function tensorFrontEnd(extractor: ClipFeatureExtractor): FeatureExtractor {
  const { frames, coefficients, clipSamples } = extractor;
  return {
    description: extractor.description,
    outputShape(shape) {
      const [h, w, c] = shape;
      if (shape.length !== 3 || h !== 1 || c !== 1 || w! > clipSamples) {
        throw new AugpriorError('features.input-shape', `${extractor.description} takes waveform batches [n, 1, <= ${clipSamples}, 1], got [n, ${h}, ${w}, ${c}]`, 'use an audio data source (audio_clips, speech_commands) with an audio front end');
      }
      return [frames, coefficients, 1];
    },
    apply(x, plan) {
      const [n, , L] = x.shape as [number, number, number, number];
      const samples = x.dataSync() as Float32Array;
      const clip = (i: number) => samples.subarray(i * L, (i + 1) * L);
      const out = new Float32Array(n * frames * coefficients);
      const perOut = frames * coefficients;
      const stage = extractor.stage;
      if (isSpecPlan(plan) && stage) {
        const perLogMel = stage.layout.frames * stage.layout.bands;
        const logMel = new Float64Array(n * perLogMel);
        for (let i = 0; i < n; i++) stage.logMel(clip(i), logMel, i * perLogMel);
        applySpecPlan(logMel, stage.layout, plan);
        for (let i = 0; i < n; i++) stage.finish(logMel, i * perLogMel, out, i * perOut);
      } else {
        for (let i = 0; i < n; i++) extractor.extract(clip(i), out, i * perOut);
      }
      return tf.tensor4d(out, [n, frames, coefficients, 1]);
    },
  };
}

const windowing = z.enum(['hanning', 'hamming', 'blackman', 'sine', 'rect']);

export const TfMfccArgs = z.strictObject({
  sampleRate: z.number().int().positive().default(MLPERF_KWS_MFCC.sampleRate),
  clipSamples: z.number().int().positive().default(MLPERF_KWS_MFCC.clipSamples),
  window: z.number().int().positive().default(MLPERF_KWS_MFCC.window),
  hop: z.number().int().positive().default(MLPERF_KWS_MFCC.hop),
  fftSize: z.number().int().positive().default(MLPERF_KWS_MFCC.fftSize),
  melBands: z.number().int().positive().default(MLPERF_KWS_MFCC.melBands),
  lowerHz: z.number().min(0).default(MLPERF_KWS_MFCC.lowerHz),
  upperHz: z.number().positive().default(MLPERF_KWS_MFCC.upperHz),
  logOffset: z.number().positive().default(MLPERF_KWS_MFCC.logOffset),
  coefficients: z.number().int().positive().default(MLPERF_KWS_MFCC.coefficients),
  normalisation: z.enum(['max', 'none']).default(MLPERF_KWS_MFCC.normalisation),
});

export const NemoMfccArgs = z.strictObject({
  sampleRate: z.number().int().positive().default(MATCHBOXNET_MFCC.sampleRate),
  clipSamples: z.number().int().positive().default(MATCHBOXNET_MFCC.clipSamples),
  window: z.number().int().positive().default(MATCHBOXNET_MFCC.window),
  hop: z.number().int().positive().default(MATCHBOXNET_MFCC.hop),
  fftSize: z.number().int().positive().default(MATCHBOXNET_MFCC.fftSize),
  melBands: z.number().int().positive().default(MATCHBOXNET_MFCC.melBands),
  lowerHz: z.number().min(0).default(MATCHBOXNET_MFCC.lowerHz),
  upperHz: z.number().positive().default(MATCHBOXNET_MFCC.upperHz),
  logOffset: z.number().positive().default(MATCHBOXNET_MFCC.logOffset),
  coefficients: z.number().int().positive().default(MATCHBOXNET_MFCC.coefficients),
  timesteps: z.number().int().positive().default(MATCHBOXNET_MFCC.timesteps),
});

/** The student's default: 30 ms frames every 10 ms (98 frames), 40 bands, log(x + 1e-6) (meyda's +1 flattens quiet bands). */
export const LogMelArgs = z.strictObject({
  sampleRate: z.number().int().positive().default(KWS_LOGMEL.sampleRate),
  clipSamples: z.number().int().positive().default(KWS_LOGMEL.clipSamples),
  window: z.number().int().positive().default(480),
  hop: z.number().int().positive().default(160),
  fftSize: z.number().int().positive().default(512),
  melBands: z.number().int().positive().default(40),
  logOffset: z.number().positive().default(1e-6),
  windowing: windowing.default('hanning'),
});

export const MfccArgs = LogMelArgs.extend({ coefficients: z.number().int().positive().default(13) });

export const FEATURE_FRONT_ENDS = {
  mlperf_mfcc: defineFeatureExtractor({
    description: 'the MLPerf Tiny KWS MFCC (TF pipeline: max-normalise, 30/20 ms periodic-Hann STFT, 40 mel 20-4000 Hz, log, DCT; 49x10)',
    args: TfMfccArgs,
    create: (args) => tensorFrontEnd(createTfMfcc(args)),
  }),
  nemo_mfcc: defineFeatureExtractor({
    description: "NeMo MatchboxNet's MFCC (torchaudio: centred reflect-padded 25/10 ms Hann STFT, power, 64 HTK mel 0-8000 Hz, log, ortho DCT; zero-padded to 128 steps: 128x64)",
    args: NemoMfccArgs,
    create: (args) => tensorFrontEnd(createNemoMfcc(args)),
  }),
  logmel: defineFeatureExtractor({
    description: 'log-mel spectrogram, meyda conventions, vectorised (default 98 frames x 40 bands)',
    args: LogMelArgs,
    create: (args) => tensorFrontEnd(createLogMel(args)),
  }),
  mfcc: defineFeatureExtractor({
    description: 'MFCC, meyda conventions, vectorised (default 98 frames x 13 coefficients)',
    args: MfccArgs,
    create: (args) => tensorFrontEnd(createMfcc(args)),
  }),
} as const;
