import { describe, expect, it } from 'vitest';
import { Rng, mixSeed } from './rng.js';

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = Array.from({ length: 5 }, ((r) => () => r.nextUint32())(Rng.fromSeed(1)));
    const b = Array.from({ length: 5 }, ((r) => () => r.nextUint32())(Rng.fromSeed(1)));
    const c = Array.from({ length: 5 }, ((r) => () => r.nextUint32())(Rng.fromSeed(2)));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
  it('resumes exactly from a saved state', () => {
    const r = Rng.fromSeed(42);
    for (let i = 0; i < 100; i++) r.normal();
    const copy = Rng.fromState(r.state());
    expect(Array.from({ length: 20 }, () => copy.uniform())).toEqual(Array.from({ length: 20 }, () => r.uniform()));
  });
  it('derives independent streams from integer tuples', () => {
    expect(mixSeed(0, 1)).not.toBe(mixSeed(1, 0));
    expect(Rng.derive(7, 3).uniform()).toBe(Rng.derive(7, 3).uniform());
    expect(Rng.derive(7, 3).uniform()).not.toBe(Rng.derive(7, 4).uniform());
  });
  it('has the right moments for uniform, normal and beta', () => {
    const r = Rng.fromSeed(9);
    const n = 40_000;
    let su = 0, sn = 0, sn2 = 0, sb = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      su += u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
      sb += r.beta(0.25, 0.25);
    }
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(sn / n).toBeCloseTo(0, 1);
    expect(sn2 / n).toBeCloseTo(1, 1);
    // Beta(a, a) has mean 1/2 and variance 1/(4(2a+1)) = 1/6 for a = 0.25.
    expect(sb / n).toBeCloseTo(0.5, 1);
  });
  it('permutes without losing elements', () => {
    const p = Array.from(Rng.fromSeed(3).permutation(50)).sort((a, b) => a - b);
    expect(p).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
