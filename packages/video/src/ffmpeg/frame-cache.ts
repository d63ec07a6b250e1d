/**
 * An optional on-disk cache of decoded frames for datasets that are evaluated more than once: one
 * file per (video, size, fit, fps, pixel format), raw uint8 frames after a small JSON header line.
 * The key includes the video's size and modification time, so a replaced file is decoded again;
 * files are written atomically, so a killed run never leaves a half-written entry.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@augprior/core';
import { decodeFrames, type DecodedVideo, type DecodeOptions } from './decode-frames.js';

export function frameCacheKey(file: string, options: DecodeOptions): string {
  const stat = statSync(file);
  return createHash('sha256')
    .update(JSON.stringify({ file, bytes: stat.size, mtime: stat.mtimeMs, ...options, fit: options.fit ?? 'stretch' }))
    .digest('hex')
    .slice(0, 20);
}

/** decodeFrames through the cache in `cacheDir` (decoded once, read back afterwards). */
export async function decodeFramesCached(file: string, options: DecodeOptions, cacheDir: string): Promise<DecodedVideo & { cached: boolean }> {
  const path = join(cacheDir, `${frameCacheKey(file, options)}.frames`);
  if (existsSync(path)) {
    const bytes = readFileSync(path);
    const newline = bytes.indexOf(0x0a);
    const header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as { width: number; height: number; frames: number; declaredSeconds: number | null; decodedSeconds: number | null; truncated: boolean };
    const frameBytes = header.width * header.height * 3;
    if (bytes.length - newline - 1 === header.frames * frameBytes) {
      const frames = Array.from({ length: header.frames }, (_, k) => new Uint8Array(bytes.buffer, bytes.byteOffset + newline + 1 + k * frameBytes, frameBytes));
      // JSON has no NaN: an unknown duration is stored as null.
      return { width: header.width, height: header.height, frames, declaredSeconds: header.declaredSeconds ?? Number.NaN, decodedSeconds: header.decodedSeconds ?? Number.NaN, truncated: header.truncated, cached: true };
    }
    // A damaged entry is decoded again and replaced.
  }
  const video = await decodeFrames(file, options);
  mkdirSync(cacheDir, { recursive: true });
  const { width, height, declaredSeconds, decodedSeconds, truncated } = video;
  const header = Buffer.from(`${JSON.stringify({ width, height, frames: video.frames.length, declaredSeconds, decodedSeconds, truncated, source: file })}\n`);
  writeFileAtomic(path, Buffer.concat([header, ...video.frames]));
  return { ...video, cached: false };
}
