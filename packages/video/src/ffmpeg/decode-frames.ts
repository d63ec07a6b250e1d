/**
 * Decodes a video to raw frames through an ffmpeg pipe, driven by fluent-ffmpeg: every frame,
 * scaled to width x height (bilinear, like cv2.resize's default), as packed rgb24 or bgr24 bytes.
 * No temporary files; a file ffmpeg cannot decode fails with its own message and the file name.
 */
import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import { AugpriorError } from '@augprior/core';
import { aviDeclaredSecondsOf, parseFfmpegReport } from './probe-video.js';
import { resolveFfmpeg } from './resolve-ffmpeg.js';

export interface DecodedVideo {
  width: number;
  height: number;
  /** One HWC uint8 frame per entry. */
  frames: Uint8Array[];
  /** Duration the file declares vs the time decoding reached; `truncated` when decoding stopped well short. */
  declaredSeconds: number;
  decodedSeconds: number;
  truncated: boolean;
}

/**
 * `stretch` scales straight to width x height (the Keras LRCN reference's cv2.resize); `short-side-crop`
 * scales the short side to cover the target (aspect kept) and centre-crops, as torchvision video
 * evaluation does.
 */
export type FrameFit = 'stretch' | 'short-side-crop';

function scaleFilter(width: number, height: number, fit: FrameFit): string {
  if (fit === 'stretch') return `scale=${width}:${height}:flags=bilinear`;
  // Scale so both sides cover the target, then crop the centre.
  return `scale='max(${width},ceil(iw*${height}/ih))':'max(${height},ceil(ih*${width}/iw))':flags=bilinear,crop=${width}:${height}`;
}

export interface DecodeOptions {
  width: number;
  height: number;
  pixelFormat: 'rgb24' | 'bgr24';
  fit?: FrameFit;
  /** Resample to this frame rate (ffmpeg's fps filter: frames dropped or repeated); default: every decoded frame. */
  fps?: number;
}

export async function decodeFrames(file: string, options: DecodeOptions): Promise<DecodedVideo> {
  if (!existsSync(file)) throw new AugpriorError('data.missing', `video not found: ${file}`);
  const binary = await resolveFfmpeg();
  const frameBytes = options.width * options.height * 3;
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    ffmpeg(file)
      .setFfmpegPath(binary.path)
      .noAudio()
      .videoFilters([...(options.fps ? [`fps=${options.fps}`] : []), scaleFilter(options.width, options.height, options.fit ?? 'stretch')])
      .outputOptions(['-f', 'rawvideo', '-pix_fmt', options.pixelFormat, '-vsync', 'passthrough', '-stats'])
      .on('stderr', (line: string) => (stderr += `${line}\n`))
      .on('error', (error: Error) => reject(new AugpriorError('data.corrupt-video', `cannot decode video ${file}: ${lastLines(stderr) || error.message}`, 'the file is truncated or not a video; remove or replace it')))
      .on('end', (_stdout: string | null, lastStderr: string | null) => {
        if (lastStderr && !stderr.includes(lastStderr)) stderr += lastStderr;
        resolve();
      })
      .pipe(sink, { end: true });
  });
  const all = Buffer.concat(chunks);
  if (all.length === 0 || all.length % frameBytes !== 0) throw new AugpriorError('data.corrupt-video', `video ${file} decoded to ${all.length} bytes, not whole ${options.width}x${options.height} frames`);
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset < all.length; offset += frameBytes) frames.push(new Uint8Array(all.buffer, all.byteOffset + offset, frameBytes));
  // The same decode tells whether the file was cut short: no second pass over the video.
  const { declaredSeconds, decodedSeconds, truncated } = parseFfmpegReport(stderr, file, aviDeclaredSecondsOf(file));
  return { width: options.width, height: options.height, frames, declaredSeconds, decodedSeconds, truncated };
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-2).join(' | ');
}

/**
 * Indices of `count` frames spread over a video of `total` frames the way the Keras LRCN/ConvLSTM
 * reference code samples them: every floor(total / count)-th frame from the start.
 */
export function strideSampleIndices(total: number, count: number): number[] {
  const skip = Math.max(Math.floor(total / count), 1);
  return Array.from({ length: count }, (_, k) => Math.min(k * skip, total - 1));
}
