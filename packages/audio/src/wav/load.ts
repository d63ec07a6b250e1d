/** A WAV file on disk -> mono samples at the sample rate a model expects. */
import { readFile } from 'node:fs/promises';
import { AugpriorError } from '@augprior/core';
import { decodeWav } from './decode.js';
import { toMono } from './mono.js';
import { resampleTo, type ResampleConverter } from './resample.js';

export interface LoadAudioOptions {
  /** The rate the caller needs, in Hz. */
  sampleRate: number;
  /** Convert other rates to `sampleRate`; when false a different rate is an error (`wav.sample-rate`). */
  resample: boolean;
  /** libsamplerate converter used when resampling; default 'sinc-best'. */
  converter?: ResampleConverter;
}

export interface LoadedAudio {
  /** Mono (channels averaged) at `sampleRate`. */
  samples: Float32Array;
  sampleRate: number;
  /** The file's own rate and channel count, before down-mixing and resampling. */
  sourceRate: number;
  sourceChannels: number;
  file: string;
}

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new AugpriorError('wav.missing', `audio file ${file} does not exist`, 'check the path, and that the data set is fully downloaded and unpacked');
    }
    throw new AugpriorError('wav.unreadable', `audio file ${file} cannot be read: ${error instanceof Error ? error.message : String(error)}`, 'check that it is a file and readable by this user');
  }
}

export async function loadAudioFile(file: string, options: LoadAudioOptions): Promise<LoadedAudio> {
  const audio = decodeWav(await readBytes(file), file);
  const mono = toMono(audio.data);
  const base = { sampleRate: options.sampleRate, sourceRate: audio.sampleRate, sourceChannels: audio.channels, file };
  if (audio.sampleRate === options.sampleRate) return { samples: mono, ...base };
  if (!options.resample) {
    throw new AugpriorError(
      'wav.sample-rate',
      `${file} is sampled at ${audio.sampleRate} Hz, but ${options.sampleRate} Hz is expected`,
      `enable resampling (resample: true) to convert it on load, or convert the file to ${options.sampleRate} Hz beforehand`,
    );
  }
  const samples = await resampleTo(mono, audio.sampleRate, options.sampleRate, { source: file, ...(options.converter ? { converter: options.converter } : {}) });
  return { samples, ...base };
}
