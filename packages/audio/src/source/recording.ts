/**
 * The ONE recording a student learns from: one or more wav files joined end to end (the shared
 * LJ Speech excerpts are two files of one continuous reading), or a procedural control: synthetic
 * white/pink noise of the same duration (the audio counterpart of the paper's noise image).
 */
import { createHash } from 'node:crypto';
import { AugpriorError, Rng, type DataRoot, RNG_STREAMS, resolveDataPath } from '@augprior/core';
import { loadAudioFile } from '../wav/index.js';
import { syntheticNoise } from './waveform-augment.js';

export interface Recording {
  description: string;
  samples: Float32Array;
  sampleRate: number;
  sha256: string;
}

function hashSamples(samples: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength)).digest('hex');
}

/** `sources`: data-root paths (or ./relative) to join, or ["noise:white"] / ["noise:pink"]. */
export async function loadRecording(sources: readonly string[], options: { sampleRate: number; noiseSeconds: number; seed: number; dataRoot: DataRoot; cwd: string }): Promise<Recording> {
  if (sources.length === 0) throw new AugpriorError('audio.no-source', 'the audio source list is empty', 'name at least one wav file (or "noise:white")');
  const first = sources[0]!;
  if (first.startsWith('noise:')) {
    const color = first.slice('noise:'.length);
    if (color !== 'white' && color !== 'pink') throw new AugpriorError('audio.bad-source', `unknown procedural audio source "${first}"`, 'use "noise:white" or "noise:pink"');
    // 0.1 RMS: a level comparable to speech, so gain and SNR augmentations mean the same thing.
    const samples = syntheticNoise(Math.round(options.noiseSeconds * options.sampleRate), color, Rng.derive(options.seed, RNG_STREAMS.noiseRecording));
    for (let i = 0; i < samples.length; i++) samples[i] = Math.max(-1, Math.min(1, samples[i]! * 0.1));
    return { description: `${color} noise (${options.noiseSeconds} s, seed ${options.seed})`, samples, sampleRate: options.sampleRate, sha256: hashSamples(samples) };
  }
  const parts: Float32Array[] = [];
  for (const source of sources) {
    const file = resolveDataPath(source, options, 'the audio source');
    parts.push((await loadAudioFile(file, { sampleRate: options.sampleRate, resample: true })).samples);
  }
  const samples = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    samples.set(part, offset);
    offset += part.length;
  }
  const seconds = samples.length / options.sampleRate;
  return { description: `${sources.join(' + ')} (${seconds.toFixed(1)} s)`, samples, sampleRate: options.sampleRate, sha256: hashSamples(samples) };
}
