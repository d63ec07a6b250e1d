/**
 * `runs/<name>/samples.png`: a contact sheet of the first training batch as the student sees it,
 * so a reader of a run (and the report) sees what the one source became. The data source draws
 * its own inputs (`BatchSource.drawInputs`: patches, spectrograms, frames of clips); this module
 * only lays the tiles out. Drawn from its own iterator, so training batches are
 * unaffected; a resumed run keeps the sheet it has. Beside it, `source.png` (+ `source.json`, its
 * caption) shows what the data was made from, where the data source can draw it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { tf, writeFileAtomic, type BatchSource, type FeatureExtractor, type Tile } from '@augprior/core';

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
  if (existsSync(file) || !source.drawInputs) return false;
  const count = options.count ?? 32;
  const iterator = source.batches(1, count);
  const batch = (await iterator.next()).value;
  await iterator.return?.(undefined);
  if (!batch) return false;
  try {
    const input = options.features ? tf.tidy(() => options.features!.apply(batch.x, batch.plan)) : batch.x;
    try {
      const values = (await input.data()) as Float32Array;
      const tiles = source.drawInputs(values, input.shape);
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
