/**
 * The clip dataset on disk: `manifest.json` + shards `clips-NNNNN.i16`, each plain little-endian
 * int16 samples [count, clipLength] with no header (numpy.fromfile(..., '<i2').reshape(-1, L)).
 * The manifest (recipe, seed, source sha256, count, per-shard sha256) is written last, so a folder
 * with a manifest is complete; a killed generation leaves no manifest and is regenerated.
 */
import { mkdirSync } from 'node:fs';
import { z } from 'zod';
import { AugpriorError, readManifestFile, readShards, writeManifestFile, writeShard, type ProgressReporter } from '@augprior/core';
import { ClipRecipeSchema, clipLength, makeClip, type ClipRecipe } from './clip-generator.js';
import { createLengthResampler } from './length-resampler.js';
import type { Recording } from './recording.js';

export const CLIP_FORMAT = 'augprior-clips/1';
const SHARD_CLIPS = 1000;

export const ClipManifestSchema = z.strictObject({
  format: z.literal(CLIP_FORMAT),
  recipe: ClipRecipeSchema,
  seed: z.number().int().min(0),
  count: z.number().int().positive(),
  clipLength: z.number().int().positive(),
  source: z.strictObject({ description: z.string(), sha256: z.string(), samples: z.number().int() }),
  shards: z.array(z.strictObject({ file: z.string(), count: z.number().int().positive(), sha256: z.string() })),
  seconds: z.number().optional(),
});
export type ClipManifest = z.infer<typeof ClipManifestSchema>;

function toInt16(x: Float32Array, out: Int16Array, offset: number): void {
  for (let i = 0; i < x.length; i++) out[offset + i] = Math.max(-32768, Math.min(32767, Math.round(x[i]! * 32768)));
}

export async function generateClips(options: { recording: Recording; recipe: ClipRecipe; count: number; seed: number; out: string; progress?: ProgressReporter }): Promise<ClipManifest> {
  const { recording, recipe, count, seed, out } = options;
  const L = clipLength(recipe);
  if (recording.samples.length < L) throw new AugpriorError('audio.source-too-short', `${recording.description} is shorter than one ${recipe.clipSeconds}-s clip`);
  mkdirSync(out, { recursive: true });
  const resampler = await createLengthResampler();
  const started = performance.now();
  const shards: ClipManifest['shards'] = [];
  try {
    for (let first = 0, index = 0; first < count; first += SHARD_CLIPS, index++) {
      const n = Math.min(SHARD_CLIPS, count - first);
      const data = new Int16Array(n * L);
      for (let i = 0; i < n; i++) toInt16(makeClip(recording.samples, recipe, seed, first + i, resampler).clip, data, i * L);
      shards.push(writeShard(out, `clips-${String(index).padStart(5, '0')}.i16`, new Uint8Array(data.buffer), n));
      const done = first + n;
      options.progress?.update({ fraction: done / count, rate: done / ((performance.now() - started) / 1000), status: `${done}/${count} clips` });
    }
  } finally {
    resampler.dispose();
  }
  const manifest: ClipManifest = {
    format: CLIP_FORMAT,
    recipe,
    seed,
    count,
    clipLength: L,
    source: { description: recording.description, sha256: recording.sha256, samples: recording.samples.length },
    shards,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  };
  writeManifestFile(out, manifest);
  return manifest;
}

export function readClipManifest(dir: string): ClipManifest {
  return readManifestFile(dir, ClipManifestSchema, 'clip dataset', 'augprior audio generate');
}

/** Every clip as int16 [count, clipLength], sizes checked (hashes when asked). */
export function readClips(dir: string, options: { verify?: boolean } = {}): { manifest: ClipManifest; samples: Int16Array } {
  const manifest = readClipManifest(dir);
  const bytes = readShards(dir, manifest.shards, manifest.clipLength * 2, manifest.count, { ...options, what: 'clips' });
  const samples = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
  return { manifest, samples };
}
