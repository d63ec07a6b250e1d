import { describe, expect, it } from 'vitest';
import { RealFft } from './fft.js';

function naivePower(x: Float64Array): Float64Array {
  const n = x.length;
  return Float64Array.from({ length: n / 2 + 1 }, (_, k) => {
    let re = 0;
    let im = 0;
    for (let t = 0; t < n; t++) {
      re += x[t]! * Math.cos((2 * Math.PI * k * t) / n);
      im -= x[t]! * Math.sin((2 * Math.PI * k * t) / n);
    }
    return re * re + im * im;
  });
}

describe('RealFft', () => {
  it.each([4, 8, 64, 512])('matches a direct DFT at size %i', (size) => {
    const x = Float64Array.from({ length: size }, (_, i) => Math.sin(i * 0.37) + 0.3 * Math.cos(i * 1.9) + (i % 5) * 0.1);
    const fft = new RealFft(size);
    const out = new Float64Array(fft.bins);
    fft.power(x, out);
    const want = naivePower(x);
    const scale = Math.max(...want);
    for (let k = 0; k < want.length; k++) expect(Math.abs(out[k]! - want[k]!) / scale).toBeLessThan(1e-12);
  });

  it('gives the same answer on reuse (scratch state does not leak between frames)', () => {
    const fft = new RealFft(32);
    const a = Float64Array.from({ length: 32 }, (_, i) => i % 3);
    const b = Float64Array.from({ length: 32 }, (_, i) => Math.cos(i));
    const first = new Float64Array(17);
    const again = new Float64Array(17);
    fft.power(a, first);
    fft.power(b, again);
    fft.power(a, again);
    expect(Array.from(again)).toEqual(Array.from(first));
  });

  it('rejects sizes that are not powers of two', () => {
    expect(() => new RealFft(480)).toThrow(/not a power of two/);
    expect(() => new RealFft(2)).toThrow(/not a power of two/);
  });
});
