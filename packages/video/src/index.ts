/**
 * @augprior/video: the video front end. Its data sources, evaluation sets and teachers join core's
 * registries through `registerVideo`, which only the CLI calls (nothing registers on import).
 */
import { resolve } from 'node:path';
import { resolveDataPath, type FrontEndRegistries, defineDataSource, defineEvalSet } from '@augprior/core';
import { Ucf101Args, ucf101Set } from './ucf101/ucf101-set.js';
import { SyntheticActionsArgs, SyntheticActionsEvalArgs, syntheticActionsSet, syntheticActionsSource } from './synthetic/actions.js';
import { FakeVideosArgs, fakeVideosSource } from './train/fake-video-source.js';

export { resolveFfmpeg, type ResolvedFfmpeg, type FfmpegSource } from './ffmpeg/resolve-ffmpeg.js';
export { decodeFrames, strideSampleIndices, type DecodedVideo, type DecodeOptions, type FrameFit } from './ffmpeg/decode-frames.js';
export { decodeFramesCached, frameCacheKey } from './ffmpeg/frame-cache.js';
export { encodeMp4 } from './ffmpeg/encode-mp4.js';
export { readClassIndex, readSplit, type SplitEntry } from './ucf101/splits.js';
export { ucf101Set, Ucf101Args, type Ucf101Options, type Ucf101Report } from './ucf101/ucf101-set.js';
export { probeVideo, parseFfmpegReport, aviDeclaredSeconds, type VideoInfo } from './ffmpeg/probe-video.js';
export { isTruncated, describeTruncation, truncatedVideoError, TRUNCATION_SLACK } from './ffmpeg/truncation.js';
export { uniformIndices, randomClipIndices, testClipIndices, shortSideSize } from './sampling/clip-sampling.js';
export { FakeVideoRecipeSchema, makeFakeClip, frameBox, type FakeVideoRecipe, type FakeClipDraw, type RgbImage, type FakeVideoSource } from './fake-video/recipe.js';
export { generateFakeVideos, readFakeVideos, loadSourceImage, loadSource, type SourceMedia, clipBytes, FakeVideoManifestSchema, type FakeVideoManifest, type SourceImage } from './fake-video/fake-clips.js';
export { clipCutmixBox, applyClipCutmix, type ClipBox, type CutmixAxes } from './train/video-cutmix.js';

export { ACTION_CLASSES, renderActionClip, syntheticActionsSet, syntheticActionsSource, SyntheticActionsArgs, SyntheticActionsEvalArgs } from './synthetic/actions.js';
export { FakeVideosArgs, fakeVideosSource } from './train/fake-video-source.js';

/** Adds this front end's entries to the registries and returns their names. */
export function registerVideo(registries: FrontEndRegistries): string[] {
  if (!registries.modalities.has('video')) registries.modalities.register('video', { description: 'clips, batches [n, frames, height, width, channels]' });
  registries.dataSources.register('synthetic_actions', defineDataSource({
    modality: 'video',
    description: 'generated labelled clips of 8 camera motions (teacher training for the video pipeline)',
    args: SyntheticActionsArgs,
    open: async (args) => syntheticActionsSource(args),
  }));
  registries.evalSets.register('synthetic_actions', defineEvalSet({
    modality: 'video',
    description: 'the fixed test split of the synthetic action benchmark',
    args: SyntheticActionsEvalArgs,
    open: async (args) => syntheticActionsSet(args),
  }));
  registries.evalSets.register('ucf101', defineEvalSet({
    modality: 'video',
    description: 'UCF-101 videos of an official split present on disk, 10-clip test protocol (softmax averaged per video), undecodable/truncated videos skipped with a report',
    args: Ucf101Args,
    open: async (options, { dataRoot, cwd }) => {
      return ucf101Set({ ...options, ...(options.frameCache ? { frameCache: resolve(cwd, options.frameCache) } : {}), videosDir: resolveDataPath(options.videos, { dataRoot, cwd }, 'the UCF-101 videos'), splitsDir: resolveDataPath(options.splits, { dataRoot, cwd }, 'the UCF-101 split lists') });
    },
  }));
  registries.dataSources.register('fake_videos', defineDataSource({
    modality: 'video',
    description: 'fake videos of ONE image (interpolated random-resized-crop camera), per-frame jitter, flip, clip CutMix',
    args: FakeVideosArgs,
    open: async (args, context) => fakeVideosSource(args, context),
  }));
  return ['synthetic_actions', 'fake_videos', 'ucf101'];
}
