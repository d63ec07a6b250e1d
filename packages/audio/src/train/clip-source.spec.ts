import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveDataRoot, selectEngine, syncPredictor, tf, type BatchSource } from '@augprior/core';
import { AudioClipsArgs, audioClipsSource } from './clip-source.js';

// A teacher that reads the signs of a clip's first two samples: class 0 (+, +), 1 (+, -), else 2.
// Noise clips land ~25/25/50, so balancing has something to flatten, and the class of a served
// clip can be read back from the batch (the clips are served as generated).
const teacher = syncPredictor((x) => {
  const head = tf.reshape(tf.slice(x, [0, 0, 0, 0], [-1, 1, 2, 1]), [-1, 2]);
  const [a, b] = tf.split(tf.sign(head), 2, 1) as [tf.Tensor, tf.Tensor];
  const first = tf.mul(tf.relu(a), tf.relu(b));
  const second = tf.mul(tf.relu(a), tf.relu(tf.neg(b)));
  return tf.mul(tf.concat([first, second, tf.sub(1, tf.add(first, second))], 1), 20);
}, { numClasses: 3 });

const classesOf = async (x: tf.Tensor): Promise<number[]> => {
  const c = tf.tidy(() => tf.argMax(teacher.predictSync!(x), 1));
  const out = Array.from((await c.data()) as Int32Array);
  c.dispose();
  return out;
};

async function heads(source: BatchSource, fromStep: number, steps: number, batch: number): Promise<number[][]> {
  const it = source.batches(fromStep, batch);
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    const { value } = await it.next();
    const data = (await value!.x.data()) as Float32Array;
    out.push(Array.from({ length: batch }, (_, i) => data[i * 16000]!));
    value!.x.dispose();
  }
  return out;
}

describe('audio_clips teacher-aware selection (core mechanisms)', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'augprior-clip-select-'));
  const context = { dataRoot: resolveDataRoot({ env: {} }), cwd: cacheDir, seed: 5 };
  const args = (extra: object) => AudioClipsArgs.parse({ sources: ['noise:white'], noiseSeconds: 4, count: 48, cacheDir, ...extra });
  beforeAll(async () => {
    await selectEngine({ backend: 'cpu' });
  });

  it('needs the teacher before the first batch, and says so', async () => {
    const source = await audioClipsSource(args({ selection: { kind: 'class_balance' } }), context);
    await expect(source.batches(1, 4).next()).rejects.toThrow(/scores clips with the teacher/);
  });

  it('scores the clips once (cached), draws deterministically per seed and step, and holds no tensors', async () => {
    const make = async (seed: number) => {
      const source = await audioClipsSource(args({ selection: { kind: 'class_balance' } }), { ...context, seed });
      const lines = await source.useTeacher!(teacher, { cacheKey: 'teacher-a', classNames: ['pp', 'pm', 'rest'] });
      return { source, lines };
    };
    const before = tf.memory().numTensors;
    const first = await make(5);
    expect(first.lines[0]).toMatch(/scored 48 clips/);
    expect(first.lines[1]).toMatch(/rest \d+\.\d%->\d+\.\d%/);
    const second = await make(5);
    expect(second.lines[0]).toMatch(/\(cached\)/);
    const clipDir = readdirSync(cacheDir).find((name) => name.startsWith('noise_white-'))!;
    expect(readdirSync(join(cacheDir, clipDir)).filter((f) => f.startsWith('teacher-scores-'))).toHaveLength(1);
    const run = await heads(first.source, 1, 4, 8);
    expect(await heads(second.source, 3, 2, 8)).toEqual(run.slice(2));
    expect(await heads((await make(6)).source, 1, 4, 8)).not.toEqual(run);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('class balance gives each teacher class an equal share of the draws', async () => {
    const shares = async (source: BatchSource) => {
      const it = source.batches(1, 64);
      const counts = [0, 0, 0];
      for (let s = 0; s < 20; s++) {
        const { value } = await it.next();
        for (const c of await classesOf(value!.x)) counts[c]! += 1;
        value!.x.dispose();
      }
      return counts.map((n) => n / 1280);
    };
    const uniform = await shares(await audioClipsSource(args({}), context));
    const balancedSource = await audioClipsSource(args({ selection: { kind: 'class_balance' } }), context);
    await balancedSource.useTeacher!(teacher, { cacheKey: 'teacher-a' });
    const balanced = await shares(balancedSource);
    expect(uniform[2]).toBeGreaterThan(0.4);
    for (const share of balanced) expect(Math.abs(share - 1 / 3)).toBeLessThan(0.06);
  });

  it('data.balance keeps a class-even subset of a larger pool through the same scoring pass', async () => {
    const source = await audioClipsSource(args({ count: 12, balance: { pool: 48, teacher: { kind: 'fake' } } }), context, async () => ({ ...teacher, description: 'sign teacher', dispose: () => {} }));
    expect(source.description).toMatch(/12 of 48 kept, teacher-balanced \(class:clips 0:4 1:4 2:4\)/);
  });
});

