/**
 * Source images: any file sharp decodes (JPEG, PNG with alpha, WebP, TIFF, ...), flattened onto
 * black and converted to sRGB RGB, plus the paper's procedural controls, generated from a seed:
 * uniform noise and a dead-leaves image (random discs of random colours, occluding each other).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { AugpriorError, Rng, RNG_STREAMS } from '@augprior/core';
import type { SourceImage } from './recipe.js';

export interface LoadedSource extends SourceImage {
  description: string;
  sha256: string;
}

export async function loadSourceImage(path: string): Promise<LoadedSource> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new AugpriorError('data.missing', `source image ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error' }).rotate().flatten({ background: { r: 0, g: 0, b: 0 } }).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), description: path, sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (error) {
    throw new AugpriorError('data.corrupt-image', `cannot decode source image ${path}: ${(error as Error).message}`, 'use a JPEG, PNG, WebP or TIFF file');
  }
}

function digest(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** i.i.d. uniform RGB noise: the paper's information-free control. */
export function noiseSource(width: number, height: number, seed: number): LoadedSource {
  const rng = Rng.derive(seed, RNG_STREAMS.noiseImage);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = rng.int(256);
  return { width, height, data, description: `noise ${width}x${height} seed ${seed}`, sha256: digest(data) };
}

/**
 * Dead leaves (Matheron; Lee, Mumford & Huang 2001): discs with radii from a power law r^-3 in
 * [rMin, rMax], uniform random colours, dropped until the image is covered. Scale-invariant
 * statistics like natural images, with no objects in them.
 */
export function deadLeavesSource(width: number, height: number, seed: number, discs = 20000): LoadedSource {
  const rng = Rng.derive(seed, RNG_STREAMS.deadLeaves);
  const data = new Uint8Array(width * height * 3);
  const covered = new Uint8Array(width * height);
  let remaining = width * height;
  const rMin = Math.max(1, Math.min(width, height) / 200);
  const rMax = Math.min(width, height) / 4;
  // Drawn front to back: a pixel keeps the first disc that covers it.
  for (let n = 0; n < discs && remaining > 0; n++) {
    const u = rng.uniform();
    const r = 1 / Math.sqrt(u / (rMin * rMin) + (1 - u) / (rMax * rMax)); // inverse CDF of p(r) ~ r^-3
    const cx = rng.range(0, width);
    const cy = rng.range(0, height);
    const color = [rng.int(256), rng.int(256), rng.int(256)];
    for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(height, Math.ceil(cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(width, Math.ceil(cx + r)); x++) {
        const i = y * width + x;
        if (covered[i] || (x - cx) ** 2 + (y - cy) ** 2 > r * r) continue;
        covered[i] = 1;
        remaining--;
        data.set(color, i * 3);
      }
    }
  }
  return { width, height, data, description: `dead leaves ${width}x${height} seed ${seed}`, sha256: digest(data) };
}
