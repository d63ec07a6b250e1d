import { AugpriorError } from '@augprior/core';
import { describe, expect, it } from 'vitest';
import { decodeWav } from './decode.js';
import { encodeFloats, encodeInts, fmtChunk, pcmWav, riff } from './test-utils/wav-bytes.js';

const FILE = 'clips/yes/test-clip.wav';

/** Runs `fn`, expecting an AugpriorError with `code` whose message names the file. */
function expectWavError(fn: () => unknown, code: string, ...mentions: string[]): AugpriorError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AugpriorError);
  const error = caught as AugpriorError;
  expect(error.code).toBe(code);
  expect(error.message).toContain(FILE);
  for (const m of mentions) expect(error.message).toContain(m);
  expect(error.hint).toBeTruthy();
  return error;
}

describe('decodeWav: sample formats', () => {
  const intCases = [
    { bits: 8, format: 'pcm8', values: [-128, -64, -1, 0, 1, 100, 127] },
    { bits: 16, format: 'pcm16', values: [-32768, -12345, -1, 0, 1, 23456, 32767] },
    { bits: 24, format: 'pcm24', values: [-8388608, -4000000, -1, 0, 1, 5000001, 8388607] },
    { bits: 32, format: 'pcm32', values: [-2147483648, -123456789, -1, 0, 1, 987654321, 2147483647] },
  ] as const;

  for (const { bits, format, values } of intCases) {
    it(`decodes ${bits}-bit PCM to x / 2^${bits - 1}, within 1 LSB, full scale negative exactly -1`, () => {
      const audio = decodeWav(pcmWav({ channels: 1, sampleRate: 16000, bits }, [[...values]]), FILE);
      expect(audio).toMatchObject({ sampleRate: 16000, channels: 1, length: values.length, format });
      const lsb = 2 ** -(bits - 1);
      // Against the float32 rounding of the exact value: 32-bit PCM has finer steps than float32 near full scale.
      values.forEach((v, i) => expect(Math.abs(audio.data[0]![i]! - Math.fround(v * lsb))).toBeLessThanOrEqual(lsb));
      expect(audio.data[0]![0]).toBe(-1); // wav-decoder alone gives +1 for the 24-bit minimum
      expect(audio.data[0]![values.indexOf(0)]).toBe(0);
      // Positive full scale is 1 - 1 LSB, which float32 can hold up to 24 bits; for 32 bits it rounds to 1.
      expect(Math.max(...audio.data[0]!)).toBe(bits === 32 ? 1 : 1 - lsb);
    });
  }

  it('decodes 32- and 64-bit float samples as stored', () => {
    const values = [-1, -0.25, 0, 0.125, 0.999, 1.5];
    for (const bits of [32, 64] as const) {
      const audio = decodeWav(pcmWav({ tag: 3, channels: 1, sampleRate: 22050, bits }, [values]), FILE);
      expect(audio).toMatchObject({ sampleRate: 22050, channels: 1, length: values.length, format: `float${bits}` });
      expect(Array.from(audio.data[0]!)).toEqual(values.map(Math.fround));
    }
  });

  it('de-interleaves channels', () => {
    const audio = decodeWav(pcmWav({ channels: 3, sampleRate: 8000, bits: 16 }, [[100, 200], [-300, -400], [0, 32767]]), FILE);
    expect(audio).toMatchObject({ channels: 3, length: 2 });
    expect(Array.from(audio.data[0]!)).toEqual([100 / 32768, 200 / 32768].map(Math.fround));
    expect(Array.from(audio.data[1]!)).toEqual([-300 / 32768, -400 / 32768].map(Math.fround));
    expect(Array.from(audio.data[2]!)).toEqual([0, 32767 / 32768].map(Math.fround));
  });

  it('reads WAVE_FORMAT_EXTENSIBLE PCM, 24-bit in 32-bit containers and float (wav-decoder rejects tag 0xfffe itself)', () => {
    const pcm = decodeWav(pcmWav({ extensibleSubTag: 1, channels: 2, sampleRate: 48000, bits: 16 }, [[1000, -1000], [-32768, 32767]]), FILE);
    expect(pcm).toMatchObject({ channels: 2, length: 2, format: 'pcm16' });
    expect(Array.from(pcm.data[1]!)).toEqual([-1, Math.fround(32767 / 32768)]);

    // 24 valid bits, left-aligned in 32-bit containers: the low byte is padding.
    const wide = decodeWav(pcmWav({ extensibleSubTag: 1, channels: 1, sampleRate: 48000, bits: 32, validBits: 24 }, [[-8388608 * 256, 4194304 * 256, 8388607 * 256]]), FILE);
    expect(wide.format).toBe('pcm32');
    expect(Array.from(wide.data[0]!)).toEqual([-1, 0.5, Math.fround(8388607 / 8388608)]);

    const float = decodeWav(pcmWav({ extensibleSubTag: 3, channels: 1, sampleRate: 44100, bits: 32 }, [[0.5, -0.75]]), FILE);
    expect(float.format).toBe('float32');
    expect(Array.from(float.data[0]!)).toEqual([0.5, -0.75]);
  });

  it('skips other chunks, honouring the pad byte after odd-sized ones, and finds fmt after data', () => {
    const fmt = fmtChunk({ channels: 1, sampleRate: 16000, bits: 16 });
    const data = { id: 'data', body: encodeInts(16, [1, 2, 3]) };
    const bytes = riff([{ id: 'LIST', body: Uint8Array.of(1, 2, 3) }, fmt, { id: 'junk', body: new Uint8Array(5) }, data, { id: 'LIST', body: new Uint8Array(4) }]);
    expect(Array.from(decodeWav(bytes, FILE).data[0]!)).toEqual([1, 2, 3].map((v) => Math.fround(v / 32768)));
    expect(Array.from(decodeWav(riff([data, fmt]), FILE).data[0]!)).toHaveLength(3);
    // Trailing bytes that are not a whole chunk (seen in the wild) do not reject a good file.
    expect(decodeWav(Uint8Array.from([...bytes, 0x00, 0x11, 0x22]), FILE).length).toBe(3);
  });

  it('drops a trailing partial frame and reads a Uint8Array view at any offset', () => {
    const bytes = riff([fmtChunk({ channels: 2, sampleRate: 16000, bits: 16 }), { id: 'data', body: encodeInts(16, [1, 2, 3, 4, 5]) }]);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const audio = decodeWav(shifted.subarray(3), FILE);
    expect(audio.length).toBe(2);
    expect(Array.from(audio.data[1]!)).toEqual([2, 4].map((v) => Math.fround(v / 32768)));
  });
});

