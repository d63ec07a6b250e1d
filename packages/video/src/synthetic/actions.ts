/**
 * A synthetic action benchmark the project generates itself (no UCF-101 teacher or training set is
 * available offline): each clip moves a random textured scene with one of 8 camera motions:
 * translation left / right / up / down, rotation clockwise / counter-clockwise, zoom in / out.
 * Speed, texture, colours and start pose are random; the class is only in the motion, so a model
 * must compare frames to solve it. Frames are rendered by inverse-mapping every output pixel into
 * the scene (bilinear), so motion is sub-pixel smooth. Clip i of a split depends only on
 * (split seed, i); train and test use disjoint seeds.
 */
import { z } from 'zod';
import { Rng, tf, type BatchSource, type LabeledDataset, RNG_STREAMS, clipTiles } from '@augprior/core';

export const ACTION_CLASSES = ['translate_left', 'translate_right', 'translate_up', 'translate_down', 'rotate_cw', 'rotate_ccw', 'zoom_in', 'zoom_out'] as const;

export const SyntheticActionsArgs = z.strictObject({
  frames: z.number().int().min(2).default(8),
  size: z.number().int().min(8).default(32),
  /** Test-split clips (eval) or clips per epoch (train, an endless stream of fresh clips). */
  count: z.number().int().positive().default(800),
  split: z.enum(['train', 'test']).default('train'),
  /** Pixel noise std added to every frame, in [0, 1] units. */
  noise: z.number().min(0).default(0.02),
});
export type SyntheticActionsOptions = z.infer<typeof SyntheticActionsArgs>;

/** As an evaluation set the split defaults to `test`: the train split's first clips are the teacher's first batches. */
export const SyntheticActionsEvalArgs = SyntheticActionsArgs.extend({ split: z.enum(['train', 'test']).default('test') });

const SCENE = 64;

/** A random scene: a few soft coloured blobs and stripes on a gradient (periodic, so motion never runs out of picture). */
function scene(rng: Rng): Float32Array {
  const img = new Float32Array(SCENE * SCENE * 3);
  const base = [rng.uniform(), rng.uniform(), rng.uniform()];
  const blobs = Array.from({ length: 4 + rng.int(4) }, () => ({ x: rng.uniform() * SCENE, y: rng.uniform() * SCENE, r: 4 + rng.uniform() * 10, c: [rng.uniform(), rng.uniform(), rng.uniform()] }));
  const stripe = { f: 1 + rng.int(3), a: rng.uniform() * Math.PI, amp: 0.15 + 0.2 * rng.uniform() };
  for (let y = 0; y < SCENE; y++) {
    for (let x = 0; x < SCENE; x++) {
      const s = stripe.amp * Math.sin((2 * Math.PI * stripe.f * (x * Math.cos(stripe.a) + y * Math.sin(stripe.a))) / SCENE);
      const px = [base[0]! + s, base[1]! - s, base[2]! + 0.5 * s];
      for (const b of blobs) {
        // Periodic distance: the scene tiles the plane.
        const dx = Math.min(Math.abs(x - b.x), SCENE - Math.abs(x - b.x));
        const dy = Math.min(Math.abs(y - b.y), SCENE - Math.abs(y - b.y));
        const w = Math.exp(-(dx * dx + dy * dy) / (2 * b.r * b.r));
        for (let c = 0; c < 3; c++) px[c] = px[c]! * (1 - w) + b.c[c]! * w;
      }
      for (let c = 0; c < 3; c++) img[(y * SCENE + x) * 3 + c] = Math.min(1, Math.max(0, px[c]!));
    }
  }
  return img;
}

function sample(img: Float32Array, x: number, y: number, c: number): number {
  const wrap = (v: number) => ((v % SCENE) + SCENE) % SCENE;
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xx: number, yy: number) => img[(wrap(yy) * SCENE + wrap(xx)) * 3 + c]!;
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}

