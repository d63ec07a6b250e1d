import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readClassIndex, readSplit } from './splits.js';

const SPLITS = resolve(import.meta.dirname, '../../../../../shared/data/ucf101/splits');

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'augprior-ucf-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('UCF-101 split files', () => {
  it('parses CRLF and LF files, 0-based labels from the folder, groups from the name', () => {
    const dir = fixture({
      'classInd.txt': '1 Archery\r\n2 Biking\r\n',
      'trainlist01.txt': 'Archery/v_Archery_g08_c01.avi 1\r\nBiking/v_Biking_g10_c02.avi 2\r\n',
      'testlist01.txt': 'Biking/v_Biking_g01_c03.avi\n',
    });
    expect(readClassIndex(dir)).toEqual(['Archery', 'Biking']);
    expect(readSplit(dir, 1, 'train')).toEqual([
      { path: 'Archery/v_Archery_g08_c01.avi', label: 0, group: 8 },
      { path: 'Biking/v_Biking_g10_c02.avi', label: 1, group: 10 },
    ]);
    expect(readSplit(dir, 1, 'test')).toEqual([{ path: 'Biking/v_Biking_g01_c03.avi', label: 1, group: 1 }]);
  });

  it('names the file and line of every inconsistency', () => {
    const dir = fixture({ 'classInd.txt': '1 Archery\n3 Biking\n' });
    expect(() => readClassIndex(dir)).toThrow(/classInd\.txt:2: class index 3 out of order/);
    const ok = fixture({ 'classInd.txt': '1 Archery\n', 'trainlist01.txt': 'Archery/v_Archery_g08_c01.avi 2\n', 'testlist01.txt': 'Rowing/v_Rowing_g01_c01.avi\n' });
    expect(() => readSplit(ok, 1, 'train')).toThrow(/trainlist01\.txt:1: label 2 but classInd\.txt gives "Archery" index 1/);
    expect(() => readSplit(ok, 1, 'test')).toThrow(/testlist01\.txt:1: class folder "Rowing" is not in classInd\.txt/);
    expect(() => readSplit(ok, 2, 'test')).toThrow(/testlist02\.txt is missing/);
  });

  it.runIf(existsSync(SPLITS))('reads the official split 1: 101 classes, 9,537 train and 3,783 test videos, disjoint groups', () => {
    const classes = readClassIndex(SPLITS);
    expect(classes).toHaveLength(101);
    const train = readSplit(SPLITS, 1, 'train', classes);
    const test = readSplit(SPLITS, 1, 'test', classes);
    expect([train.length, test.length]).toEqual([9537, 3783]);
    expect(test.every((e) => e.group >= 1 && e.group <= 7)).toBe(true);
    expect(train.every((e) => e.group >= 8)).toBe(true);
  });
  if (!existsSync(SPLITS)) it.skip(`official splits skipped: ${SPLITS} is absent (CI provides ../shared)`, () => {});
});
