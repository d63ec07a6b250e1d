/**
 * @augprior/video: the video front end. Its data sources, evaluation sets and teachers join core's
 * registries through `registerVideo`, which only the CLI calls (nothing registers on import).
 */
import type { FrontEndRegistries } from '@augprior/core';

export { resolveFfmpeg, type ResolvedFfmpeg, type FfmpegSource } from './ffmpeg/resolve-ffmpeg.js';
export { decodeFrames, strideSampleIndices, type DecodedVideo } from './ffmpeg/decode-frames.js';
export { readClassIndex, readSplit, type SplitEntry } from './ucf101/splits.js';
export { uniformIndices, randomClipIndices, testClipIndices, shortSideSize } from './sampling/clip-sampling.js';
export { FakeVideoRecipeSchema, makeFakeClip, frameBox, type FakeVideoRecipe, type FakeClipDraw, type RgbImage } from './fake-video/recipe.js';
export { generateFakeVideos, readFakeVideos, loadSourceImage, clipBytes, FakeVideoManifestSchema, type FakeVideoManifest, type SourceImage } from './fake-video/fake-clips.js';
export { clipCutmixBox, applyClipCutmix, type ClipBox, type CutmixAxes } from './train/video-cutmix.js';

/** Adds this front end's entries to the registries and returns their names (none yet). */
export function registerVideo(registries: FrontEndRegistries): string[] {
  void registries;
  return [];
}