describe('decodeWav: malformed files give named errors that name the file', () => {
  const fmt16 = fmtChunk({ channels: 1, sampleRate: 16000, bits: 16 });

  it('wav.not-riff for text, MP3 and other RIFF types', () => {
    expectWavError(() => decodeWav(new TextEncoder().encode('this is a text file renamed to .wav\n'), FILE), 'wav.not-riff', 'text file');
    const mp3 = Uint8Array.from([...new TextEncoder().encode('ID3'), 3, 0, 0, 0, 0, 0, 0, 0xff, 0xfb, 0x90, 0x64]);
    expectWavError(() => decodeWav(mp3, FILE), 'wav.not-riff', 'MP3');
    expectWavError(() => decodeWav(Uint8Array.of(0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0, 0), FILE), 'wav.not-riff', 'MP3');
    const avi = riff([]);
    avi.set(new TextEncoder().encode('AVI '), 8);
    expectWavError(() => decodeWav(avi, FILE), 'wav.not-riff', "'AVI '");
    expectWavError(() => decodeWav(new Uint8Array(0), FILE), 'wav.not-riff');
  });

  it('wav.unsupported-format for RIFX (big-endian) files', () => {
    const bytes = pcmWav({ channels: 1, sampleRate: 16000, bits: 16 }, [[1]]);
    bytes.set(new TextEncoder().encode('RIFX'), 0);
    expectWavError(() => decodeWav(bytes, FILE), 'wav.unsupported-format', 'RIFX');
  });

  it('wav.truncated names the declared and present byte counts', () => {
    const bytes = riff([fmt16, { id: 'data', body: encodeInts(16, new Array(50).fill(7)), declaredSize: 2000 }]);
    expectWavError(() => decodeWav(bytes, FILE), 'wav.truncated', '2000 bytes', 'only 100');
    const cutFmt = riff([{ id: 'fmt ', body: fmt16.body.subarray(0, 10), declaredSize: 16 }]);
    expectWavError(() => decodeWav(cutFmt, FILE), 'wav.truncated', "'fmt'");
  });

  it('wav.empty for a data chunk without a whole sample frame', () => {
    expectWavError(() => decodeWav(riff([fmt16, { id: 'data', body: new Uint8Array(0) }]), FILE), 'wav.empty', 'no audio');
    expectWavError(() => decodeWav(riff([fmtChunk({ channels: 2, sampleRate: 16000, bits: 16 }), { id: 'data', body: new Uint8Array(3) }]), FILE), 'wav.empty');
  });

  it('wav.no-fmt and wav.no-data when a chunk is missing', () => {
    expectWavError(() => decodeWav(riff([{ id: 'data', body: encodeInts(16, [1, 2]) }]), FILE), 'wav.no-fmt');
    expectWavError(() => decodeWav(riff([fmt16, { id: 'LIST', body: new Uint8Array(4) }]), FILE), 'wav.no-data');
  });

  it('wav.unsupported-format names the format tag (mu-law, ADPCM, ...) and odd bit depths', () => {
    expectWavError(() => decodeWav(pcmWav({ tag: 7, channels: 1, sampleRate: 8000, bits: 8 }, [[1, 2]]), FILE), 'wav.unsupported-format', '0x0007', 'mu-law');
    expectWavError(() => decodeWav(pcmWav({ tag: 6, channels: 1, sampleRate: 8000, bits: 8 }, [[1, 2]]), FILE), 'wav.unsupported-format', '0x0006', 'A-law');
    const adpcm = riff([fmtChunk({ tag: 0x11, channels: 1, sampleRate: 8000, bits: 4, blockAlign: 256 }), { id: 'data', body: new Uint8Array(256) }]);
    expectWavError(() => decodeWav(adpcm, FILE), 'wav.unsupported-format', '0x0011', 'IMA ADPCM');
    expectWavError(() => decodeWav(pcmWav({ tag: 0x1234, channels: 1, sampleRate: 8000, bits: 16 }, [[1]]), FILE), 'wav.unsupported-format', '0x1234');
    expectWavError(() => decodeWav(pcmWav({ extensibleSubTag: 7, channels: 1, sampleRate: 8000, bits: 8 }, [[1]]), FILE), 'wav.unsupported-format', 'sub-format 0x0007');
    const twelve = riff([fmtChunk({ channels: 1, sampleRate: 8000, bits: 12, blockAlign: 2 }), { id: 'data', body: new Uint8Array(4) }]);
    expectWavError(() => decodeWav(twelve, FILE), 'wav.unsupported-format', '12-bit integer PCM');
    const half = riff([fmtChunk({ tag: 3, channels: 1, sampleRate: 8000, bits: 16 }), { id: 'data', body: new Uint8Array(4) }]);
    expectWavError(() => decodeWav(half, FILE), 'wav.unsupported-format', '16-bit float');
  });

  it('wav.bad-fmt for inconsistent headers', () => {
    const misaligned = riff([fmtChunk({ channels: 2, sampleRate: 16000, bits: 16, blockAlign: 2 }), { id: 'data', body: new Uint8Array(8) }]);
    expectWavError(() => decodeWav(misaligned, FILE), 'wav.bad-fmt', 'block size of 2 bytes (expected 4)');
    const noChannels = riff([fmtChunk({ channels: 0, sampleRate: 16000, bits: 16, blockAlign: 2 }), { id: 'data', body: new Uint8Array(8) }]);
    expectWavError(() => decodeWav(noChannels, FILE), 'wav.bad-fmt', '0 channel(s)');
    expectWavError(() => decodeWav(riff([{ id: 'fmt ', body: new Uint8Array(12) }, { id: 'data', body: new Uint8Array(8) }]), FILE), 'wav.bad-fmt');
  });

  it('wav.non-finite for NaN or infinite float samples, with their position', () => {
    const bytes = riff([fmtChunk({ tag: 3, channels: 1, sampleRate: 1000, bits: 32 }), { id: 'data', body: encodeFloats(32, [0, 0.5, Number.NaN]) }]);
    expectWavError(() => decodeWav(bytes, FILE), 'wav.non-finite', 'frame 2');
  });
});
