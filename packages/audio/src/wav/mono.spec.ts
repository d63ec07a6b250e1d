import { describe, expect, it } from 'vitest';
import { decodeWav } from './decode.js';
import { toMono } from './mono.js';
import { pcmWav } from './test-utils/wav-bytes.js';

describe('toMono', () => {
  it('averages stereo channels sample by sample', () => {
    const mono = toMono([Float32Array.of(1, 0.5, -1, 0.25), Float32Array.of(0, 0.5, 1, -0.75)]);
    expect(Array.from(mono)).toEqual([0.5, 0.5, 0, -0.25]);
  });

  it('averages any number of channels, rounding once', () => {
    const mono = toMono([Float32Array.of(0.1), Float32Array.of(0.2), Float32Array.of(0.4)]);
    expect(mono[0]).toBe(Math.fround((Math.fround(0.1) + Math.fround(0.2) + Math.fround(0.4)) / 3));
  });

  it('returns a single channel as is', () => {
    const only = Float32Array.of(0.1, 0.2);
    expect(toMono([only])).toBe(only);
  });

  it('down-mixes a decoded stereo file', () => {
    const audio = decodeWav(pcmWav({ channels: 2, sampleRate: 16000, bits: 16 }, [[16384, -32768], [0, 32767]]), 'stereo.wav');
    expect(Array.from(toMono(audio.data))).toEqual([0.25, Math.fround((-1 + 32767 / 32768) / 2)]);
  });

  it('rejects no channels or channels of different lengths', () => {
    expect(() => toMono([])).toThrow(/at least one channel/);
    expect(() => toMono([new Float32Array(2), new Float32Array(3)])).toThrow(/differ in length/);
  });
});
