/**
 * `runs/<name>/samples.png`: a contact sheet of the first training batch as the student sees it,
 * so a reader of a run (and the report) sees what the one source became: image patches, log-mel
 * spectrograms (low frequencies at the bottom, time to the right), or fake-video clips (first,
 * middle and last frame side by side). Drawn from its own iterator, so training batches are
 * unaffected; a resumed run keeps the sheet it has. Beside it, `source.png` (+ `source.json`, its
 * caption) shows what the data was made from, where the data source can draw it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { tf, writeFileAtomic, type BatchSource, type FeatureExtractor } from '@augprior/core';

export interface Tile {
  width: number;
  height: number;
  /** RGB bytes, row-major. */
  rgb: Uint8Array;
}

function toByte(v: number, low: number, high: number): number {
  return Math.max(0, Math.min(255, Math.round(((v - low) / Math.max(high - low, 1e-12)) * 255)));
}

/** [n, h, w, c] in [0, 1] (c = 1 or 3) -> tiles. */
function imageTiles(values: Float32Array, [n, h, w, c]: number[]): Tile[] {
  return Array.from({ length: n! }, (_, i) => {
    const rgb = new Uint8Array(h! * w! * 3);
    for (let p = 0; p < h! * w!; p++) for (let k = 0; k < 3; k++) rgb[p * 3 + k] = toByte(values[(i * h! * w! + p) * c! + (c === 3 ? k : 0)]!, 0, 1);
    return { width: w!, height: h!, rgb };
  });
}

/** Feature maps [n, frames, bins, 1] -> grey tiles bins high and frames wide, scaled over the batch. */
function spectrogramTiles(values: Float32Array, [n, frames, bins]: number[]): Tile[] {
  let low = Infinity;
  let high = -Infinity;
  for (const v of values) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  return Array.from({ length: n! }, (_, i) => {
    const rgb = new Uint8Array(frames! * bins! * 3);
    for (let t = 0; t < frames!; t++) {
      for (let b = 0; b < bins!; b++) {
        const byte = toByte(values[(i * frames! + t) * bins! + b]!, low, high);
        const at = ((bins! - 1 - b) * frames! + t) * 3;
        rgb[at] = rgb[at + 1] = rgb[at + 2] = byte;
      }
    }
    return { width: frames!, height: bins!, rgb };
  });
}

/** Clips [n, T, h, w, 3] -> tiles of frames 0, T/2 and T-1 side by side. */
function clipTiles(values: Float32Array, [n, T, h, w, c]: number[]): Tile[] {
  const picks = [0, Math.floor(T! / 2), T! - 1];
  const gap = 1;
  const width = picks.length * w! + (picks.length - 1) * gap;
  return Array.from({ length: n! }, (_, i) => {
    const rgb = new Uint8Array(h! * width * 3).fill(255);
    picks.forEach((t, k) => {
      for (let y = 0; y < h!; y++) {
        for (let x = 0; x < w!; x++) {
          for (let ch = 0; ch < 3; ch++) rgb[(y * width + k * (w! + gap) + x) * 3 + ch] = toByte(values[(((i * T! + t) * h! + y) * w! + x) * c! + (c === 3 ? ch : 0)]!, 0, 1);
        }
      }
    });
    return { width, height: h!, rgb };
  });
}

/** Tiles (all one size) -> one PNG grid, scaled up (nearest) so tiles are at least `minSide` pixels. */
export async function gridPng(tiles: Tile[], columns: number, minSide = 96): Promise<Buffer> {
  const { width, height } = tiles[0]!;
  const scale = Math.max(1, Math.floor(minSide / Math.max(width, height)));
  const gap = 2;
  const rows = Math.ceil(tiles.length / columns);
  const W = columns * (width * scale + gap) + gap;
  const H = rows * (height * scale + gap) + gap;
  const canvas = new Uint8Array(W * H * 3).fill(255);
  tiles.forEach((tile, i) => {
    const ox = gap + (i % columns) * (width * scale + gap);
    const oy = gap + Math.floor(i / columns) * (height * scale + gap);
    for (let y = 0; y < height * scale; y++) {
      for (let x = 0; x < width * scale; x++) {
        const src = (Math.floor(y / scale) * width + Math.floor(x / scale)) * 3;
        const dst = ((oy + y) * W + ox + x) * 3;
        canvas[dst] = tile.rgb[src]!;
        canvas[dst + 1] = tile.rgb[src + 1]!;
        canvas[dst + 2] = tile.rgb[src + 2]!;
      }
    }
  });
  return sharp(canvas, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
}

export async function writeSampleSheet(file: string, source: BatchSource, options: { features?: FeatureExtractor; count?: number } = {}): Promise<boolean> {
  if (existsSync(file)) return false;
  const count = options.count ?? 32;
  const iterator = source.batches(1, count);
  const batch = (await iterator.next()).value;
  await iterator.return?.(undefined);
  if (!batch) return false;
  try {
    const input = options.features ? tf.tidy(() => options.features!.apply(batch.x, batch.plan)) : batch.x;
    try {
      const values = (await input.data()) as Float32Array;
      const shape = input.shape;
      const tiles = shape.length === 5 ? clipTiles(values, shape) : options.features ? spectrogramTiles(values, shape) : imageTiles(values, shape);
      writeFileAtomic(file, await gridPng(tiles, tiles[0]!.width > 2 * tiles[0]!.height ? 4 : 8));
      return true;
    } finally {
      if (input !== batch.x) input.dispose();
    }
  } finally {
    tf.dispose([batch.x, ...(batch.y ? [batch.y] : [])]);
  }
}

/** `<run>/source.png` and `source.json` ({caption}) from the data source's picture of its source; false when it has none or they exist. */
export async function writeSourceSheet(runPath: string, source: BatchSource): Promise<boolean> {
  const file = join(runPath, 'source.png');
  if (!source.sourcePicture || existsSync(file)) return false;
  const picture = await source.sourcePicture();
  writeFileAtomic(file, await sharp(picture.rgb, { raw: { width: picture.width, height: picture.height, channels: 3 } }).png().toBuffer());
  writeFileAtomic(join(runPath, 'source.json'), `${JSON.stringify({ caption: picture.caption, width: picture.width, height: picture.height })}\n`);
  return true;
}

/** Both sheets of a run; returns a line per file written, for the log. */
export async function writeRunSheets(runPath: string, source: BatchSource, features: FeatureExtractor | undefined): Promise<string[]> {
  const lines: string[] = [];
  if (await writeSourceSheet(runPath, source)) lines.push(`[augprior] the source -> ${join(runPath, 'source.png')}`);
  if (await writeSampleSheet(join(runPath, 'samples.png'), source, { ...(features ? { features } : {}) })) lines.push(`[augprior] first training inputs -> ${join(runPath, 'samples.png')}`);
  return lines;
}
