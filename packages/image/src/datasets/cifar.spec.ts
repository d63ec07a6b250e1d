import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { selectEngine, tf } from '@augprior/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, cifarBinarySet, cifarImageSet } from './cifar.js';

beforeAll(() => selectEngine({ backend: 'cpu' }));

async function collect(set: ReturnType<typeof cifarImageSet>) {
  const labels: number[] = [];
  const firstPixels: number[] = [];
  for await (const b of set.batches(3)) {
    labels.push(...Array.from(b.y.dataSync()));
    const x = b.x.dataSync();
    for (let i = 0; i < b.x.shape[0]!; i++) firstPixels.push(Math.round(x[i * 3072]! * 255));
    tf.dispose([b.x, b.y]);
  }
  return { labels, firstPixels };
}

describe('CIFAR loaders on generated fixtures', () => {
  it('reads the official binary layout (label byte, then R, G, B planes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'augprior-cifar-'));
    const records = Buffer.alloc(4 * 3073);
    for (let i = 0; i < 4; i++) {
      records[i * 3073] = (i * 3) % 10;
      records.fill(i * 20, i * 3073 + 1, i * 3073 + 1 + 1024); // R plane
      records.fill(200, i * 3073 + 1 + 1024, i * 3073 + 1 + 2048); // G plane
    }
    writeFileSync(join(dir, 'test_batch.bin'), records);
    const set = cifarBinarySet({ path: dir, numClasses: 10, classNames: CIFAR10_CLASSES });
    expect(set.size).toBe(4);
    const { labels, firstPixels } = await collect(set as never);
    expect(labels).toEqual([0, 3, 6, 9]);
    expect(firstPixels).toEqual([0, 20, 40, 60]); // pixel 0, channel R
    writeFileSync(join(dir, 'test_batch.bin'), records.subarray(0, 5000));
    expect(() => cifarBinarySet({ path: dir, numClasses: 10 })).toThrow(/5000 bytes is not a whole number of 3073-byte CIFAR-10 records \(truncated\?\)/);
  });

  it('reads class folders in CIFAR label order and names corrupt images, odd sizes and unknown classes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'augprior-cifar-'));
    for (const [k, cls] of [[1, 'automobile'], [7, 'horse']] as const) {
      mkdirSync(join(dir, cls));
      for (let j = 0; j < 2; j++) {
        const png = await sharp(Buffer.alloc(32 * 32 * 3, k * 10 + j), { raw: { width: 32, height: 32, channels: 3 } }).png().toBuffer();
        writeFileSync(join(dir, cls, `${j}.png`), png);
      }
    }
    const { labels, firstPixels } = await collect(cifarImageSet({ path: dir, numClasses: 10, classNames: CIFAR10_CLASSES }));
    expect(labels).toEqual([1, 1, 7, 7]);
    expect(firstPixels).toEqual([10, 11, 70, 71]);
    writeFileSync(join(dir, 'horse', '2.png'), Buffer.from('not a png'));
    await expect(collect(cifarImageSet({ path: dir, numClasses: 10, classNames: CIFAR10_CLASSES }))).rejects.toThrow(/cannot decode image .*horse\/2\.png/);
    writeFileSync(join(dir, 'horse', '2.png'), await sharp(Buffer.alloc(16 * 16 * 3), { raw: { width: 16, height: 16, channels: 3 } }).png().toBuffer());
    await expect(collect(cifarImageSet({ path: dir, numClasses: 10, classNames: CIFAR10_CLASSES }))).rejects.toThrow(/horse\/2\.png is 16x16, CIFAR images are 32x32/);
    mkdirSync(join(dir, 'unicorn'));
    expect(() => cifarImageSet({ path: dir, numClasses: 10, classNames: CIFAR10_CLASSES })).toThrow(/folders unicorn are not CIFAR-10 classes/);
  });
});
