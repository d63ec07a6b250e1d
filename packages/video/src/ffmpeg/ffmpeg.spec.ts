import { chmodSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync } from 'node:fs';
import { decodeFrames, strideSampleIndices } from './decode-frames.js';
import { aviDeclaredSeconds, parseFfmpegReport, probeVideo } from './probe-video.js';
import { decodeFramesCached, frameCacheKey } from './frame-cache.js';
import { resolveFfmpeg } from './resolve-ffmpeg.js';

const CLIPS = resolve(import.meta.dirname, '../../../../../shared/data/ucf101/clips');

function fakeBinary(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'augprior-ffmpeg-')), 'ffmpeg');
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, 0o755);
  return path;
}

describe('resolveFfmpeg', () => {
  it('prefers ffmpeg-static, then @ffmpeg-installer/ffmpeg, then PATH, saying why each was skipped', async () => {
    const bin = fakeBinary();
    const first = await resolveFfmpeg({ candidates: { 'ffmpeg-static': async () => bin, '@ffmpeg-installer/ffmpeg': async () => '/nope', PATH: async () => undefined } });
    expect(first).toMatchObject({ path: bin, source: 'ffmpeg-static', skipped: [] });
    const second = await resolveFfmpeg({ candidates: { 'ffmpeg-static': async () => '/missing/ffmpeg', '@ffmpeg-installer/ffmpeg': async () => bin, PATH: async () => undefined } });
    expect(second.source).toBe('@ffmpeg-installer/ffmpeg');
    expect(second.skipped[0]).toMatch(/ffmpeg-static: \/missing\/ffmpeg is missing or not executable \(its installer downloads the binary/);
    const third = await resolveFfmpeg({ candidates: { 'ffmpeg-static': async () => undefined, '@ffmpeg-installer/ffmpeg': async () => undefined, PATH: async () => bin } });
    expect(third).toMatchObject({ source: 'PATH', skipped: ['ffmpeg-static: package not installed', '@ffmpeg-installer/ffmpeg: package not installed'] });
  });
  it('fails with every reason and what to install when no ffmpeg exists', async () => {
    await expect(resolveFfmpeg({ candidates: { 'ffmpeg-static': async () => undefined, '@ffmpeg-installer/ffmpeg': async () => undefined, PATH: async () => undefined } })).rejects.toThrow(
      /no ffmpeg binary found: ffmpeg-static: package not installed; @ffmpeg-installer\/ffmpeg: package not installed; PATH: no ffmpeg on PATH\n {2}hint: npm install @ffmpeg-installer\/ffmpeg/,
    );
  });
  it('finds a working binary on this machine', async () => {
    const found = await resolveFfmpeg();
    expect(existsSync(found.path)).toBe(true);
  });
});

describe('strideSampleIndices', () => {
  it('takes every floor(n/k)-th frame from the start, as the Keras reference does', () => {
    expect(strideSampleIndices(100, 20)).toEqual(Array.from({ length: 20 }, (_, k) => k * 5));
    expect(strideSampleIndices(45, 20)).toEqual(Array.from({ length: 20 }, (_, k) => k * 2));
    expect(strideSampleIndices(10, 20)).toEqual(Array.from({ length: 20 }, (_, k) => Math.min(k, 9)));
  });
});

describe('probe parsing', () => {
  it('reads the stream line, the last progress line and an AVI main header', () => {
    const stderr = [
      "Input #0, avi, from 'x.avi':",
      '  Duration: 00:00:05.04, start: 0.000000, bitrate: 2725 kb/s',
      '  Stream #0:0: Video: mpeg4 (Simple Profile) (FMP4 / 0x34504D46), yuv420p, 340x256 [SAR 1:1 DAR 85:64], 2720 kb/s, 59.94 fps, 59.94 tbr, 59.94 tbn',
      'frame=   80 fps=0.0 q=-0.0 size=N/A time=00:00:02.60 bitrate=N/A speed=5x',
      'frame=  151 fps=0.0 q=-0.0 Lsize=N/A time=00:00:05.03 bitrate=N/A speed=5.1x',
    ].join('\n');
    const info = parseFfmpegReport(stderr, 'x.avi');
    expect(info).toMatchObject({ codec: 'mpeg4', width: 340, height: 256, fps: 59.94, frames: 151, declaredSeconds: 5.04, truncated: false });
    expect(parseFfmpegReport(stderr, 'x.avi', 10).truncated).toBe(true);
    expect(() => parseFfmpegReport('Input #0, wav\n  Stream #0:0: Audio: pcm_s16le', 'a.wav')).toThrow(/a\.wav: ffmpeg found no video stream/);
    const head = new Uint8Array(96);
    const view = new DataView(head.buffer);
    const put = (at: number, text: string) => [...text].forEach((c, i) => (head[at + i] = c.charCodeAt(0)));
    put(0, 'RIFF');
    put(8, 'AVI ');
    put(12, 'LIST');
    put(20, 'hdrl');
    put(24, 'avih');
    view.setUint32(32, 40000, true); // 25 fps
    view.setUint32(48, 250, true); // frames
    expect(aviDeclaredSeconds(head)).toBeCloseTo(10, 9);
    put(8, 'WAVE');
    expect(aviDeclaredSeconds(head)).toBeUndefined();
  });
});

describe.runIf(existsSync(CLIPS))('decodeFrames on the UCF-101 clips in ../shared/data', () => {
  it('decodes the Xvid originals and the MPEG-4 re-encodes to whole scaled frames', async () => {
    const dirs = readdirSync(CLIPS).sort();
    for (const dir of [dirs[0]!, 'Biking']) {
      const file = join(CLIPS, dir, readdirSync(join(CLIPS, dir))[0]!);
      const video = await decodeFrames(file, { width: 64, height: 48, pixelFormat: 'bgr24' });
      expect(video.frames.length, file).toBeGreaterThan(50);
      expect(video.frames[0]!.length).toBe(64 * 48 * 3);
    }
  });
  it('probes every clip: codec, size, frame rate and decoded frame count (5 Xvid originals, 9 MPEG-4 re-encodes)', async () => {
    // Decoded counts, checked by hand against the AVI headers: the 9 re-encodes were remuxed at twice
    // their frame rate with every other frame a placeholder, so they declare 2x the frames they decode.
    const expected: Record<string, [number, number, number, number]> = {
      v_ApplyEyeMakeup_g01_c01: [320, 240, 25, 164],
      v_BaseballPitch_g02_c01: [320, 240, 29.97, 79],
      v_Basketball_g01_c01: [320, 240, 29.97, 141],
      v_Basketball_g01_c02: [340, 256, 59.94, 180],
      v_Basketball_g07_c04: [340, 256, 59.94, 101],
      v_Biking_g01_c01: [340, 256, 59.94, 151],
      v_CliffDiving_g03_c01: [340, 256, 50, 92],
      v_Fencing_g01_c06: [340, 256, 50, 174],
      v_HeadMassage_g02_c05: [320, 240, 25, 307],
      v_HorseRiding_g01_c03: [340, 256, 59.94, 98],
      v_IceDancing_g02_c05: [340, 256, 50, 244],
      v_SalsaSpin_g03_c01: [340, 256, 50, 168],
      v_Shotput_g05_c02: [320, 240, 25, 130],
      v_SkateBoarding_g02_c01: [340, 256, 50, 369],
    };
    const files = readdirSync(CLIPS).sort().flatMap((dir) => readdirSync(join(CLIPS, dir)).map((f) => join(CLIPS, dir, f)));
    expect(files.length).toBe(14);
    for (const file of files) {
      const info = await probeVideo(file);
      const [width, height, fps, frames] = expected[file.split('/').pop()!.replace('.avi', '')]!;
      expect({ codec: info.codec, width: info.width, height: info.height, fps: info.fps, frames: info.frames, truncated: info.truncated }, file).toEqual({ codec: 'mpeg4', width, height, fps, frames, truncated: false });
      if (info.width === 340) {
        const decoded = await decodeFrames(file, { width: 32, height: 24, pixelFormat: 'rgb24' });
        expect(decoded.frames.length, file).toBe(frames);
      }
    }
  });
  it('resamples to a chosen frame rate and caches decoded frames byte for byte', async () => {
    const file = join(CLIPS, 'Shotput', 'v_Shotput_g05_c02.avi'); // 130 frames at 25 fps, 5.2 s
    const options = { width: 24, height: 16, pixelFormat: 'rgb24' as const };
    const half = await decodeFrames(file, { ...options, fps: 12.5 });
    expect(Math.abs(half.frames.length - 65)).toBeLessThanOrEqual(1);
    const cache = mkdtempSync(join(tmpdir(), 'augprior-frames-'));
    const first = await decodeFramesCached(file, options, cache);
    const second = await decodeFramesCached(file, options, cache);
    expect([first.cached, second.cached]).toEqual([false, true]);
    expect(second.frames.length).toBe(130);
    expect(Buffer.concat(second.frames).equals(Buffer.concat(first.frames))).toBe(true);
    // Another size is another entry; a damaged entry is decoded again.
    expect((await decodeFramesCached(file, { ...options, width: 12 }, cache)).cached).toBe(false);
    const entry = join(cache, `${frameCacheKey(file, options)}.frames`);
    writeFileSync(entry, readFileSync(entry).subarray(0, 500));
    expect((await decodeFramesCached(file, options, cache)).cached).toBe(false);
  });
  it('flags a cut-off AVI as truncated from its own header', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'augprior-video-'));
    const source = join(CLIPS, 'Biking', 'v_Biking_g01_c01.avi');
    copyFileSync(source, join(dir, 'whole.avi'));
    writeFileSync(join(dir, 'cut.avi'), readFileSync(source).subarray(0, 150_000));
    const cut = await probeVideo(join(dir, 'cut.avi'));
    expect(cut.truncated).toBe(true);
    expect(cut.declaredSeconds).toBeCloseTo(5.04, 2);
    expect(cut.decodedSeconds).toBeLessThan(1);
    expect((await probeVideo(join(dir, 'whole.avi'))).truncated).toBe(false);
    // Decoding says the same in the same pass (the UCF-101 set decodes each video once).
    expect((await decodeFrames(join(dir, 'cut.avi'), { width: 16, height: 16, pixelFormat: 'rgb24' })).truncated).toBe(true);
    expect((await decodeFrames(join(dir, 'whole.avi'), { width: 16, height: 16, pixelFormat: 'rgb24' })).truncated).toBe(false);
  });
  it('names a truncated or non-video file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'augprior-video-'));
    writeFileSync(join(dir, 'broken.avi'), 'RIFF....AVI not really');
    await expect(decodeFrames(join(dir, 'broken.avi'), { width: 32, height: 32, pixelFormat: 'rgb24' })).rejects.toThrow(/cannot decode video .*broken\.avi/);
  });
});

// A skip, counted as skipped with its reason, never as a pass.
if (!existsSync(CLIPS)) it.skip(`decodeFrames on real clips skipped: ${CLIPS} is absent on this machine (CI provides ../shared)`, () => {});
