import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '@augprior/core';
import { ucf101Set } from './ucf101-set.js';

const DATA = resolve(import.meta.dirname, '../../../../../shared/data/ucf101');
const CLIPS = join(DATA, 'clips');
const SPLITS = join(DATA, 'splits');

describe.runIf(existsSync(CLIPS))('UCF-101 evaluation set on the shared clips', () => {
  it('finds the 14 split-1 test videos present and yields 10 clips per video with the folder labels', async () => {
    const set = ucf101Set({ videos: '', splits: '', split: 1, part: 'test', frames: 4, size: [32, 40], clips: 10, fit: 'short-side-crop', videosDir: CLIPS, splitsDir: SPLITS, limit: 3 });
    expect(set.numClasses).toBe(101);
    const before = tf.memory().numTensors;
    const labels: number[] = [];
    for await (const batch of set.batches(20)) {
      expect(batch.views).toBe(10);
      expect(batch.x.shape.slice(1)).toEqual([4, 32, 40, 3]);
      expect(batch.x.shape[0]).toBe(batch.y.shape[0]! * 10);
      labels.push(...batch.y.dataSync());
      const range = tf.tidy(() => [tf.min(batch.x).dataSync()[0]!, tf.max(batch.x).dataSync()[0]!]);
      expect(range[0]).toBeGreaterThanOrEqual(0);
      expect(range[1]).toBeLessThanOrEqual(1);
      tf.dispose([batch.x, batch.y]);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(labels.map((l) => set.classNames![l])).toEqual(['ApplyEyeMakeup', 'BaseballPitch', 'Basketball']);
    expect(set.report()).toEqual({ listed: 3783, present: 3, evaluated: 3, skipped: [] });
  });

  it('gives the same clips through the frame cache, which it fills on the first pass', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'augprior-ucf-cache-'));
    const options = { videos: '', splits: '', split: 1 as const, part: 'test' as const, frames: 4, size: [24, 24] as [number, number], clips: 3, fit: 'short-side-crop' as const, videosDir: CLIPS, splitsDir: SPLITS, limit: 2 };
    const pass = async (frameCache?: string) => {
      const values: number[] = [];
      for await (const batch of ucf101Set({ ...options, ...(frameCache ? { frameCache } : {}) }).batches(6)) {
        values.push(...batch.x.dataSync());
        tf.dispose([batch.x, batch.y]);
      }
      return values;
    };
    const plain = await pass();
    expect(await pass(cache)).toEqual(plain);
    expect(readdirSync(cache).filter((f) => f.endsWith('.frames')).length).toBe(2);
    expect(await pass(cache)).toEqual(plain);
  });

  it('restricts to a teacher\'s classes, re-indexed in its order', () => {
    const set = ucf101Set({ videos: '', splits: '', split: 1, part: 'test', frames: 4, size: [32, 32], clips: 10, fit: 'stretch', classes: ['Biking', 'BaseballPitch'], videosDir: CLIPS, splitsDir: SPLITS });
    expect(set.classNames).toEqual(['Biking', 'BaseballPitch']);
    expect(set.size).toBe(2);
    expect(() => ucf101Set({ videos: '', splits: '', split: 1, part: 'test', frames: 4, size: [32, 32], clips: 10, fit: 'stretch', classes: ['Juggling2'], videosDir: CLIPS, splitsDir: SPLITS })).toThrow(/class "Juggling2" is not in .*classInd\.txt/);
  });

  it('skips a truncated and a corrupt video, naming each, and scores the rest', async () => {
    const root = mkdtempSync(join(tmpdir(), 'augprior-ucf-'));
    mkdirSync(join(root, 'videos', 'Biking'), { recursive: true });
    mkdirSync(join(root, 'splits'));
    const source = join(CLIPS, 'Biking', 'v_Biking_g01_c01.avi');
    copyFileSync(source, join(root, 'videos', 'Biking', 'v_Biking_g01_c01.avi'));
    writeFileSync(join(root, 'videos', 'Biking', 'v_Biking_g01_c02.avi'), readFileSync(source).subarray(0, 150_000));
    writeFileSync(join(root, 'videos', 'Biking', 'v_Biking_g01_c03.avi'), 'not a video');
    writeFileSync(join(root, 'splits', 'classInd.txt'), '1 Biking\r\n');
    writeFileSync(join(root, 'splits', 'testlist01.txt'), ['c01', 'c02', 'c03', 'c04'].map((c) => `Biking/v_Biking_g01_${c}.avi`).join('\r\n'));
    const warnings: string[] = [];
    const set = ucf101Set({ videos: '', splits: '', split: 1, part: 'test', frames: 2, size: [16, 16], clips: 2, fit: 'stretch', videosDir: join(root, 'videos'), splitsDir: join(root, 'splits'), warn: (line) => warnings.push(line) });
    let rows = 0;
    for await (const batch of set.batches(8)) {
      rows += batch.y.shape[0]!;
      tf.dispose([batch.x, batch.y]);
    }
    expect(rows).toBe(1);
    const report = set.report();
    expect(report).toMatchObject({ listed: 4, present: 3, evaluated: 1 });
    expect(report.skipped.map((s) => s.file.split('/').pop())).toEqual(['v_Biking_g01_c02.avi', 'v_Biking_g01_c03.avi']);
    expect(report.skipped[0]!.reason).toMatch(/truncated/);
    expect(report.skipped[1]!.reason).toMatch(/cannot decode video|no video stream/);
    expect(warnings.at(-1)).toBe('[ucf101] evaluated 1 of 3 videos; 2 skipped (listed above)');
  });
});

