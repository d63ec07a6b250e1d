import { describe, expect, it } from 'vitest';
import { Rng } from '@augprior/core';
import { applyClipCutmix, clipCutmixBox } from '../train/video-cutmix.js';
import { randomClipIndices, shortSideSize, testClipIndices, uniformIndices } from './clip-sampling.js';

describe('clip sampling', () => {
  it('spreads frames uniformly over a window, clamped to the video', () => {
    expect(uniformIndices(0, 16, 4, 100)).toEqual([0, 5, 10, 15]);
    expect(uniformIndices(90, 16, 4, 100)).toEqual([90, 95, 99, 99]);
    expect(uniformIndices(7, 16, 1, 100)).toEqual([7]);
  });

  it('draws training windows inside the video, deterministically per seed', () => {
    for (let s = 0; s < 50; s++) {
      const idx = randomClipIndices(120, 32, 8, Rng.derive(3, s));
      expect(idx).toEqual(randomClipIndices(120, 32, 8, Rng.derive(3, s)));
      expect(idx[idx.length - 1]! - idx[0]!).toBe(31);
      expect(idx.every((i) => i >= 0 && i < 120)).toBe(true);
    }
    expect(randomClipIndices(5, 32, 4, Rng.derive(1))).toEqual([0, 1, 2, 4]); // shorter than the window
  });

  it('the 10-clip test protocol covers the video from its first to its last frame', () => {
    const clips = testClipIndices(250, 50, 5);
    expect(clips).toHaveLength(10);
    expect(clips[0]).toEqual([0, 12, 24, 36, 49]);
    expect(clips[9]![4]).toBe(249);
    const starts = clips.map((c) => c[0]!);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(testClipIndices(250, 50, 5, 1)).toEqual([[100, 112, 124, 136, 149]]);
  });

  it('scales the short side', () => {
    expect(shortSideSize(320, 240, 128)).toEqual([170, 128]);
    expect(shortSideSize(240, 320, 128)).toEqual([128, 170]);
  });
});

describe('video CutMix', () => {
  it('cuts height x width over every frame by default, time x height on request; the box area is 1 - lambda', () => {
    const shape = [8, 32, 32] as const;
    const hw = clipCutmixBox(Rng.derive(1), shape, 0.75, 'hw');
    expect([hw.t0, hw.t1]).toEqual([0, 8]);
    const th = clipCutmixBox(Rng.derive(1), shape, 0.75, 'th');
    expect([th.x0, th.x1]).toEqual([0, 32]);
    // Unclipped boxes: (cut/size)^2 = 1 - lambda on the two cut axes.
    let area = 0;
    let count = 0;
    for (let s = 0; s < 500; s++) {
      const b = clipCutmixBox(Rng.derive(2, s), [64, 64, 64], 0.5, 'hw');
      if (b.y0 > 0 && b.y1 < 64 && b.x0 > 0 && b.x1 < 64) {
        area += ((b.y1 - b.y0) * (b.x1 - b.x0)) / (64 * 64);
        count++;
      }
    }
    expect(area / count).toBeCloseTo(0.5, 1);
  });

  it('fills the box from the partner clip and leaves the rest', () => {
    const shape = [2, 2, 4, 4, 1] as const;
    const clips = Float32Array.from({ length: 64 }, (_, i) => (i < 32 ? 1 : 2));
    applyClipCutmix(clips, shape, { t0: 0, t1: 2, y0: 1, y1: 3, x0: 0, x1: 2 }, [1, 0]);
    const at = (i: number, t: number, y: number, x: number) => clips[((i * 2 + t) * 4 + y) * 4 + x];
    expect([at(0, 0, 1, 0), at(0, 1, 2, 1), at(0, 0, 0, 0), at(0, 1, 1, 3)]).toEqual([2, 2, 1, 1]);
    expect([at(1, 0, 1, 0), at(1, 0, 0, 0)]).toEqual([1, 2]);
  });
});
