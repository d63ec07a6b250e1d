/**
 * UCF-101 as an evaluation set: the videos of one official split part that are present under the
 * videos folder, each decoded through ffmpeg (short side scaled, centre crop) and cut into the test
 * protocol's clips (10 windows evenly spaced over the video, `frames` frames each); the evaluator
 * averages the softmax over a video's clips. A video that ffmpeg cannot decode, or that stops well
 * before the duration its header declares, is skipped and named on stderr, and the skips are listed
 * in `report()`: a partial video would otherwise be scored on whatever frames survived.
 */
import { truncatedVideoError } from '../ffmpeg/truncation.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AugpriorError, tf, type LabeledDataset, clipTiles } from '@augprior/core';
import { decodeFrames } from '../ffmpeg/decode-frames.js';
import { decodeFramesCached } from '../ffmpeg/frame-cache.js';
import { testClipIndices } from '../sampling/clip-sampling.js';
import { readClassIndex, readSplit } from './splits.js';

export const Ucf101Args = z.strictObject({
  /** Folder of `<Class>/v_*.avi` (data-root relative). */
  videos: z.string().min(1).default('ucf101/clips'),
  /** Folder of classInd.txt and the split lists. */
  splits: z.string().min(1).default('ucf101/splits'),
  split: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(1),
  part: z.enum(['train', 'test']).default('test'),
  frames: z.number().int().positive().default(16),
  /** Source frames one clip spans (default: twice `frames`, i.e. every other frame). */
  windowFrames: z.number().int().positive().optional(),
  size: z.tuple([z.number().int().positive(), z.number().int().positive()]).default([112, 112]),
  clips: z.number().int().positive().default(10),
  fit: z.enum(['stretch', 'short-side-crop']).default('short-side-crop'),
  /** Keep only these classes, re-indexed in this order (a teacher trained on a subset of UCF-101). */
  classes: z.array(z.string().min(1)).min(1).optional(),
  /** Resample every video to this frame rate before sampling clips (default: its own frames). */
  fps: z.number().positive().optional(),
  /** Keep decoded frames here (e.g. runs/frame-cache) so later evaluations skip ffmpeg. */
  frameCache: z.string().min(1).optional(),
  limit: z.number().int().positive().optional(),
});
export type Ucf101Options = z.infer<typeof Ucf101Args>;

export interface Ucf101Report {
  listed: number;
  present: number;
  evaluated: number;
  skipped: Array<{ file: string; reason: string }>;
}

export function ucf101Set(options: Ucf101Options & { videosDir: string; splitsDir: string; warn?: (line: string) => void }): LabeledDataset & { report(): Ucf101Report } {
  const allClasses = readClassIndex(options.splitsDir);
  for (const name of options.classes ?? []) {
    if (!allClasses.includes(name)) throw new AugpriorError('ucf101.unknown-class', `class "${name}" is not in ${join(options.splitsDir, 'classInd.txt')}`);
  }
  const classNames = options.classes ?? allClasses;
  const reindex = new Map(classNames.map((name, i) => [allClasses.indexOf(name), i]));
  const listed = readSplit(options.splitsDir, options.split, options.part, allClasses).filter((entry) => reindex.has(entry.label));
  let present = listed.filter((entry) => existsSync(join(options.videosDir, entry.path)));
  if (options.limit) present = present.slice(0, options.limit);
  if (present.length === 0) {
    throw new AugpriorError('ucf101.no-videos', `none of the ${listed.length} videos of ${options.part}list0${options.split}.txt${options.classes ? ` (classes ${options.classes.join(', ')})` : ''} is under ${options.videosDir}`, 'point `videos` at the folder holding <Class>/v_*.avi');
  }
  const [height, width] = options.size;
  const T = options.frames;
  const window = options.windowFrames ?? 2 * T;
  const frameSize = height * width * 3;
  const skipped: Ucf101Report['skipped'] = [];
  let evaluated = 0;
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));

  /** One video's clips as [clips * T * H * W * 3] in [0, 1], or undefined when it is skipped. */
  async function videoClips(path: string): Promise<Float32Array | undefined> {
    const file = join(options.videosDir, path);
    try {
      const decode = { width, height, pixelFormat: 'rgb24' as const, fit: options.fit, ...(options.fps ? { fps: options.fps } : {}) };
      const video = options.frameCache ? await decodeFramesCached(file, decode, options.frameCache) : await decodeFrames(file, decode);
      if (video.truncated) throw truncatedVideoError(file, video);
      const out = new Float32Array(options.clips * T * frameSize);
      testClipIndices(video.frames.length, Math.min(window, video.frames.length), T, options.clips).forEach((indices, clip) =>
        indices.forEach((frame, t) => {
          const pixels = video.frames[frame]!;
          const base = (clip * T + t) * frameSize;
          for (let k = 0; k < frameSize; k++) out[base + k] = pixels[k]! / 255;
        }),
      );
      return out;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      skipped.push({ file, reason });
      warn(`[ucf101] skipped ${file}: ${reason}`);
      return undefined;
    }
  }

  return {
    description: `UCF-101 split ${options.split} ${options.part}: ${present.length} of ${listed.length} listed videos present${options.classes ? ` (${classNames.length} classes)` : ''}, ${options.clips} clips x ${T} frames at ${width}x${height}`,
    size: present.length,
    numClasses: classNames.length,
    drawInputs: clipTiles,
    classNames,
    async *batches(batchSize) {
      const videosPerBatch = Math.max(1, Math.floor(batchSize / options.clips));
      for (let start = 0; start < present.length; start += videosPerBatch) {
        const chunk: Float32Array[] = [];
        const labels: number[] = [];
        for (const entry of present.slice(start, start + videosPerBatch)) {
          const clips = await videoClips(entry.path);
          if (!clips) continue;
          chunk.push(clips);
          labels.push(reindex.get(entry.label)!);
        }
        if (chunk.length === 0) continue;
        evaluated += chunk.length;
        const x = new Float32Array(chunk.length * chunk[0]!.length);
        chunk.forEach((clips, i) => x.set(clips, i * clips.length));
        yield { x: tf.tensor5d(x, [chunk.length * options.clips, T, height, width, 3]), y: tf.tensor1d(labels, 'int32'), views: options.clips };
      }
      if (skipped.length > 0) warn(`[ucf101] evaluated ${evaluated} of ${present.length} videos; ${skipped.length} skipped (listed above)`);
    },
    report: () => ({ listed: listed.length, present: present.length, evaluated, skipped: [...skipped] }),
  };
}
