/**
 * Generated data for unit tests, the tiny end-to-end job and smoke benchmarks: no files, no
 * downloads, fully determined by a seed.
 *
 * `synthetic_shapes`: class k of N is a sinusoidal grating at orientation k*pi/N (+- a quarter
 * of the class spacing), with random spatial frequency, phase, two random colours and pixel
 * noise. Orientation is the only label-bearing factor, so a small convnet learns it in a few
 * hundred steps on a CPU.
 *
 * `synthetic_single_image`: ONE generated mosaic (Voronoi cells, each a grating at a random
 * orientation) from which random crops are cut: the single-source setting of the paper in
 * miniature. A student distilled on its crops must recover orientation classes it never saw
 * labelled.
 */
import { z } from 'zod';
import { tf } from '../tf.js';
import { Rng } from '../rng.js';
import type { Batch, BatchSource, LabeledDataset } from '../trainer/types.js';
import { imageTiles } from '../imaging/input-tiles.js';

const TRAIN_STREAM = 0x7472; // 'tr'
const TEST_STREAM = 0x7465; // 'te'
const MOSAIC_STREAM = 0x6d6f; // 'mo'

interface Grating {
  angle: number;
  /** cycles per `size` pixels */
  frequency: number;
  phase: number;
  colorA: [number, number, number];
  colorB: [number, number, number];
}

function randomColors(rng: Rng): [[number, number, number], [number, number, number]] {
  const a: [number, number, number] = [rng.uniform(), rng.uniform(), rng.uniform()];
  // Keep some contrast so every image shows its orientation.
  const b = a.map((c) => (c > 0.5 ? c - rng.range(0.35, 0.5) : c + rng.range(0.35, 0.5))) as [number, number, number];
  return [a, b];
}

function classGrating(rng: Rng, label: number, numClasses: number): Grating {
  const spacing = Math.PI / numClasses;
  const [colorA, colorB] = randomColors(rng);
  return { angle: label * spacing + rng.range(-spacing / 4, spacing / 4), frequency: rng.range(1.5, 3), phase: rng.range(0, 2 * Math.PI), colorA, colorB };
}

/** Writes one grating image (HWC, [0,1]) into `out` at `offset`. */
function drawGrating(out: Float32Array, offset: number, size: number, g: Grating, noise: number, rng: Rng): void {
  const cos = Math.cos(g.angle);
  const sin = Math.sin(g.angle);
  const k = (2 * Math.PI * g.frequency) / size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = 0.5 + 0.5 * Math.sin(k * (x * cos + y * sin) + g.phase);
      for (let c = 0; c < 3; c++) {
        const v = g.colorA[c]! + (g.colorB[c]! - g.colorA[c]!) * t + (noise > 0 ? rng.normal(0, noise) : 0);
        out[offset + (y * size + x) * 3 + c] = Math.min(1, Math.max(0, v));
      }
    }
  }
}

/** Renders n labelled gratings; image i draws its label and look from `rngFor(i)`. */
function renderShapes(n: number, size: number, numClasses: number, noise: number, rngFor: (i: number) => Rng): Batch & { y: tf.Tensor } {
  const pixels = new Float32Array(n * size * size * 3);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const rng = rngFor(i);
    const label = rng.int(numClasses);
    labels[i] = label;
    drawGrating(pixels, i * size * size * 3, size, classGrating(rng, label, numClasses), noise, rng);
  }
  return { x: tf.tensor4d(pixels, [n, size, size, 3]), y: tf.tensor1d(labels, 'int32') };
}

export const SyntheticShapesArgs = z.strictObject({
  numClasses: z.number().int().min(2).max(36).default(10),
  imageSize: z.number().int().min(4).max(256).default(16),
  noise: z.number().min(0).max(1).default(0.05),
  /** Eval sets only: how many images, and the seed that fixes them (independent of the run's seed). */
  count: z.number().int().positive().default(1000),
  datasetSeed: z.number().int().min(0).default(1234),
});
export type SyntheticShapesOptions = z.infer<typeof SyntheticShapesArgs>;

export function syntheticShapesSource(options: SyntheticShapesOptions, seed: number): BatchSource {
  const { imageSize, numClasses, noise } = options;
  return {
    description: `synthetic_shapes (${numClasses} orientation classes, ${imageSize}px, seed ${seed})`,
    labeled: true,
    inputShape: [imageSize, imageSize, 3],
    drawInputs: imageTiles,
    async *batches(fromStep, batchSize) {
      for (let step = fromStep; ; step++) {
        const rng = Rng.derive(seed, TRAIN_STREAM, step);
        yield renderShapes(batchSize, imageSize, numClasses, noise, () => rng);
      }
    },
    dispose() {},
  };
}

