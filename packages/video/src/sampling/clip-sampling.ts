/**
 * Which frames a clip takes. Training: one window of `windowFrames` at a random start, `frames`
 * indices spread uniformly over it (pytorchvideo's UniformTemporalSubsample on a RandomClipSampler
 * window). Test: the 10-clip protocol, `clips` windows evenly spaced over the video
 * (ConstantClipsPerVideoSampler), each subsampled the same way; predictions are averaged per video.
 */
import type { Rng } from '@augprior/core';

/** `frames` indices spread uniformly over [start, start + windowFrames) (rounded, like torch.linspace(...).long()). */
export function uniformIndices(start: number, windowFrames: number, frames: number, totalFrames: number): number[] {
  const last = Math.max(0, totalFrames - 1);
  if (frames === 1) return [Math.min(last, start)];
  return Array.from({ length: frames }, (_, i) => Math.min(last, start + Math.floor((i * (windowFrames - 1)) / (frames - 1))));
}

export function randomClipIndices(totalFrames: number, windowFrames: number, frames: number, rng: Rng): number[] {
  const start = totalFrames > windowFrames ? rng.int(totalFrames - windowFrames + 1) : 0;
  return uniformIndices(start, Math.min(windowFrames, Math.max(1, totalFrames)), frames, totalFrames);
}

/** The test protocol's windows: `clips` starts evenly spaced so the first starts at 0 and the last ends at the video's end. */
export function testClipIndices(totalFrames: number, windowFrames: number, frames: number, clips = 10): number[][] {
  const span = Math.max(0, totalFrames - windowFrames);
  return Array.from({ length: clips }, (_, k) => {
    const start = clips === 1 ? Math.floor(span / 2) : Math.round((k * span) / (clips - 1));
    return uniformIndices(start, Math.min(windowFrames, Math.max(1, totalFrames)), frames, totalFrames);
  });
}

/** Output size of scaling the short side to `short` (aspect kept, rounded as torchvision does). */
export function shortSideSize(width: number, height: number, short: number): [number, number] {
  return width <= height ? [short, Math.floor((short * height) / width)] : [Math.floor((short * width) / height), short];
}
