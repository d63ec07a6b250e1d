/**
 * The fake-video dataset on disk: `manifest.json` + shards `clips-NNNNN.u8`, each plain uint8
 * [count, frames, size, size, 3] (RGB, no header). The manifest (recipe, seed, source sha256,
 * count, per-shard sha256) is written last: a folder with a manifest is complete.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { AugpriorError, formatZodIssues, readShards, writeFileAtomic, writeShard, type ProgressReporter } from '@augprior/core';
import { FakeVideoRecipeSchema, makeFakeClip, type FakeVideoRecipe, type RgbImage } from './recipe.js';

export const FAKE_VIDEO_FORMAT = 'augprior-fake-videos/1';
const SHARD_CLIPS = 256;

export const FakeVideoManifestSchema = z.strictObject({
  format: z.literal(FAKE_VIDEO_FORMAT),
  recipe: FakeVideoRecipeSchema,
  seed: z.number().int().min(0),
  count: z.number().int().positive(),
  source: z.strictObject({ description: z.string(), sha256: z.string(), width: z.number().int(), height: z.number().int() }),
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

export function clipBytes(recipe: FakeVideoRecipe): number {
  return recipe.frames * recipe.size * recipe.size * 3;
}

export async function generateFakeVideos(options: { source: SourceImage; recipe: FakeVideoRecipe; count: number; seed: number; out: string; progress?: ProgressReporter }): Promise<FakeVideoManifest> {
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
    source: { description: source.description, sha256: source.sha256, width: source.width, height: source.height },
    shards,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  };
  writeFileAtomic(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export function readFakeVideos(dir: string, options: { verify?: boolean } = {}): { manifest: FakeVideoManifest; clips: Uint8Array } {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) throw new AugpriorError('data.missing', `${dir} is not a fake-video dataset (no manifest.json)`, 'create one with `augprior video generate`');
  const parsed = FakeVideoManifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new AugpriorError('data.corrupt', `${path}: ${formatZodIssues(parsed.error)}`);
  const manifest = parsed.data;
  return { manifest, clips: readShards(dir, manifest.shards, clipBytes(manifest.recipe), manifest.count, { ...options, what: 'clips' }) };
}