describe('audio_clips per-batch waveform augmentation (data.online)', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'augprior-clip-online-'));
  const context = { dataRoot: resolveDataRoot({ env: {} }), cwd: cacheDir, seed: 3 };
  const args = (extra: object) => AudioClipsArgs.parse({ sources: ['noise:white'], noiseSeconds: 4, count: 16, cacheDir, ...extra });
  const batch = async (source: BatchSource, step: number): Promise<Float32Array> => {
    const { value } = await source.batches(step, 4).next();
    const data = (await value!.x.data()) as Float32Array;
    value!.x.dispose();
    return data;
  };
  const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
  /** Checks that a key seen again holds the same row; returns the rows by key and how many repeats there were. */
  const rowsByKeyOver = async (source: BatchSource, steps: number, visit: (key: number, row: Float32Array) => void = () => {}) => {
    const rows = new Map<number, Float32Array>();
    let repeats = 0;
    const it = source.batches(1, 4);
    for (let step = 1; step <= steps; step++) {
      const { value } = await it.next();
      expect(value!.keys).toHaveLength(4);
      const data = (await value!.x.data()) as Float32Array;
      value!.keys!.forEach((key: number, i: number) => {
        const row = data.slice(i * 16000, (i + 1) * 16000);
        visit(key, row);
        const earlier = rows.get(key);
        if (earlier) {
          repeats++;
          expect(row).toEqual(earlier);
        } else rows.set(key, row);
      });
      value!.x.dispose();
    }
    return { rows, repeats };
  };
  beforeAll(async () => {
    await selectEngine({ backend: 'cpu' });
  });

  it('is deterministic per seed and step, differs between steps, and holds no tensors', async () => {
    const online = { shiftMs: 50, gainDb: [-6, 6], background: { p: 1, snrDb: [0, 0] } };
    const before = tf.memory().numTensors;
    const source = await audioClipsSource(args({ online }), context);
    const again = await audioClipsSource(args({ online }), context);
    expect(source.description).toMatch(/per-batch waveform augmentation/);
    expect(await batch(again, 2)).toEqual(await batch(source, 2));
    expect(await batch(source, 2)).not.toEqual(await batch(source, 3));
    expect(await batch(await audioClipsSource(args({ online }), { ...context, seed: 4 }), 2)).not.toEqual(await batch(source, 2));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('adds a partner clip at the drawn SNR and leaves the clips alone when off', async () => {
    const plain = await audioClipsSource(args({}), context);
    const off = await audioClipsSource(args({ online: {} }), context);
    // The epoch order is the same with and without the option: only the waveform changes.
    expect(await batch(off, 1)).toEqual(await batch(plain, 1));
    const mixed = await batch(await audioClipsSource(args({ online: { background: { p: 1, snrDb: [0, 0] } } }), context), 1);
    const clean = await batch(plain, 1);
    for (let i = 0; i < 4; i++) {
      const a = clean.subarray(i * 16000, (i + 1) * 16000);
      const b = mixed.subarray(i * 16000, (i + 1) * 16000);
      const added = b.map((v, k) => v - a[k]!);
      // 0 dB: the partner comes in at the clip's own level.
      expect(rms(added) / rms(a)).toBeCloseTo(1, 2);
    }
  });
  it('keys its rows by clip only when the batch is the stored clips as they are', async () => {
    const quiet = { timeMasks: { count: 0 }, freqMasks: { count: 0 }, mix: { mode: 'none' } };
    // Two epochs of 16 clips: a key seen again holds the same waveform.
    const { rows: rowsByKey, repeats } = await rowsByKeyOver(await audioClipsSource(args({ specAugment: quiet }), context), 8);
    expect(rowsByKey.size).toBe(16);
    expect(repeats).toBe(16);
    const keysOf = async (source: BatchSource) => {
      const { value } = await source.batches(1, 4).next();
      value!.x.dispose();
      return value!.keys;
    };
    // SpecAugment masks (the default plan) or waveform augmentation make each visit a new row.
    expect(await keysOf(await audioClipsSource(args({}), context))).toBeUndefined();
    expect(await keysOf(await audioClipsSource(args({ specAugment: quiet, online: { gainDb: [-6, 6] } }), context))).toBeUndefined();
  });

  it('with online.variants, keys each row by (clip, variant): a key seen again is the same augmented waveform', async () => {
    const quiet = { timeMasks: { count: 0 }, freqMasks: { count: 0 }, mix: { mode: 'none' } };
    const online = { shiftMs: 100, gainDb: [-6, 6], variants: 3 };
    const { rows: plainRows } = await rowsByKeyOver(await audioClipsSource(args({ specAugment: quiet }), context), 4);
    const before = tf.memory().numTensors;
    // 12 epochs of 16 clips: 48 possible keys, most seen more than once; a variant is not its stored clip.
    const { rows: rowsByKey, repeats } = await rowsByKeyOver(await audioClipsSource(args({ specAugment: quiet, online }), context), 48, (key, row) => expect(row).not.toEqual(plainRows.get(Math.floor(key / 3))));
    expect(tf.memory().numTensors).toBe(before);
    expect(rowsByKey.size).toBeGreaterThan(16);
    expect(rowsByKey.size).toBeLessThanOrEqual(48);
    expect(repeats).toBeGreaterThan(0);
    // Two variants of one clip differ from each other.
    const variantsOfClip0 = [0, 1, 2].map((v) => rowsByKey.get(v)).filter((r): r is Float32Array => r !== undefined);
    expect(variantsOfClip0.length).toBeGreaterThan(1);
    expect(variantsOfClip0[0]).not.toEqual(variantsOfClip0[1]);
  });
});
