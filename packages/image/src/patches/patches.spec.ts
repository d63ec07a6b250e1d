import { existsSync, mkdtempSync, readFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Rng } from '@augprior/core';
import { describe, expect, it } from 'vitest';
import { affineWindow, inverseAffineMatrix } from './affine.js';
import { generatePatches } from './generate.js';
import { makePatch, patchScratch, PatchRecipeSchema, roundHalfEven, type PatchDraw } from './recipe.js';
import { resizeRegion } from '@augprior/core';
import { readPatches } from './shards.js';
import { deadLeavesSource, noiseSource } from './sources.js';

const pil = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../fixtures/pil-reference.json'), 'utf8')) as {
  source: { width: number; height: number; data: number[] };
  region: { x: number; y: number; w: number; h: number };
  affine: { angle: number; shearX: number; input: number[]; output: number[] };
} & Record<string, number[]>;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('resampling matches PIL (fixtures from tools/fixtures/make_pil_fixtures.py)', () => {
  const src = Uint8Array.from(pil.source.data);
  it.each([['bicubic', 45], ['bicubic', 12], ['bilinear', 45], ['bilinear', 12]] as const)('%s resize of a region to %i px: within 1 grey level of PIL', (interpolation, size) => {
    const out = new Uint8Array(size * size * 3);
    resizeRegion(src, pil.source.width, pil.source.height, pil.region, out, size, size, interpolation, new Uint8Array(64 * 64 * 3));
    expect(maxDiff(out, pil[`${interpolation}_${size}`]!)).toBeLessThanOrEqual(1);
  });
  it('the affine warp (rotation + x-shear about the centre, bilinear, fill 0) is within 1 grey level of PIL', () => {
    const input = Uint8Array.from(pil.affine.input);
    const out = new Uint8Array(45 * 45 * 3);
    affineWindow(input, 45, inverseAffineMatrix(22.5, 22.5, { angle: pil.affine.angle, shearX: pil.affine.shearX, shearY: 0 }), 0, 45, out);
    expect(maxDiff(out, pil.affine.output)).toBeLessThanOrEqual(1);
  });
  it('centre-crops at Python round() positions', () => {
    expect([roundHalfEven((45 - 32) / 2), roundHalfEven((47 - 32) / 2), roundHalfEven(2.4)]).toEqual([6, 8, 2]);
  });
});

describe('the patch recipe', () => {
  const source = deadLeavesSource(300, 200, 1);
  it('draws crop scale, aspect, rotation, shear and jitter from the configured ranges and rates', () => {
    const recipe = PatchRecipeSchema.parse({});
    const draws: PatchDraw[] = [];
    const out = new Uint8Array(32 * 32 * 3);
    const scratch = patchScratch(recipe, source);
    for (let i = 0; i < 4000; i++) draws.push(makePatch(source, recipe, Rng.derive(5, i), out, scratch));
    const mean = (f: (d: PatchDraw) => number) => draws.reduce((a, d) => a + f(d), 0) / draws.length;
    expect(Math.min(...draws.map((d) => d.areaFraction))).toBeGreaterThanOrEqual(1 / 500 - 1e-3);
    expect(Math.max(...draws.map((d) => d.areaFraction))).toBeLessThanOrEqual(1);
    // area ~ U(1/500, 1), but as in torchvision a draw whose box does not fit (area * aspect > 1)
    // is redrawn, which thins out areas above 3/4 only: the three lower quarters stay equal.
    const quarters = [0, 1, 2, 3].map((q) => draws.filter((d) => d.areaFraction >= q / 4 && d.areaFraction < (q + 1) / 4).length / draws.length);
    for (const q of quarters.slice(0, 3)) expect(Math.abs(q - quarters[0]!)).toBeLessThan(0.04);
    expect(quarters[3]!).toBeLessThan(quarters[0]!);
    // aspect in [3/4, 4/3], up to rounding the box to whole pixels (37 x 27 is 0.73)
    const sizable = draws.filter((d) => d.areaFraction > 0.05);
    expect(Math.min(...sizable.map((d) => d.aspect))).toBeGreaterThan(0.72);
    expect(Math.max(...sizable.map((d) => d.aspect))).toBeLessThan(1.39);
    // angle and shear ~ U(-30, 30): four equal bins hold about a quarter each
    for (const key of ['angle', 'shearX'] as const) {
      const values = draws.map((d) => d[key]);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(-30);
      expect(Math.max(...values)).toBeLessThanOrEqual(30);
      for (let bin = 0; bin < 4; bin++) {
        const share = values.filter((v) => v >= -30 + bin * 15 && v < -15 + bin * 15).length / values.length;
        expect(share, `${key} bin ${bin}`).toBeGreaterThan(0.22);
        expect(share, `${key} bin ${bin}`).toBeLessThan(0.28);
      }
    }
    expect(mean((d) => (d.jittered ? 1 : 0))).toBeCloseTo(0.5, 1);
  });
  it('with rotation, shear and jitter switched off, a full-scale patch is the resized crop', () => {
    const recipe = PatchRecipeSchema.parse({ degrees: 0, shear: 0, jitter: { p: 0 }, scale: [1, 1], ratio: [1, 1], initialCrop: 1 });
    const out = new Uint8Array(32 * 32 * 3);
    const draw = makePatch(source, recipe, Rng.fromSeed(1), out, patchScratch(recipe, source));
    expect(draw).toMatchObject({ areaFraction: 1, angle: 0, shearX: 0, jittered: false });
    expect(out.some((v) => v > 0)).toBe(true);
  });
});

describe('generatePatches', () => {
  const source = noiseSource(120, 80, 3);
  const recipe = PatchRecipeSchema.parse({ size: 16 });
  it('writes byte-identical shards for the same seed whatever the worker count, and round-trips them', async () => {
    const one = mkdtempSync(join(tmpdir(), 'augprior-patches-'));
    const two = mkdtempSync(join(tmpdir(), 'augprior-patches-'));
    const a = await generatePatches({ source, recipe, count: 1200, seed: 9, out: one, workers: 1, shardSize: 500 });
    const b = await generatePatches({ source, recipe, count: 1200, seed: 9, out: two, workers: 2, shardSize: 500 });
    expect(a.shards.map((s) => s.sha256)).toEqual(b.shards.map((s) => s.sha256));
    expect(a.shards.map((s) => s.count)).toEqual([500, 500, 200]);
    const { manifest, pixels } = readPatches(one, { verify: true });
    expect(manifest).toMatchObject({ count: 1200, size: 16, seed: 9, source: { width: 120, height: 80 } });
    expect(pixels.length).toBe(1200 * 16 * 16 * 3);
    const other = await generatePatches({ source, recipe, count: 1200, seed: 10, out: mkdtempSync(join(tmpdir(), 'augprior-patches-')), workers: 1 });
    expect(other.shards[0]!.sha256).not.toBe(a.shards[0]!.sha256);
    truncateSync(join(one, 'patches-00001.u8'), 1000);
    expect(() => readPatches(one)).toThrow(/patches-00001\.u8: 1000 bytes, the manifest says 500 patches of 768 bytes \(truncated\?\)/);
    expect(existsSync(join(two, 'manifest.json'))).toBe(true);
  });
});
