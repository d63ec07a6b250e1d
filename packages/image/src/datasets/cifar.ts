/**
 * CIFAR-10/100 evaluation sets in the three layouts found in the wild: class folders
 * (`<dir>/<class>/*.{jpg,png}`), flat files named `..._<i>_<label>.png` (foolbox samples), and the
 * official binary batches (`test_batch.bin` / `test.bin`: a label byte or two, then 3072 bytes of
 * R, G and B planes). Every file is checked (decodes, 32x32, known class) before any is used.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { AugpriorError, tf, type Batch, type LabeledDataset, imageTiles } from '@augprior/core';
import { decodeImageRgb } from './decode-image.js';

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|bmp|tiff?)$/i;

interface Sample {
  path: string;
  label: number;
}

function listFolderSamples(root: string, classes: readonly string[], dataset: string): Sample[] {
  const entries = readdirSync(root).filter((name) => statSync(join(root, name)).isDirectory());
  const unknown = entries.filter((name) => !classes.includes(name));
  if (unknown.length) throw new AugpriorError('data.unknown-class', `${root}: folders ${unknown.join(', ')} are not ${dataset} classes (${classes.join(', ')})`);
  const samples: Sample[] = [];
  for (const name of [...entries].sort((a, b) => classes.indexOf(a) - classes.indexOf(b))) {
    const label = classes.indexOf(name);
    for (const file of readdirSync(join(root, name)).filter((f) => IMAGE_EXTENSIONS.test(f)).sort()) samples.push({ path: join(root, name, file), label });
  }
  return samples;
}

/** `cifar10_<index>_<label>.png` (the label is the last number before the extension). */
function listFlatSamples(root: string, numClasses: number): Sample[] {
  const files = readdirSync(root).filter((f) => IMAGE_EXTENSIONS.test(f));
  return files
    .map((file) => {
      const match = /_(\d+)_(\d+)\.[a-z]+$/i.exec(file);
      if (!match) throw new AugpriorError('data.bad-name', `${join(root, file)}: expected a name like cifar10_<index>_<label>.png`);
      const label = Number(match[2]);
      if (label >= numClasses) throw new AugpriorError('data.bad-label', `${join(root, file)}: label ${label} is outside 0..${numClasses - 1}`);
      return { path: join(root, file), label, index: Number(match[1]) };
    })
    .sort((a, b) => a.index - b.index)
    .map(({ path, label }) => ({ path, label }));
}

export interface CifarFolderOptions {
  path: string;
  numClasses: 10 | 100;
  classNames?: readonly string[];
  limit?: number;
}

export function cifarImageSet(options: CifarFolderOptions): LabeledDataset {
  const { path, numClasses } = options;
  if (!existsSync(path)) throw new AugpriorError('data.missing', `CIFAR-${numClasses} images not found at ${path}`);
  const hasFolders = readdirSync(path).some((name) => statSync(join(path, name)).isDirectory());
  const dataset = `CIFAR-${numClasses}`;
  if (hasFolders && !options.classNames) throw new AugpriorError('data.layout', `${path}: class folders need the class names of ${dataset}`);
  let samples = hasFolders ? listFolderSamples(path, options.classNames!, dataset) : listFlatSamples(path, numClasses);
  if (!samples.length) throw new AugpriorError('data.empty', `${path} holds no images`);
  if (options.limit) samples = samples.slice(0, options.limit);
  return {
    description: `${dataset} ${basename(path)} (${samples.length} images from ${relative(process.cwd(), path) || path})`,
    size: samples.length,
    numClasses,
    drawInputs: imageTiles,
    ...(options.classNames ? { classNames: options.classNames } : {}),
    async *batches(batchSize) {
      for (let start = 0; start < samples.length; start += batchSize) {
        const chunk = samples.slice(start, start + batchSize);
        const decoded = await Promise.all(chunk.map((s) => decodeImageRgb(s.path)));
        const pixels = new Float32Array(chunk.length * 32 * 32 * 3);
        decoded.forEach((image, i) => {
          if (image.width !== 32 || image.height !== 32) throw new AugpriorError('data.bad-size', `${chunk[i]!.path} is ${image.width}x${image.height}, CIFAR images are 32x32`);
          for (let k = 0; k < image.data.length; k++) pixels[i * 3072 + k] = image.data[k]! / 255;
        });
        yield { x: tf.tensor4d(pixels, [chunk.length, 32, 32, 3]), y: tf.tensor1d(chunk.map((s) => s.label), 'int32') } as Batch & { y: tf.Tensor };
      }
    },
  };
}

/** The official binary batches: 1 label byte (CIFAR-10) or coarse + fine bytes (CIFAR-100), then R, G, B planes. */
export function cifarBinarySet(options: { path: string; numClasses: 10 | 100; classNames?: readonly string[]; limit?: number }): LabeledDataset {
  const candidates = statSync(options.path).isDirectory()
    ? ['test_batch.bin', 'test.bin', 'cifar-10-batches-bin/test_batch.bin', 'cifar-100-binary/test.bin'].map((f) => join(options.path, f))
    : [options.path];
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new AugpriorError('data.missing', `no CIFAR binary test batch in ${options.path} (looked for ${candidates.map((c) => basename(c)).join(', ')})`);
  const bytes = readFileSync(file);
  const labelBytes = options.numClasses === 10 ? 1 : 2;
  const record = labelBytes + 3072;
  if (bytes.length % record !== 0) throw new AugpriorError('data.corrupt', `${file}: ${bytes.length} bytes is not a whole number of ${record}-byte CIFAR-${options.numClasses} records (truncated?)`);
  const count = Math.min(bytes.length / record, options.limit ?? Infinity);
  for (let i = 0; i < count; i++) {
    const label = bytes[i * record + labelBytes - 1]!;
    if (label >= options.numClasses) throw new AugpriorError('data.bad-label', `${file}: record ${i} has label ${label}, outside 0..${options.numClasses - 1} (is this CIFAR-${options.numClasses}?)`);
  }
  return {
    description: `CIFAR-${options.numClasses} binary ${basename(file)} (${count} images)`,
    size: count,
    numClasses: options.numClasses,
    drawInputs: imageTiles,
    ...(options.classNames ? { classNames: options.classNames } : {}),
    async *batches(batchSize) {
      for (let start = 0; start < count; start += batchSize) {
        const n = Math.min(batchSize, count - start);
        const pixels = new Float32Array(n * 3072);
        const labels = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          const base = (start + i) * record;
          labels[i] = bytes[base + labelBytes - 1]!;
          // planes [3][32][32] -> HWC
          for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) pixels[i * 3072 + p * 3 + c] = bytes[base + labelBytes + c * 1024 + p]! / 255;
        }
        yield { x: tf.tensor4d(pixels, [n, 32, 32, 3]), y: tf.tensor1d(labels, 'int32') } as Batch & { y: tf.Tensor };
      }
    },
  };
}
