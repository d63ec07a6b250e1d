/**
 * WAV bytes -> one Float32Array per channel.
 *
 * riff.ts and fmt.ts check the container and name what is wrong with it; wav-decoder then converts
 * the samples. It is handed a canonical 44-byte-header copy of the file rather than the file itself,
 * so that its own gaps (no WAVE_FORMAT_EXTENSIBLE, no chunk padding, silent truncation) never apply.
 *
 * Scaling: integer PCM becomes x / 2^(bits-1) (8-bit, which is unsigned: (x - 128) / 128), so
 * negative full scale is exactly -1 and positive full scale is 1 - 1 LSB (float32 rounds that to 1
 * for 32-bit PCM). That is the convention of TensorFlow's decode_wav, torchaudio and soundfile,
 * which the teachers' own preprocessing used.
 * Float samples are returned as stored (they may exceed +-1) but must be finite.
 */
/// <reference path="./wav-decoder.d.ts" />
import wavDecoder from 'wav-decoder';
import { AugpriorError } from '@augprior/core';
import { parseFmt, type WavEncoding, type WavFmt } from './fmt.js';
import { readWavChunks } from './riff.js';

export type { WavEncoding } from './fmt.js';

export interface DecodedAudio {
  sampleRate: number;
  channels: number;
  /** Sample frames, i.e. samples per channel. */
  length: number;
  format: WavEncoding;
  /** One array per channel, each `length` long. */
  data: Float32Array[];
}

function canonicalWav(fmt: WavFmt, data: Uint8Array): ArrayBuffer {
  const out = new Uint8Array(44 + data.length);
  const view = new DataView(out.buffer);
  const tag = (at: number, text: string) => out.set(Array.from(text, (c) => c.charCodeAt(0)), at);
  tag(0, 'RIFF');
  view.setUint32(4, 36 + data.length, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, fmt.tag, true);
  view.setUint16(22, fmt.channels, true);
  view.setUint32(24, fmt.sampleRate, true);
  view.setUint32(28, fmt.sampleRate * fmt.blockAlign, true);
  view.setUint16(32, fmt.blockAlign, true);
  view.setUint16(34, fmt.bits, true);
  tag(36, 'data');
  view.setUint32(40, data.length, true);
  out.set(data, 44);
  return out.buffer;
}

/** Brings wav-decoder's output to the scaling described above. */
function rescale(channel: Float32Array, encoding: WavEncoding): void {
  if (encoding === 'pcm8') {
    // Decoded asymmetrically ((x-128)/128 below the midpoint, (x-128)/127 above), because its
    // "symmetric" 8-bit mode uses (x-127.5)/127.5 and so moves digital silence off zero.
    for (let i = 0; i < channel.length; i++) if (channel[i]! > 0) channel[i] = Math.round(channel[i]! * 127) / 128;
  } else if (encoding === 'pcm24') {
    // wav-decoder sign-extends 24-bit samples with `> 0x800000` instead of `>=`, so the most negative
    // value 0x800000 comes out as +1. In symmetric mode nothing else can reach +1.
    for (let i = 0; i < channel.length; i++) if (channel[i] === 1) channel[i] = -1;
  }
}

function checkFinite(data: Float32Array[], sampleRate: number, file: string): void {
  for (let ch = 0; ch < data.length; ch++) {
    const channel = data[ch]!;
    for (let i = 0; i < channel.length; i++) {
      if (!Number.isFinite(channel[i]!)) {
        throw new AugpriorError(
          'wav.non-finite',
          `${file} holds a non-finite float sample (${channel[i]}) in channel ${ch} at frame ${i} (${(i / sampleRate).toFixed(3)} s)`,
          'the float WAV is corrupt; re-export it (clipping or normalising in an audio editor repairs it)',
        );
      }
    }
  }
}

/** Decodes a whole WAV file held in memory; `file` names it in error messages. */
export function decodeWav(bytes: Uint8Array, file: string): DecodedAudio {
  const chunks = readWavChunks(bytes, file);
  const fmt = parseFmt(chunks.fmt, file);
  const length = Math.floor(chunks.data.length / fmt.blockAlign);
  if (length === 0) {
    throw new AugpriorError(
      'wav.empty',
      `${file} holds no audio: its data chunk has ${chunks.data.length} bytes, less than one ${fmt.blockAlign}-byte sample frame`,
      'record or export the clip again, or remove it from the data set',
    );
  }
  let decoded;
  try {
    // A trailing partial frame is dropped here: it cannot hold a sample for every channel.
    decoded = wavDecoder.decode.sync(canonicalWav(fmt, chunks.data.subarray(0, length * fmt.blockAlign)), { symmetric: fmt.bits !== 8 });
  } catch (error) {
    throw new AugpriorError('wav.decode-failed', `${file} could not be decoded by wav-decoder: ${error instanceof Error ? error.message : String(error)}`, 'check that the file plays in an audio player; if it does, convert it to 16-bit PCM WAV');
  }
  if (decoded.length !== length || decoded.channelData.length !== fmt.channels) {
    throw new AugpriorError('wav.decode-failed', `${file}: wav-decoder returned ${decoded.channelData.length} channel(s) of ${decoded.length} frames, expected ${fmt.channels} of ${length}`);
  }
  for (const channel of decoded.channelData) rescale(channel, fmt.encoding);
  if (fmt.tag === 0x0003) checkFinite(decoded.channelData, fmt.sampleRate, file);
  return { sampleRate: fmt.sampleRate, channels: fmt.channels, length, format: fmt.encoding, data: decoded.channelData };
}
