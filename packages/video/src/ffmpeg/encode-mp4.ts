/** Writes uint8 RGB frames as an MPEG-4 file through an ffmpeg pipe (to look at generated clips). */
import { PassThrough } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import { AugpriorError } from '@augprior/core';
import { resolveFfmpeg } from './resolve-ffmpeg.js';

export async function encodeMp4(file: string, frames: Uint8Array, options: { width: number; height: number; fps: number }): Promise<void> {
  const binary = await resolveFfmpeg();
  const input = new PassThrough();
  const done = new Promise<void>((resolve, reject) => {
    let stderr = '';
    ffmpeg(input)
      .setFfmpegPath(binary.path)
      .inputFormat('rawvideo')
      .inputOptions(['-pix_fmt', 'rgb24', '-s', `${options.width}x${options.height}`, '-r', String(options.fps)])
      // mpeg4 is in every ffmpeg build (libx264 is not); q 2 keeps small frames legible.
      .outputOptions(['-c:v', 'mpeg4', '-q:v', '2', '-pix_fmt', 'yuv420p', '-y'])
      .on('stderr', (line: string) => (stderr += `${line}\n`))
      .on('error', (error: Error) => reject(new AugpriorError('video.encode-failed', `cannot write ${file}: ${stderr.trim().split('\n').slice(-2).join(' | ') || error.message}`)))
      .on('end', () => resolve())
      .save(file);
  });
  input.end(Buffer.from(frames.buffer, frames.byteOffset, frames.byteLength));
  await done;
}
