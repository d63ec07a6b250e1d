import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFakeVideos, readFakeVideos, type SourceImage } from './fake-clips.js';
import { FakeVideoRecipeSchema, frameBox, makeFakeClip } from './recipe.js';

/** A gradient source: the frames' mean colour tells where the camera looks. */
function source(width = 200, height = 120): SourceImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([Math.round((255 * x) / width), Math.round((255 * y) / height), 128], (y * width + x) * 3);
  return { data, width, height, description: 'gradient', sha256: 'g' };
}

describe('fake videos from one image', () => {
  const recipe = FakeVideoRecipeSchema.parse({ frames: 8, size: 16, jitter: { p: 0 } });

  it('interpolates the camera box from the first to the second draw, inside the initial crop', () => {
    const out = new Uint8Array(8 * 16 * 16 * 3);
    const draw = makeFakeClip(source(), recipe, 1, 4, out);
    expect(draw.crop.w).toBe(60); // half the shorter side
    const first = frameBox(draw, 0, 8);
    const last = frameBox(draw, 7, 8);
    expect(first).toEqual({ x: draw.crop.x + draw.from.x, y: draw.crop.y + draw.from.y, w: draw.from.w, h: draw.from.h });
    expect(last).toEqual({ x: draw.crop.x + draw.to.x, y: draw.crop.y + draw.to.y, w: draw.to.w, h: draw.to.h });
    for (let t = 0; t < 8; t++) {
      const b = frameBox(draw, t, 8);
      expect(b.x >= draw.crop.x && b.y >= draw.crop.y && b.x + b.w <= draw.crop.x + 60 && b.y + b.h <= draw.crop.y + 60).toBe(true);
    }
    // The red channel tracks the box centre's x: monotone from the first frame to the last.
    const meanRed = (t: number) => {
      let s = 0;
      for (let p = 0; p < 256; p++) s += out[t * 768 + p * 3]!;
      return s / 256;
    };
    const reds = Array.from({ length: 8 }, (_, t) => meanRed(t));
    const direction = Math.sign(reds[7]! - reds[0]!);
    for (let t = 1; t < 8; t++) expect(Math.sign(reds[t]! - reds[t - 1]!) * direction).toBeGreaterThanOrEqual(0);
  });

  it('is deterministic per (seed, index) and jitters every frame of a clip alike', () => {
    const jittery = FakeVideoRecipeSchema.parse({ frames: 4, size: 8, jitter: { p: 1 }, scale: [1, 1], ratio: [1, 1] });
    const a = new Uint8Array(4 * 192);
    const b = new Uint8Array(4 * 192);
    makeFakeClip(source(), jittery, 2, 9, a);
    makeFakeClip(source(), jittery, 2, 9, b);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    // scale 1, ratio 1: both boxes are the whole crop, so every frame is the same image, jitter included.
    expect(Buffer.from(a.subarray(0, 192)).equals(Buffer.from(a.subarray(576, 768)))).toBe(true);
    const plain = new Uint8Array(4 * 192);
    makeFakeClip(source(), { ...jittery, jitter: { ...jittery.jitter, p: 0 } }, 2, 9, plain);
    expect(Buffer.from(a).equals(Buffer.from(plain))).toBe(false);
  });

  it('writes shards + manifest that read back byte-identically, and names a truncated shard', async () => {
    const out = mkdtempSync(join(tmpdir(), 'augprior-fake-'));
    const manifest = await generateFakeVideos({ source: source(), recipe, count: 300, seed: 3, out });
    expect(manifest.shards.map((s) => s.count)).toEqual([256, 44]);
    const { clips } = readFakeVideos(out, { verify: true });
    const again = mkdtempSync(join(tmpdir(), 'augprior-fake-'));
    await generateFakeVideos({ source: source(), recipe, count: 300, seed: 3, out: again });
    expect(Buffer.from(readFakeVideos(again).clips).equals(Buffer.from(clips))).toBe(true);
    writeFileSync(join(out, manifest.shards[1]!.file), new Uint8Array(10));
    expect(() => readFakeVideos(out)).toThrow(/truncated/);
  });
});

describe('clips of one real video', () => {
  /** Frame k is a flat grey of level 6k, so a clip's frames tell which source frames it used. */
  const video = { frames: Array.from({ length: 40 }, (_, k) => new Uint8Array(64 * 48 * 3).fill(6 * k)), width: 64, height: 48 };

  it('takes a random temporal window at the recipe stride, with the spatial recipe on every frame', () => {
    const recipe = FakeVideoRecipeSchema.parse({ frames: 6, size: 8, stride: 3, jitter: { p: 0 } });
    const starts = new Set<number>();
    for (let index = 0; index < 30; index++) {
      const out = new Uint8Array(6 * 192);
      const draw = makeFakeClip(video, recipe, 5, index, out);
      expect(draw.start).toBeGreaterThanOrEqual(0);
      expect(draw.start! + 5 * 3).toBeLessThanOrEqual(39);
      starts.add(draw.start!);
      for (let t = 0; t < 6; t++) expect(out[t * 192 + 100]).toBe(6 * (draw.start! + 3 * t));
    }
    expect(starts.size).toBeGreaterThan(10);
    const again = new Uint8Array(6 * 192);
    const first = new Uint8Array(6 * 192);
    makeFakeClip(video, recipe, 5, 0, first);
    makeFakeClip(video, recipe, 5, 0, again);
    expect(Buffer.from(first).equals(Buffer.from(again))).toBe(true);
  });

  it('leaves image clips exactly as they were (the window is drawn last)', () => {
    const recipe = FakeVideoRecipeSchema.parse({ frames: 4, size: 8 });
    const still = { frames: Array.from({ length: 10 }, () => source(64, 48).data), width: 64, height: 48 };
    const fromImage = new Uint8Array(4 * 192);
    const fromVideo = new Uint8Array(4 * 192);
    const a = makeFakeClip(source(64, 48), recipe, 1, 2, fromImage);
    const b = makeFakeClip(still, recipe, 1, 2, fromVideo);
    expect(b).toMatchObject({ crop: a.crop, from: a.from, to: a.to });
    expect(Buffer.from(fromImage).equals(Buffer.from(fromVideo))).toBe(true);
  });
});