export function syntheticShapesTestSet(options: SyntheticShapesOptions): LabeledDataset {
  const { imageSize, numClasses, noise, count, datasetSeed } = options;
  return {
    description: `synthetic_shapes test (${count} images, ${numClasses} classes, dataset seed ${datasetSeed})`,
    size: count,
    numClasses,
    drawInputs: imageTiles,
    classNames: Array.from({ length: numClasses }, (_, k) => `angle_${Math.round((k * 180) / numClasses)}`),
    async *batches(batchSize) {
      for (let start = 0; start < count; start += batchSize) {
        const n = Math.min(batchSize, count - start);
        // One stream per image of the fixed set, so any batch size yields the same images.
        yield renderShapes(n, imageSize, numClasses, noise, (i) => Rng.derive(datasetSeed, TEST_STREAM, start + i));
      }
    },
  };
}

export const SyntheticSingleImageArgs = z.strictObject({
  imageSize: z.number().int().min(4).max(256).default(16),
  sourceSize: z.number().int().min(16).max(2048).default(160),
  cells: z.number().int().min(1).max(1000).default(40),
  /** Crop area as a fraction of the source, sampled uniformly (the paper's RandomResizedCrop). */
  minScale: z.number().positive().max(1).default(0.01),
  maxScale: z.number().positive().max(1).default(0.1),
  flip: z.boolean().default(true),
  /** The mosaic's own seed: the "which image" of the single-image setting. */
  imageSeed: z.number().int().min(0).default(7),
});
export type SyntheticSingleImageOptions = z.infer<typeof SyntheticSingleImageArgs>;

/** The mosaic as HWC floats in [0, 1]. */
export function renderMosaic(options: SyntheticSingleImageOptions): Float32Array {
  const { sourceSize: size, cells, imageSeed } = options;
  const rng = Rng.derive(imageSeed, MOSAIC_STREAM);
  const centers = Array.from({ length: cells }, () => [rng.range(0, size), rng.range(0, size)] as const);
  const gratings: Grating[] = centers.map(() => {
    const [colorA, colorB] = randomColors(rng);
    // Frequencies per pixel spanning what a resized crop maps onto the test images' 1.5-3 cycles.
    return { angle: rng.range(0, Math.PI), frequency: (rng.range(1.5, 3) * size) / rng.range(4, 12), phase: rng.range(0, 2 * Math.PI), colorA, colorB };
  });
  const out = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let best = 0;
      let bestDistance = Infinity;
      centers.forEach(([cx, cy], i) => {
        const d = (cx - x) ** 2 + (cy - y) ** 2;
        if (d < bestDistance) {
          bestDistance = d;
          best = i;
        }
      });
      const g = gratings[best]!;
      const t = 0.5 + 0.5 * Math.sin(((2 * Math.PI * g.frequency) / size) * (x * Math.cos(g.angle) + y * Math.sin(g.angle)) + g.phase);
      for (let c = 0; c < 3; c++) out[(y * size + x) * 3 + c] = g.colorA[c]! + (g.colorB[c]! - g.colorA[c]!) * t;
    }
  }
  return out;
}

export function syntheticSingleImageSource(options: SyntheticSingleImageOptions, seed: number): BatchSource {
  const { imageSize, sourceSize, minScale, maxScale, flip } = options;
  const pixels = renderMosaic(options);
  const mosaic = tf.tensor4d(pixels, [1, sourceSize, sourceSize, 3]);
  return {
    description: `synthetic_single_image (one ${sourceSize}px mosaic of ${options.cells} gratings, image seed ${options.imageSeed}, crops ${imageSize}px)`,
    labeled: false,
    inputShape: [imageSize, imageSize, 3],
    drawInputs: imageTiles,
    async *batches(fromStep, batchSize) {
      for (let step = fromStep; ; step++) {
        const rng = Rng.derive(seed, TRAIN_STREAM, step);
        const boxes = new Float32Array(batchSize * 4);
        for (let i = 0; i < batchSize; i++) {
          const area = rng.range(minScale, Math.max(minScale, maxScale));
          const ratio = Math.exp(rng.range(Math.log(3 / 4), Math.log(4 / 3)));
          const h = Math.min(1, Math.sqrt(area / ratio));
          const w = Math.min(1, Math.sqrt(area * ratio));
          const y1 = rng.range(0, 1 - h);
          const x1 = rng.range(0, 1 - w);
          const mirrored = flip && rng.bernoulli(0.5);
          // cropAndResize flips a box whose x2 < x1.
          boxes.set(mirrored ? [y1, x1 + w, y1 + h, x1] : [y1, x1, y1 + h, x1 + w], i * 4);
        }
        const x = tf.tidy(() => tf.image.cropAndResize(mosaic, tf.tensor2d(boxes, [batchSize, 4]), tf.zeros([batchSize], 'int32'), [imageSize, imageSize], 'bilinear'));
        yield { x };
      }
    },
    sourcePicture: async () => {
      const rgb = Uint8Array.from(pixels, (v) => Math.round(Math.max(0, Math.min(1, v)) * 255));
      return { caption: `the source: one ${sourceSize}px mosaic of ${options.cells} gratings (image seed ${options.imageSeed})`, width: sourceSize, height: sourceSize, rgb };
    },
    dispose() {
      mosaic.dispose();
    },
  };
}