/** Renders clip `index` of a split into `out` [frames, size, size, 3]; returns its class. */
export function renderActionClip(options: SyntheticActionsOptions, splitSeed: number, index: number, out: Float32Array): number {
  const rng = Rng.derive(splitSeed, RNG_STREAMS.action, index);
  const label = rng.int(ACTION_CLASSES.length);
  const img = scene(rng);
  const { frames: T, size: S } = options;
  const speed = (0.4 + rng.uniform() * 0.5) * (S / 32); // frame pixels per frame (translation)
  const turn = (0.03 + rng.uniform() * 0.04) * (label === 4 ? -1 : 1); // radians per frame
  const zoom = 1 + (0.03 + rng.uniform() * 0.03) * (label === 7 ? -1 : 1); // scale factor per frame
  const cx = rng.uniform() * SCENE;
  const cy = rng.uniform() * SCENE;
  const view = (0.5 + rng.uniform() * 0.3) * SCENE; // scene pixels across the frame at t = 0
  const angle0 = rng.uniform() * 2 * Math.PI;
  const noise = options.noise;
  for (let t = 0; t < T; t++) {
    // Motion in frame coordinates: the camera pans (its window slides), turns about the frame
    // centre or zooms; the scene itself never moves.
    let du = 0;
    let dv = 0;
    let angle = angle0;
    let scale = view / S;
    if (label === 0) du = speed * t; // camera pans right: content moves left
    else if (label === 1) du = -speed * t;
    else if (label === 2) dv = speed * t; // camera pans down: content moves up
    else if (label === 3) dv = -speed * t;
    else if (label === 4 || label === 5) angle += turn * t;
    else scale /= zoom ** t; // zoom in: fewer scene pixels per frame pixel
    const cos = Math.cos(angle) * scale;
    const sin = Math.sin(angle) * scale;
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const u = x - S / 2 + 0.5 + du;
        const v = y - S / 2 + 0.5 + dv;
        const sx = cx + cos * u - sin * v;
        const sy = cy + sin * u + cos * v;
        const o = ((t * S + y) * S + x) * 3;
        for (let c = 0; c < 3; c++) out[o + c] = Math.min(1, Math.max(0, sample(img, sx, sy, c) + (noise > 0 ? noise * rng.normal() : 0)));
      }
    }
  }
  return label;
}

const SPLIT_SEEDS = { train: 0x7472, test: 0x7465 };

/** The fixed test split (or a fixed train subset) as a labelled set of clips [n, T, S, S, 3]. */
export function syntheticActionsSet(options: SyntheticActionsOptions): LabeledDataset {
  const per = options.frames * options.size * options.size * 3;
  return {
    description: `synthetic actions ${options.split} (${options.count} clips, ${options.frames}x${options.size}x${options.size}, 8 motions)`,
    size: options.count,
    numClasses: ACTION_CLASSES.length,
    drawInputs: clipTiles,
    classNames: [...ACTION_CLASSES],
    async *batches(batchSize) {
      for (let start = 0; start < options.count; start += batchSize) {
        const n = Math.min(batchSize, options.count - start);
        const x = new Float32Array(n * per);
        const y = new Int32Array(n);
        for (let i = 0; i < n; i++) y[i] = renderActionClip(options, SPLIT_SEEDS[options.split], start + i, x.subarray(i * per, (i + 1) * per));
        yield { x: tf.tensor5d(x, [n, options.frames, options.size, options.size, 3]), y: tf.tensor1d(y, 'int32') };
      }
    },
  };
}

/** Endless labelled training clips (teacher training): batch s holds clips s*n .. s*n + n - 1 of the train split. */
export function syntheticActionsSource(options: SyntheticActionsOptions): BatchSource {
  const per = options.frames * options.size * options.size * 3;
  return {
    description: `synthetic actions train stream (${options.frames}x${options.size}x${options.size}, 8 motions)`,
    labeled: true,
    inputShape: [options.frames, options.size, options.size, 3],
    drawInputs: clipTiles,
    async *batches(fromStep, batchSize) {
      for (let step = fromStep; ; step++) {
        const x = new Float32Array(batchSize * per);
        const y = new Int32Array(batchSize);
        for (let i = 0; i < batchSize; i++) y[i] = renderActionClip(options, SPLIT_SEEDS.train, (step - 1) * batchSize + i, x.subarray(i * per, (i + 1) * per));
        yield { x: tf.tensor5d(x, [batchSize, options.frames, options.size, options.size, 3]), y: tf.tensor1d(y, 'int32') };
      }
    },
    dispose() {},
  };
}
