/**
 * The fake-video dataset on disk: `manifest.json` + shards `clips-NNNNN.u8`, each plain uint8
 * [count, frames, size, size, 3] (RGB, no header). The manifest (recipe, seed, source sha256,
 * count, per-shard sha256) is written last: a folder with a manifest is complete.
 */
import { truncatedVideoError } from '../ffmpeg/truncation.js';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { z } from 'zod';
import { AugpriorError, readManifestFile, readShards, writeManifestFile, writeShard, type ProgressReporter } from '@augprior/core';
import { decodeFrames } from '../ffmpeg/decode-frames.js';
import { probeVideo } from '../ffmpeg/probe-video.js';
import { FakeVideoRecipeSchema, makeFakeClip, type FakeVideoRecipe, type FakeVideoSource, type RgbImage } from './recipe.js';

export const FAKE_VIDEO_FORMAT = 'augprior-fake-videos/1';
const SHARD_CLIPS = 256;

export const FakeVideoManifestSchema = z.strictObject({
  format: z.literal(FAKE_VIDEO_FORMAT),
  recipe: FakeVideoRecipeSchema,
  seed: z.number().int().min(0),
  count: z.number().int().positive(),
  source: z.strictObject({ description: z.string(), sha256: z.string(), width: z.number().int(), height: z.number().int(), frames: z.number().int().positive().optional() }),
  shards: z.array(z.strictObject({ file: z.string(), count: z.number().int().positive(), sha256: z.string() })),
  seconds: z.number().optional(),
});
export type FakeVideoManifest = z.infer<typeof FakeVideoManifestSchema>;

export interface SourceImage extends RgbImage {
  description: string;
  sha256: string;
}

/** Any image sharp decodes, as RGB (alpha dropped, EXIF orientation applied). */
export async function loadSourceImage(file: string): Promise<SourceImage> {
  if (!existsSync(file)) throw new AugpriorError('data.missing', `source image not found: ${file}`);
  const bytes = readFileSync(file);
  try {
    const { data, info } = await sharp(bytes).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, description: file, sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (error) {
    throw new AugpriorError('data.corrupt-image', `cannot decode source image ${file}: ${(error as Error).message}`, 'use a JPEG, PNG, WebP or TIFF file');
  }
}

export type SourceMedia = FakeVideoSource & { description: string; sha256: string };

const VIDEO_EXTENSIONS = /\.(avi|mp4|mkv|mov|webm|mpg|mpeg|m4v)$/i;

/** The one source: a video file (every frame at its own size, through ffmpeg) or an image. */
export async function loadSource(file: string): Promise<SourceMedia> {
  if (!VIDEO_EXTENSIONS.test(file)) return loadSourceImage(file);
  const info = await probeVideo(file);
  if (info.truncated) throw truncatedVideoError(`source video ${file}`, info);
  const video = await decodeFrames(file, { width: info.width, height: info.height, pixelFormat: 'rgb24' });
  return { frames: video.frames, width: info.width, height: info.height, description: `${file} (${video.frames.length} frames, ${info.width}x${info.height})`, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') };
}

export function clipBytes(recipe: FakeVideoRecipe): number {
  return recipe.frames * recipe.size * recipe.size * 3;
}

export async function generateFakeVideos(options: { source: SourceMedia; recipe: FakeVideoRecipe; count: number; seed: number; out: string; progress?: ProgressReporter }): Promise<FakeVideoManifest> {
  const { source, recipe, count, seed, out } = options;
  const bytes = clipBytes(recipe);
  const started = performance.now();
  const shards: FakeVideoManifest['shards'] = [];
  for (let first = 0, index = 0; first < count; first += SHARD_CLIPS, index++) {
    const n = Math.min(SHARD_CLIPS, count - first);
    const data = new Uint8Array(n * bytes);
    for (let i = 0; i < n; i++) makeFakeClip(source, recipe, seed, first + i, data.subarray(i * bytes, (i + 1) * bytes));
    shards.push(writeShard(out, `clips-${String(index).padStart(5, '0')}.u8`, data, n));
    options.progress?.update({ fraction: (first + n) / count, rate: (first + n) / ((performance.now() - started) / 1000), status: `${first + n}/${count} clips` });
  }
  const manifest: FakeVideoManifest = {
    format: FAKE_VIDEO_FORMAT,
    recipe,
    seed,
    count,
    source: { description: source.description, sha256: source.sha256, width: source.width, height: source.height, ...('frames' in source ? { frames: source.frames.length } : {}) },
    shards,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  };
  writeManifestFile(out, manifest);
  return manifest;
}

export function readFakeVideos(dir: string, options: { verify?: boolean } = {}): { manifest: FakeVideoManifest; clips: Uint8Array } {
  const manifest = readManifestFile(dir, FakeVideoManifestSchema, 'fake-video dataset', 'augprior video generate');
  return { manifest, clips: readShards(dir, manifest.shards, clipBytes(manifest.recipe), manifest.count, { ...options, what: 'clips' }) };
}
