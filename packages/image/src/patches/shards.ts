/**
 * The patch dataset on disk: `manifest.json` plus shards `patches-NNNNN.u8`, each a plain array of
 * uint8 RGB patches [count, S, S, 3] with no header (readable with numpy.fromfile(...).reshape).
 * The manifest records the recipe, seed, source (path, size, sha256), count and each shard's
 * sha256; it is written last, so a folder with a manifest is complete.
 */
import { z } from 'zod';
import { readManifestFile, readShards, writeManifestFile, writeShard, type ShardEntry } from '@augprior/core';
import { PatchRecipeSchema } from './recipe.js';

export const PATCH_FORMAT = 'augprior-patches/1';

export const PatchManifestSchema = z.strictObject({
  format: z.literal(PATCH_FORMAT),
  recipe: PatchRecipeSchema,
  seed: z.number().int().min(0),
  count: z.number().int().positive(),
  size: z.number().int().positive(),
  source: z.strictObject({ description: z.string(), sha256: z.string(), width: z.number().int(), height: z.number().int() }),
  shards: z.array(z.strictObject({ file: z.string(), count: z.number().int().positive(), sha256: z.string() })),
  seconds: z.number().optional(),
  workers: z.number().int().optional(),
});
export type PatchManifest = z.infer<typeof PatchManifestSchema>;

export function shardName(index: number): string {
  return `patches-${String(index).padStart(5, '0')}.u8`;
}

export function writePatchShard(dir: string, index: number, data: Uint8Array, count: number): ShardEntry {
  return writeShard(dir, shardName(index), data, count);
}

export function writeManifest(dir: string, manifest: PatchManifest): void {
  writeManifestFile(dir, manifest);
}

export function readManifest(dir: string): PatchManifest {
  return readManifestFile(dir, PatchManifestSchema, 'patch dataset', 'augprior image generate --source <image> --out <dir>');
}

/** Loads every shard into one buffer [count, S, S, 3], checking sizes (and hashes when asked). */
export function readPatches(dir: string, options: { verify?: boolean } = {}): { manifest: PatchManifest; pixels: Uint8Array } {
  const manifest = readManifest(dir);
  const pixels = readShards(dir, manifest.shards, manifest.size * manifest.size * 3, manifest.count, { ...options, what: 'patches' });
  return { manifest, pixels };
}
