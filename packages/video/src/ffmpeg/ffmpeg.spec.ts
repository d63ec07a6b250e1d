import { chmodSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFrames, strideSampleIndices } from './decode-frames.js';
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
  it('names a truncated or non-video file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'augprior-video-'));
    writeFileSync(join(dir, 'broken.avi'), 'RIFF....AVI not really');
    await expect(decodeFrames(join(dir, 'broken.avi'), { width: 32, height: 32, pixelFormat: 'rgb24' })).rejects.toThrow(/cannot decode video .*broken\.avi/);
  });
});

describe.runIf(!existsSync(CLIPS))('decodeFrames on real clips', () => {
  it(`is skipped: ${CLIPS} is absent on this machine (CI provides ../shared)`, () => expect(existsSync(CLIPS)).toBe(false));
});
