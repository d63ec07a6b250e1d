/**
 * Interprets the 'fmt ' chunk: which sample encoding the data chunk holds, and whether this module
 * can decode it. WAVE_FORMAT_EXTENSIBLE is resolved to the PCM or float format its SubFormat GUID
 * names, because wav-decoder only recognises the plain tags 0x0001 and 0x0003.
 */
import { AugpriorError } from '@augprior/core';

export type WavEncoding = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64';

export interface WavFmt {
  /** 0x0001 (integer PCM) or 0x0003 (IEEE float), after unwrapping WAVE_FORMAT_EXTENSIBLE. */
  tag: 0x0001 | 0x0003;
  extensible: boolean;
  channels: number;
  sampleRate: number;
  /** Bytes per sample frame (all channels). */
  blockAlign: number;
  /** Container bits per sample; for EXTENSIBLE files the valid bits may be fewer, left-aligned. */
  bits: number;
  encoding: WavEncoding;
}

const PCM = 0x0001;
const FLOAT = 0x0003;
const INT_ENCODINGS: Record<number, WavEncoding> = { 8: 'pcm8', 16: 'pcm16', 24: 'pcm24', 32: 'pcm32' };
const FLOAT_ENCODINGS: Record<number, WavEncoding> = { 32: 'float32', 64: 'float64' };
const EXTENSIBLE = 0xfffe;

// Names for the tags people actually meet, so the error says "mu-law" rather than only a number.
const TAG_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'mu-law',
  0x0011: 'IMA ADPCM',
  0x0016: 'ITU G.723 ADPCM',
  0x0031: 'GSM 6.10',
  0x0040: 'ITU G.721 ADPCM',
  0x0050: 'MPEG',
  0x0055: 'MPEG Layer 3 (MP3)',
  0x0161: 'Windows Media Audio',
  0x2000: 'Dolby AC-3',
};

// Bytes 2..15 shared by every KSDATAFORMAT_SUBTYPE_* GUID that wraps an old-style format tag.
const KS_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

const HINT = 'convert it to 16-bit PCM WAV, e.g. `ffmpeg -i in.wav -c:a pcm_s16le out.wav` or `sox in.wav -e signed -b 16 out.wav`';

function hex(tag: number): string {
  return `0x${tag.toString(16).padStart(4, '0')}`;
}

function unsupportedTag(file: string, tag: number, wrapped: boolean): never {
  const name = TAG_NAMES[tag];
  const what = `${wrapped ? 'WAVE_FORMAT_EXTENSIBLE sub-format' : 'format tag'} ${hex(tag)}${name ? ` (${name})` : ''}`;
  throw new AugpriorError(
    'wav.unsupported-format',
    `${file} uses WAV ${what}, which cannot be decoded; only integer PCM (0x0001) and IEEE float (0x0003), plain or inside WAVE_FORMAT_EXTENSIBLE, are supported`,
    HINT,
  );
}

export function parseFmt(body: Uint8Array, file: string): WavFmt {
  if (body.length < 16) {
    throw new AugpriorError('wav.bad-fmt', `${file} has a ${body.length}-byte 'fmt ' chunk, shorter than the 16 bytes every WAV format needs`, 'the file is damaged; export it again');
  }
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const rawTag = view.getUint16(0, true);
  const channels = view.getUint16(2, true);
  const sampleRate = view.getUint32(4, true);
  const blockAlign = view.getUint16(12, true);
  const bits = view.getUint16(14, true);

  let tag = rawTag;
  const extensible = rawTag === EXTENSIBLE;
  if (extensible) {
    if (body.length < 40) {
      throw new AugpriorError('wav.bad-fmt', `${file} declares WAVE_FORMAT_EXTENSIBLE but its 'fmt ' chunk has ${body.length} bytes, not the 40 that format needs`, 'the file is damaged; export it again');
    }
    tag = view.getUint16(24, true);
    if (!KS_GUID_TAIL.every((b, i) => body[26 + i] === b)) {
      const guid = Array.from(body.subarray(24, 40), (b) => b.toString(16).padStart(2, '0')).join('');
      throw new AugpriorError('wav.unsupported-format', `${file} uses a WAVE_FORMAT_EXTENSIBLE sub-format GUID (${guid}) that is not a plain PCM or float format`, HINT);
    }
  }
  if (tag !== PCM && tag !== FLOAT) unsupportedTag(file, tag, extensible);

  if (channels === 0 || sampleRate === 0) {
    throw new AugpriorError('wav.bad-fmt', `${file} declares ${channels} channel(s) at ${sampleRate} Hz`, 'the file header is damaged; export it again');
  }
  const encoding = (tag === FLOAT ? FLOAT_ENCODINGS : INT_ENCODINGS)[bits];
  if (!encoding) {
    const kind = tag === FLOAT ? 'float' : 'integer PCM';
    const allowed = tag === FLOAT ? '32 or 64' : '8, 16, 24 or 32';
    throw new AugpriorError('wav.unsupported-format', `${file} holds ${bits}-bit ${kind} samples; only ${allowed}-bit ${kind} can be decoded`, HINT);
  }
  // wav-decoder steps through the data by blockAlign but reads bits/8 bytes per sample, so the two
  // must agree or every frame after the first is misread.
  if (blockAlign !== channels * (bits / 8)) {
    throw new AugpriorError(
      'wav.bad-fmt',
      `${file} declares ${channels} channel(s) of ${bits}-bit samples but a block size of ${blockAlign} bytes (expected ${channels * (bits / 8)})`,
      'the file header is inconsistent; export it again',
    );
  }
  return { tag: tag === FLOAT ? FLOAT : PCM, extensible, channels, sampleRate, blockAlign, bits, encoding };
}
