import { describe, expect, it } from 'vitest';
import { decodeWav } from './decode.js';
import { encodePcm16Wav } from './encode.js';

describe('encodePcm16Wav', () => {
  it('writes a WAV that decodes back within one LSB', () => {
    const x = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i / 7) * 0.9);
    const decoded = decodeWav(encodePcm16Wav(x, 16000), 'roundtrip.wav');
    expect(decoded).toMatchObject({ sampleRate: 16000, channels: 1, length: 1000, format: 'pcm16' });
    expect(Math.max(...Array.from(decoded.data[0]!).map((v, i) => Math.abs(v - x[i]!)))).toBeLessThan(1 / 32768 + 1e-7);
  });
});
