/**
 * Packed shards: a dataset stored as plain binary files of fixed-size items (no header, readable
 * with numpy.fromfile) listed in a manifest with each shard's item count and sha256. Writes are
 * atomic; the manifest is written last by the caller, so a folder with a manifest is complete.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { formatZodIssues } from '../config/zod-errors.js';
import { AugpriorError } from '../errors.js';
import { writeFileAtomic } from '../trainer/atomic-write.js';

export interface ShardEntry {
  file: string;
  count: number;
  sha256: string;
}

export function writeShard(dir: string, file: string, bytes: Uint8Array, count: number): ShardEntry {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, file), bytes);
  return { file, count, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Every shard into one buffer of `total` items of `itemBytes`, sizes checked (hashes when asked). */
export function readShards(dir: string, shards: readonly ShardEntry[], itemBytes: number, total: number, options: { verify?: boolean; what?: string } = {}): Uint8Array {
  const what = options.what ?? 'items';
  const out = new Uint8Array(total * itemBytes);
  let offset = 0;
  for (const shard of shards) {
    const path = join(dir, shard.file);
    if (!existsSync(path)) throw new AugpriorError('data.corrupt', `${dir}: shard ${shard.file} is missing`);
    const bytes = readFileSync(path);
    if (bytes.length !== shard.count * itemBytes) throw new AugpriorError('data.corrupt', `${path}: ${bytes.length} bytes, the manifest says ${shard.count} ${what} of ${itemBytes} bytes (truncated?)`);
    if (options.verify && createHash('sha256').update(bytes).digest('hex') !== shard.sha256) throw new AugpriorError('data.corrupt', `${path}: sha256 differs from the manifest`);
    if (offset + bytes.length > out.length) throw new AugpriorError('data.corrupt', `${dir}: shards hold more than the ${total} ${what} the manifest says`);
    out.set(bytes, offset);
    offset += bytes.length;
  }
  if (offset !== out.length) throw new AugpriorError('data.corrupt', `${dir}: shards hold ${offset / itemBytes} ${what}, the manifest says ${total}`);
  return out;
}

export const MANIFEST_FILE = 'manifest.json';

export function hasManifest(dir: string): boolean {
  return existsSync(join(dir, MANIFEST_FILE));
}

/** Written last, atomically: a folder with a manifest is a complete dataset. */
export function writeManifestFile(dir: string, manifest: unknown): void {
  writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * A dataset's manifest, validated by its schema. `what` names the dataset kind and `make` the
 * command that creates one, for the error when the folder has none.
 */
export function readManifestFile<T>(dir: string, schema: z.ZodType<T>, what: string, make: string): T {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) throw new AugpriorError('data.missing', `${dir} is not a ${what} (no ${MANIFEST_FILE})`, `create one with \`${make}\``);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AugpriorError('data.corrupt', `${path} is not valid JSON (${(error as Error).message})`, 'generate the dataset again');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AugpriorError('data.corrupt', `${path}: ${formatZodIssues(parsed.error)}`);
  return parsed.data;
}
