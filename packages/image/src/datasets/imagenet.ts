/**
 * ImageNet-style evaluation folders: either flat files named `<wnid>_<anything>.<ext>` (e.g. one
 * image per class) or `<wnid>/` class folders, with class indices from the standard class index
 * (`{"0": ["n01440764", "tench"], ...}`, sorted-wnid order). Images get the usual evaluation
 * preprocessing: shorter side resized to `resize`, centre crop `size` (torchvision's
 * Resize(256) + CenterCrop(224)), values in [0, 1].
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { AugpriorError, tf, type Batch, type LabeledDataset, imageTiles } from '@augprior/core';

const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|bmp|tiff?)$/i;

export interface ImageNetFolderOptions {
  path: string;
  classIndexPath: string;
  size: number;
  resize: number;
  limit?: number;
}

export function readClassIndex(path: string): { wnids: string[]; names: string[] } {
  let json: Record<string, [string, string]>;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, [string, string]>;
  } catch (error) {
    throw new AugpriorError('data.bad-class-index', `cannot read the ImageNet class index ${path}: ${(error as Error).message}`);
  }
  const keys = Object.keys(json).sort((a, b) => Number(a) - Number(b));
  return { wnids: keys.map((k) => json[k]![0]), names: keys.map((k) => json[k]![1]) };
}

/** Resize shorter side to `resize` (bilinear), centre-crop `size`; RGB float [0,1] HWC. */
export async function loadCentreCrop(path: string, resize: number, size: number): Promise<Float32Array> {
  try {
    const meta = await sharp(path, { failOn: 'error' }).metadata();
    const width = meta.autoOrient?.width ?? meta.width!;
    const height = meta.autoOrient?.height ?? meta.height!;
    const scale = resize / Math.min(width, height);
    const w = Math.max(size, Math.round(width * scale));
    const h = Math.max(size, Math.round(height * scale));
    const { data } = await sharp(path, { failOn: 'error' })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .resize(w, h, { kernel: 'linear', fit: 'fill' })
      .extract({ left: Math.floor((w - size) / 2), top: Math.floor((h - size) / 2), width: size, height: size })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const out = new Float32Array(size * size * 3);
    for (let i = 0; i < out.length; i++) out[i] = data[i]! / 255;
    return out;
  } catch (error) {
    throw new AugpriorError('data.corrupt-image', `cannot decode image ${path}: ${(error as Error).message}`, 'the file is truncated or not an image; remove or replace it');
  }
}

export function imageNetFolderSet(options: ImageNetFolderOptions): LabeledDataset {
  const { path, size, resize } = options;
  if (!existsSync(path)) throw new AugpriorError('data.missing', `ImageNet images not found at ${path}`);
  const { wnids, names } = readClassIndex(options.classIndexPath);
  const indexOf = new Map(wnids.map((w, i) => [w, i]));
  const samples: Array<{ path: string; label: number }> = [];
  for (const entry of readdirSync(path).sort()) {
    const full = join(path, entry);
    if (statSync(full).isDirectory()) {
      const label = indexOf.get(entry);
      if (label === undefined) throw new AugpriorError('data.unknown-class', `${full}: folder name is not a wnid of ${basename(options.classIndexPath)}`);
      for (const file of readdirSync(full).filter((f) => IMAGE_EXTENSIONS.test(f)).sort()) samples.push({ path: join(full, file), label });
    } else if (IMAGE_EXTENSIONS.test(entry)) {
      const wnid = entry.split('_')[0]!;
      const label = indexOf.get(wnid);
      if (label === undefined) throw new AugpriorError('data.unknown-class', `${full}: no wnid prefix (expected <wnid>_<name>.<ext>)`);
      samples.push({ path: full, label });
    }
  }
  if (!samples.length) throw new AugpriorError('data.empty', `${path} holds no images`);
  const chosen = options.limit ? samples.slice(0, options.limit) : samples;
  return {
    description: `ImageNet ${basename(path)} (${chosen.length} images, resize ${resize} + centre crop ${size})`,
    size: chosen.length,
    numClasses: wnids.length,
    drawInputs: imageTiles,
    classNames: names,
    async *batches(batchSize) {
      for (let start = 0; start < chosen.length; start += batchSize) {
        const chunk = chosen.slice(start, start + batchSize);
        const images = await Promise.all(chunk.map((s) => loadCentreCrop(s.path, resize, size)));
        const pixels = new Float32Array(chunk.length * size * size * 3);
        images.forEach((img, i) => pixels.set(img, i * size * size * 3));
        yield { x: tf.tensor4d(pixels, [chunk.length, size, size, 3]), y: tf.tensor1d(chunk.map((s) => s.label), 'int32') } as Batch & { y: tf.Tensor };
      }
    },
  };
}
