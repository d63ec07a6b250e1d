// wav-decoder's own failures cannot be provoked through decodeWav's validation, so it is replaced by
// one that throws, to check the error is wrapped with the file name.
import { describe, expect, it, vi } from 'vitest';
import { decodeWav } from './decode.js';
import { pcmWav } from './test-utils/wav-bytes.js';

vi.mock('wav-decoder', () => {
  const decode = Object.assign(async () => undefined, {
    sync: () => {
      throw new TypeError('Invalid WAV file');
    },
  });
  return { default: { decode } };
});

describe('decodeWav wraps wav-decoder errors', () => {
  it('as wav.decode-failed naming the file and the decoder message', () => {
    const bytes = pcmWav({ channels: 1, sampleRate: 16000, bits: 16 }, [[1, 2]]);
    expect(() => decodeWav(bytes, 'a/b.wav')).toThrowError(expect.objectContaining({ code: 'wav.decode-failed', message: expect.stringContaining('a/b.wav could not be decoded by wav-decoder: Invalid WAV file') }));
  });
});
