/**
 * UCF-101's official split files: `classInd.txt` ("1 ApplyEyeMakeup"), `trainlist0N.txt`
 * ("ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1") and `testlist0N.txt` (path only: the class is
 * the folder). The published files have CRLF line endings; both endings are accepted. Labels
 * are returned 0-based (classInd is 1-based).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AugpriorError } from '@augprior/core';

export interface SplitEntry {
  /** `<Class>/v_<Class>_gXX_cYY.avi`, relative to the videos folder. */
  path: string;
  label: number;
  /** The `gXX` group (recordings of one group share actors and scene: never split across train/test). */
  group: number;
}

function lines(file: string, what: string): string[] {
  if (!existsSync(file)) throw new AugpriorError('ucf101.missing', `${what} ${file} is missing`, 'point the UCF-101 splits path at the folder holding classInd.txt, trainlist0N.txt and testlist0N.txt');
  return readFileSync(file, 'utf8').split(/\r?\n/);
}

/** Class names in index order (0-based). */
export function readClassIndex(dir: string): string[] {
  const file = join(dir, 'classInd.txt');
  const names: string[] = [];
  lines(file, 'the class index').forEach((line, i) => {
    const text = line.trim();
    if (!text) return;
    const match = /^(\d+)\s+(\S+)$/.exec(text);
    if (!match) throw new AugpriorError('ucf101.bad-line', `${file}:${i + 1}: expected "<index> <ClassName>", got "${text}"`);
    const index = Number(match[1]);
    if (index !== names.length + 1) throw new AugpriorError('ucf101.bad-line', `${file}:${i + 1}: class index ${index} out of order (expected ${names.length + 1})`);
    names.push(match[2]!);
  });
  if (names.length === 0) throw new AugpriorError('ucf101.bad-line', `${file} lists no classes`);
  return names;
}

function groupOf(path: string): number {
  const match = /_g(\d+)_c\d+\.\w+$/.exec(path);
  return match ? Number(match[1]) : -1;
}

export function readSplit(dir: string, split: 1 | 2 | 3, part: 'train' | 'test', classNames: readonly string[] = readClassIndex(dir)): SplitEntry[] {
  const file = join(dir, `${part}list0${split}.txt`);
  const classIndex = new Map(classNames.map((name, i) => [name, i]));
  const entries: SplitEntry[] = [];
  lines(file, `the ${part} list`).forEach((line, i) => {
    const text = line.trim();
    if (!text) return;
    const [path, labelText, ...rest] = text.split(/\s+/);
    const where = `${file}:${i + 1}`;
    if (!path || rest.length > 0) throw new AugpriorError('ucf101.bad-line', `${where}: expected "<Class>/<video>${part === 'train' ? ' <label>' : ''}", got "${text}"`);
    const folder = path.split('/')[0]!;
    const label = classIndex.get(folder);
    if (label === undefined) throw new AugpriorError('ucf101.unknown-class', `${where}: class folder "${folder}" is not in classInd.txt`);
    if (labelText !== undefined && Number(labelText) !== label + 1) {
      throw new AugpriorError('ucf101.label-mismatch', `${where}: label ${labelText} but classInd.txt gives "${folder}" index ${label + 1}`);
    }
    entries.push({ path, label, group: groupOf(path) });
  });
  return entries;
}
