/**
 * Feature throughput on generated noise, for the CLI bench. Each path runs for about
 * `secondsPerPath` of wall time (synchronously: it blocks the event loop meanwhile), after one
 * untimed clip that builds tables and warms the JIT.
 */
import type { ClipFeatureExtractor } from './extractor.js';
import { createLogMel } from './logmel.js';
import { createMeydaLogMelReference } from './meyda-reference.js';
import { KWS_LOGMEL, type LogMelSpec } from './meyda-spec.js';
import { createTfMfcc, MLPERF_KWS_MFCC, type TfMfccSpec } from './tf-mfcc.js';

export interface FeatureRate {
  description: string;
  clips: number;
  frames: number;
  seconds: number;
  framesPerSecond: number;
  clipsPerSecond: number;
}

export interface FeatureRates {
  /** Meyda.extract('melBands') frame by frame. */
  meydaPerFrame: FeatureRate;
  /** createLogMel: the same numbers, one pass per clip. */
  vectorised: FeatureRate;
  /** createTfMfcc: the teacher's MLPerf MFCC. */
  tfMfcc: FeatureRate;
}

export interface FeatureRateOptions {
  secondsPerPath?: number;
  /** Distinct noise clips cycled through. */
  clips?: number;
  logMel?: LogMelSpec;
  tfMfcc?: TfMfccSpec;
}

/** Uniform noise in [-0.5, 0.5) from a 32-bit LCG: reproducible without a seeded RNG dependency. */
export function noiseClips(count: number, samples: number, seed = 1): Float32Array[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () =>
    Float32Array.from({ length: samples }, () => {
      state = (Math.imul(1664525, state) + 1013904223) >>> 0;
      return state / 2 ** 32 - 0.5;
    }),
  );
}

function measure(extractor: ClipFeatureExtractor, clips: readonly Float32Array[], seconds: number): FeatureRate {
  const out = new Float32Array(extractor.frames * extractor.coefficients);
  extractor.extract(clips[0]!, out);
  let done = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    extractor.extract(clips[done % clips.length]!, out);
    done++;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < seconds);
  return {
    description: extractor.description,
    clips: done,
    frames: done * extractor.frames,
    seconds: elapsed,
    framesPerSecond: (done * extractor.frames) / elapsed,
    clipsPerSecond: done / elapsed,
  };
}

export function measureFeatureRates(options: FeatureRateOptions = {}): FeatureRates {
  const seconds = options.secondsPerPath ?? 1.5;
  const logMel = options.logMel ?? KWS_LOGMEL;
  const tf = options.tfMfcc ?? MLPERF_KWS_MFCC;
  const count = options.clips ?? 16;
  const melClips = noiseClips(count, logMel.clipSamples);
  const tfClips = tf.clipSamples === logMel.clipSamples ? melClips : noiseClips(count, tf.clipSamples);
  return {
    meydaPerFrame: measure(createMeydaLogMelReference(logMel), melClips, seconds),
    vectorised: measure(createLogMel(logMel), melClips, seconds),
    tfMfcc: measure(createTfMfcc(tf), tfClips, seconds),
  };
}
