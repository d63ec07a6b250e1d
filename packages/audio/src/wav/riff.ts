/**
 * Walks the RIFF/WAVE container and returns the fmt and data chunk bodies. This is done here rather
 * than left to wav-decoder because wav-decoder ignores the pad byte after odd-sized chunks, silently
 * decodes whatever part of a truncated data chunk is present, and reports a file without a data
 * chunk as a bare RangeError.
 */
import { AugpriorError } from '@augprior/core';

export interface WavChunks {
  fmt: Uint8Array;
  data: Uint8Array;
}

const CONVERT_HINT = 'convert it to PCM WAV, e.g. `ffmpeg -i in -c:a pcm_s16le out.wav` or `sox in -e signed -b 16 out.wav`';

function ascii(bytes: Uint8Array, at: number, length = 4): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

/** A guess at what a non-WAV file is, so the error can say "this is an MP3" rather than only "not WAV". */
function sniff(bytes: Uint8Array): string | undefined {
  const head = ascii(bytes, 0);
  if (head.startsWith('ID3') || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)) return 'an MP3 / MPEG audio stream';
  if (head === 'OggS') return 'an Ogg (Vorbis/Opus) file';
  if (head === 'fLaC') return 'a FLAC file';
  if (head === 'FORM') return 'an AIFF file';
  if (ascii(bytes, 4) === 'ftyp') return 'an MP4/M4A file';
  const start = bytes.subarray(0, 64);
  if (start.length > 0 && start.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127))) return 'a text file';
  return undefined;
}

export function readWavChunks(bytes: Uint8Array, file: string): WavChunks {
  const head = ascii(bytes, 0);
  if (head === 'RIFX' || head === 'RF64' || head === 'BW64') {
    const what = head === 'RIFX' ? 'big-endian RIFX' : `${head} (64-bit size)`;
    throw new AugpriorError('wav.unsupported-format', `${file} is a ${what} WAV file, which cannot be read`, CONVERT_HINT);
  }
  if (bytes.length < 12 || head !== 'RIFF' || ascii(bytes, 8) !== 'WAVE') {
    const guess = bytes.length >= 12 && head === 'RIFF' ? `a RIFF file of type '${ascii(bytes, 8)}'` : sniff(bytes);
    throw new AugpriorError('wav.not-riff', `${file} is not a RIFF/WAVE file${guess ? ` (it looks like ${guess})` : ''}`, `only WAV files can be read; ${CONVERT_HINT}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: Uint8Array | undefined;
  let data: Uint8Array | undefined;
  // The RIFF size field is often wrong in the wild, so chunks are walked up to the real end of file.
  // Scanning stops once both chunks are found: trailing junk after them must not reject a good file.
  let at = 12;
  while (!(fmt && data) && at + 8 <= bytes.length) {
    const id = ascii(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    const present = Math.min(size, bytes.length - body);
    if (id === 'data' || id === 'fmt ') {
      if (present < size) {
        throw new AugpriorError(
          'wav.truncated',
          `${file} is truncated: its '${id.trim()}' chunk declares ${size} bytes but only ${present} are present`,
          'the file was cut short (interrupted copy or download); fetch or export it again',
        );
      }
      if (id === 'data') data ??= bytes.subarray(body, body + size);
      else fmt ??= bytes.subarray(body, body + size);
    }
    at = body + size + (size & 1); // chunks are word-aligned: odd sizes are followed by a pad byte
  }
  if (!fmt) throw new AugpriorError('wav.no-fmt', `${file} has no 'fmt ' chunk, so its encoding is unknown`, 'the file is damaged or not written by a WAV encoder; export it again');
  if (!data) {
    throw new AugpriorError('wav.no-data', `${file} has no 'data' chunk (the file ends after ${bytes.length} bytes of headers)`, 'the file holds no audio or was cut short; fetch or export it again');
  }
  return { fmt, data };
}