// A skip, counted as skipped with its reason, never as a pass.
if (!existsSync(CLIPS)) it.skip(`UCF-101 evaluation set skipped: ${CLIPS} is absent on this machine (CI provides ../shared)`, () => {});

describe('UCF-101 evaluation set where no listed video decodes', () => {
  it('skips and names each one, and the evaluation refuses to report an accuracy over zero videos', async () => {
    const root = mkdtempSync(join(tmpdir(), 'augprior-ucf-broken-'));
    const splits = join(root, 'splits');
    mkdirSync(splits);
    writeFileSync(join(splits, 'classInd.txt'), '1 Biking\r\n2 Diving\r\n');
    writeFileSync(join(splits, 'testlist01.txt'), 'Biking/v_Biking_g01_c01.avi\r\nDiving/v_Diving_g01_c01.avi\r\n');
    for (const [cls, file] of [['Biking', 'v_Biking_g01_c01.avi'], ['Diving', 'v_Diving_g01_c01.avi']] as const) {
      mkdirSync(join(root, 'clips', cls), { recursive: true });
      writeFileSync(join(root, 'clips', cls, file), Buffer.from('RIFF\0\0\0\0AVI not really a video'));
    }
    const warnings: string[] = [];
    const set = ucf101Set({ videos: '', splits: '', split: 1, part: 'test', frames: 4, size: [16, 16], clips: 2, fit: 'stretch', videosDir: join(root, 'clips'), splitsDir: splits, warn: (line) => warnings.push(line) });
    const { evaluateClassifier } = await import('@augprior/eval');
    await expect(evaluateClassifier((x) => tf.zeros([x.shape[0]!, 2]), set)).rejects.toThrow(expect.objectContaining({ code: 'eval.empty' }));
    expect(set.report()).toMatchObject({ listed: 2, present: 2, evaluated: 0 });
    expect(set.report().skipped.map((s) => s.file.split('/').pop())).toEqual(['v_Biking_g01_c01.avi', 'v_Diving_g01_c01.avi']);
    expect(warnings.filter((w) => w.startsWith('[ucf101] skipped'))).toHaveLength(2);
  }, 60_000);
});
