import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { tf, type BatchSource, type InputDrawer } from '@augprior/core';
import { writeRunSheets } from './sample-sheet.js';

const dir = mkdtempSync(join(tmpdir(), 'augprior-sheet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function source(drawInputs?: InputDrawer): BatchSource {
  return {
    description: 'four 2x2 inputs',
    labeled: false,
    inputShape: [2, 2, 1],
    ...(drawInputs ? { drawInputs } : {}),
    async *batches(_from, batchSize) {
      for (;;) yield { x: tf.zeros([batchSize, 2, 2, 1]) };
    },
    dispose() {},
  };
}

describe('run contact sheets', () => {
  it("lays out the tiles the data source draws (the runner never reads the layout) and leaves no tensors", async () => {
    const seen: number[][] = [];
    const drawer: InputDrawer = (values, shape) => {
      seen.push([...shape]);
      return Array.from({ length: shape[0]! }, () => ({ width: 3, height: 2, rgb: new Uint8Array(3 * 2 * 3).fill(40) }));
    };
    const run = join(dir, 'drawn');
    mkdirSync(run);
    const before = tf.memory().numTensors;
    const lines = await writeRunSheets(run, source(drawer), undefined);
    expect(tf.memory().numTensors).toBe(before);
    expect(seen).toEqual([[32, 2, 2, 1]]);
    expect(lines.join('\n')).toContain('samples.png');
    const { data, info } = await sharp(readFileSync(join(run, 'samples.png'))).raw().toBuffer({ resolveWithObject: true });
    // 8 columns x 4 rows of 3x2 tiles scaled to >= 96 px, the first tile's pixel is the drawer's grey
    expect(info.width).toBeGreaterThan(8 * 96);
    expect(Array.from(data.subarray((5 * info.width + 5) * info.channels, (5 * info.width + 5) * info.channels + 3))).toEqual([40, 40, 40]);
  });

  it('writes no samples sheet for a source that cannot draw its inputs', async () => {
    const run = join(dir, 'undrawn');
    mkdirSync(run);
    expect(await writeRunSheets(run, source(), undefined)).toEqual([]);
    expect(existsSync(join(run, 'samples.png'))).toBe(false);
  });
});
