import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveDataRoot, selectEngine, tf } from '@augprior/core';
import { FakeVideosArgs, fakeVideosSource } from './fake-video-source.js';

describe('fake_videos training source', () => {
  let cwd: string;
  beforeAll(async () => {
    await selectEngine({ backend: 'cpu' });
    cwd = mkdtempSync(join(tmpdir(), 'augprior-fakesrc-'));
    const raw = Buffer.alloc(96 * 64 * 3);
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 37) % 251;
    writeFileSync(join(cwd, 'source.png'), await sharp(raw, { raw: { width: 96, height: 64, channels: 3 } }).png().toBuffer());
  });

  it('serves [n, frames, size, size, 3] batches in [0, 1] that depend only on (seed, step), without leaking', async () => {
    const options = FakeVideosArgs.parse({ source: './source.png', count: 20, recipe: { frames: 8, size: 16 }, frames: 4, cacheDir: 'cache' });
    const context = { dataRoot: resolveDataRoot({ env: {} }), cwd, seed: 3 };
    const source = await fakeVideosSource(options, context);
    expect(source.inputShape).toEqual([4, 16, 16, 3]);
    const before = tf.memory().numTensors;
    const first = await source.batches(5, 6).next();
    const again = await (await fakeVideosSource(options, context)).batches(5, 6).next();
    const x = first.value!.x;
    expect(x.shape).toEqual([6, 4, 16, 16, 3]);
    const values = x.dataSync();
    expect(Math.min(...values) >= 0 && Math.max(...values) <= 1).toBe(true);
    expect(Array.from(values)).toEqual(Array.from(again.value!.x.dataSync()));
    tf.dispose([x, again.value!.x]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
