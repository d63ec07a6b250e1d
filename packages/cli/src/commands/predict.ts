/**
 * `augprior predict --model <teacher-dir> <file...>`: runs a converted teacher on image or video
 * files, prepared the way its teacher.json says (size, frames, channel order, scale, normalisation),
 * and prints the top classes per file with the teacher's label names.
 */
import { extname, resolve } from 'node:path';
import { AugpriorError, selectEngine, tf, type Tensor } from '@augprior/core';
import { loadCentreCrop } from '@augprior/image';
import { loadTeacherDir } from '@augprior/teachers';
import { averageViews } from '@augprior/eval';
import { decodeFrames, describeTruncation, strideSampleIndices, testClipIndices, truncatedVideoError } from '@augprior/video';
import { emitResult, note, type CommandIO } from '../io.js';
import { intFlag, parseFlags, stringFlag } from '../options.js';

export const PREDICT_HELP = `augprior predict --model <teacher-dir> <image or video file...> [--top 3] [--clips 1] [--window F] [--json]

Images are resized (shorter side) and centre-cropped to the teacher's input size; videos are
decoded with ffmpeg, scaled to it, and sampled to its frame count (every floor(n/frames)-th frame).
--clips N (e.g. 10, the standard test protocol) takes N windows of F frames evenly spaced over the
video (default F: half the video), samples each uniformly, and averages the N softmaxes.
A video cut short (it decodes to under 90% of the duration its header declares) is still
answered, with a warning and \`truncated\` in the result; --strict refuses it instead.`;

const VIDEO = /\.(avi|mp4|mkv|mov|webm|mpg|mpeg)$/i;

interface Truncation {
  declaredSeconds: number;
  decodedSeconds: number;
}

async function loadInput(file: string, size: [number, number], frames: number | undefined, clips: number, window: number | undefined, strict: boolean): Promise<{ x: Tensor; truncated?: Truncation }> {
  const [h, w] = size;
  if (VIDEO.test(extname(file))) {
    if (!frames) throw new AugpriorError('predict.not-video-teacher', `${file} is a video but the teacher takes single images (its teacher.json has no frames)`);
    const video = await decodeFrames(file, { width: w, height: h, pixelFormat: 'rgb24' });
    if (video.truncated && strict) throw truncatedVideoError(file, video, 'without --strict the prediction is made from the frames that decode, and marked truncated');
    const total = video.frames.length;
    const views = clips > 1 ? testClipIndices(total, Math.min(total, window ?? Math.max(frames, Math.floor(total / 2))), frames, clips) : [strideSampleIndices(total, frames)];
    const frameSize = h * w * 3;
    const data = new Float32Array(views.length * frames * frameSize);
    views.forEach((indices, v) =>
      indices.forEach((index, k) => {
        const frame = video.frames[index]!;
        const base = (v * frames + k) * frameSize;
        for (let i = 0; i < frame.length; i++) data[base + i] = frame[i]! / 255;
      }),
    );
    const x = tf.tensor5d(data, [views.length, frames, h, w, 3]);
    return video.truncated ? { x, truncated: { declaredSeconds: video.declaredSeconds, decodedSeconds: video.decodedSeconds } } : { x };
  }
  if (h !== w) throw new AugpriorError('predict.input', `image input for non-square teachers (${h}x${w}) is not supported`);
  return { x: tf.tensor4d(await loadCentreCrop(file, h, h), [1, h, w, 3]) };
}

export async function predictCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags, positionals } = parseFlags(argv, { model: { type: 'string' }, top: { type: 'string' }, clips: { type: 'string' }, window: { type: 'string' }, strict: { type: 'boolean' } });
  const model = stringFlag(flags, 'model');
  if (flags['help'] || !model || !positionals.length) {
    io.stdout.write(`${PREDICT_HELP}\n`);
    return flags['help'] ? 0 : 2;
  }
  const engine = await selectEngine({ backend: (stringFlag(flags, 'backend') ?? io.env['AUGPRIOR_BACKEND'] ?? 'auto') as 'auto' });
  note(io, `[augprior] ${engine.reason}`);
  const teacher = await loadTeacherDir(resolve(io.cwd, model));
  const top = intFlag(flags, 'top') ?? 3;
  const clips = intFlag(flags, 'clips') ?? 1;
  const window = intFlag(flags, 'window');
  const results: Array<{ file: string; top: Array<{ label: string; index: number; probability: number }>; truncated?: Truncation }> = [];
  try {
    for (const file of positionals) {
      const { x, truncated } = await loadInput(resolve(io.cwd, file), teacher.spec.input.size, teacher.spec.input.frames, clips, window, flags['strict'] === true);
      if (truncated) note(io, `[augprior] warning: ${describeTruncation(file, truncated)}; the prediction below uses only the frames that decode`);
      const logits = await teacher.predict(x);
      const views = x.shape[0]!;
      const probabilities = averageViews(logits.dataSync() as Float32Array, teacher.numClasses, views).map(Math.exp);
      tf.dispose([x, logits]);
      const ranked = Array.from(probabilities)
        .map((p, index) => ({ label: teacher.spec.labels?.[index] ?? String(index), index, probability: Math.round(p * 10000) / 10000 }))
        .sort((a, b) => b.probability - a.probability)
        .slice(0, top);
      results.push({ file, top: ranked, ...(truncated ? { truncated } : {}) });
    }
  } finally {
    teacher.dispose();
  }
  emitResult(io, flags['json'] === true, { model, clips, predictions: results }, () => results.map((r) => `${r.file}${r.truncated ? ' (TRUNCATED)' : ''}: ${r.top.map((t) => `${t.label} ${(t.probability * 100).toFixed(1)}%`).join(', ')}`).join('\n'));
  return 0;
}
