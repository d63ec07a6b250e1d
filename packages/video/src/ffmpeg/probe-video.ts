/**
 * What a video file holds (codec, size, frame rate, frame count), read by decoding it once through
 * fluent-ffmpeg to the null muxer. ffprobe is not used because the npm-packaged binaries
 * (@ffmpeg-installer/ffmpeg, ffmpeg-static) ship ffmpeg alone; counting decoded frames is also
 * the only count that is right for AVIs whose headers lie after a remux.
 */
import { isTruncated } from './truncation.js';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import ffmpeg from 'fluent-ffmpeg';
import { AugpriorError } from '@augprior/core';
import { resolveFfmpeg } from './resolve-ffmpeg.js';

export interface VideoInfo {
  codec: string;
  width: number;
  height: number;
  fps: number;
  /** Frames the decoder produced. */
  frames: number;
  /** Duration the file declares: the AVI main header's frame count x frame time, else the container's (NaN when unknown). */
  declaredSeconds: number;
  /** Timestamp ffmpeg reached decoding it. */
  decodedSeconds: number;
  /** Decoding stopped well short of the declared duration: the file was cut off. */
  truncated: boolean;
}

/** Seconds an AVI's main header (`avih`) declares, or undefined for other files. */
export function aviDeclaredSeconds(head: Uint8Array): number | undefined {
  const text = (at: number) => String.fromCharCode(...head.subarray(at, at + 4));
  if (head.length < 64 || text(0) !== 'RIFF' || text(8) !== 'AVI ') return undefined;
  for (let i = 12; i + 48 <= head.length; i++) {
    if (head[i] === 0x61 && text(i) === 'avih') {
      const view = new DataView(head.buffer, head.byteOffset + i + 8, 40);
      const microsPerFrame = view.getUint32(0, true);
      const totalFrames = view.getUint32(16, true);
      return microsPerFrame > 0 && totalFrames > 0 ? (microsPerFrame * totalFrames) / 1e6 : undefined;
    }
  }
  return undefined;
}

/** Parses ffmpeg's stderr banner and final progress line (exported for tests). */
/** `aviDeclaredSeconds` of a file's first 8 KiB. */
export function aviDeclaredSecondsOf(file: string): number | undefined {
  const head = new Uint8Array(8192);
  const fd = openSync(file, 'r');
  try {
    return aviDeclaredSeconds(head.subarray(0, readSync(fd, head, 0, head.length, 0)));
  } finally {
    closeSync(fd);
  }
}

export function parseFfmpegReport(stderr: string, file: string, aviSeconds?: number): VideoInfo {
  const stream = /Stream #\d+:\d+[^:]*: Video: ([a-z0-9_]+)[^\n]*?, (\d+)x(\d+)[^\n]*?(?:, ([\d.]+) fps|, ([\d.]+) tbr)/.exec(stderr);
  if (!stream) throw new AugpriorError('data.corrupt-video', `${file}: ffmpeg found no video stream`, 'the file is not a video or is truncated before its first frame');
  const fps = Number(stream[4] ?? stream[5]);
  const frameLines = [...stderr.matchAll(/frame=\s*(\d+)/g)];
  const frames = frameLines.length > 0 ? Number(frameLines[frameLines.length - 1]![1]) : 0;
  const clock = (h: string, m: string, sec: string) => Number(h) * 3600 + Number(m) * 60 + Number(sec);
  const duration = /Duration: (\d+):(\d+):([\d.]+)/.exec(stderr);
  const times = [...stderr.matchAll(/time=(\d+):(\d+):([\d.]+)/g)];
  const last = times[times.length - 1];
  const declaredSeconds = aviSeconds ?? (duration ? clock(duration[1]!, duration[2]!, duration[3]!) : Number.NaN);
  const decodedSeconds = last ? clock(last[1]!, last[2]!, last[3]!) + 1 / fps : Number.NaN;
  return {
    codec: stream[1]!,
    width: Number(stream[2]),
    height: Number(stream[3]),
    fps,
    frames,
    declaredSeconds,
    decodedSeconds,
    truncated: isTruncated({ declaredSeconds, decodedSeconds }),
  };
}

export async function probeVideo(file: string): Promise<VideoInfo> {
  if (!existsSync(file)) throw new AugpriorError('data.missing', `video not found: ${file}`);
  const binary = await resolveFfmpeg();
  const stderr = await new Promise<string>((resolve, reject) => {
    let text = '';
    ffmpeg(file)
      .setFfmpegPath(binary.path)
      .noAudio()
      .outputOptions(['-map', '0:v:0', '-f', 'null', '-stats'])
      .output('-')
      .on('stderr', (line: string) => (text += `${line}\n`))
      .on('error', (error: Error) => reject(new AugpriorError('data.corrupt-video', `cannot decode video ${file}: ${text.trim().split('\n').slice(-2).join(' | ') || error.message}`, 'the file is truncated or not a video; remove or replace it')))
      .on('end', (_stdout: string | null, lastStderr: string | null) => resolve(lastStderr && !text.includes(lastStderr) ? `${text}${lastStderr}` : text))
      .run();
  });
  const info = parseFfmpegReport(stderr, file, aviDeclaredSecondsOf(file));
  if (info.frames === 0) throw new AugpriorError('data.corrupt-video', `${file}: no frame could be decoded`, 'the file is truncated or not a video; remove or replace it');
  return info;
}
