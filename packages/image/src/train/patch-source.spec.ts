import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDataRoot, syncPredictor, tf, type BatchSource } from '@augprior/core';
import { describe, expect, it } from 'vitest';
import { ImagePatchesArgs, imagePatchesSource } from './patch-source.js';

// A teacher that calls a patch class 0 when its mean red is above 0.55, 1 below 0.45, else 2:
// most noise patches land in class 2, so balancing has something to flatten. Augmentation is
// off but for flips (which keep the mean), so a drawn patch keeps the class it was scored with.
const teacher = syncPredictor((x) => {
  const red = tf.mean(tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 1]), [1, 2, 3]);
  const z = tf.mul(tf.sub(red, 0.5), 200);
  return tf.stack([tf.sub(z, 10), tf.sub(tf.neg(z), 10), tf.zerosLike(z)], 1);
}, { numClasses: 3 });

async function firstIndices(source: BatchSource, fromStep: number, steps: number, batch: number): Promise<number[][]> {
  const it = source.batches(fromStep, batch);
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    const { value } = await it.next();
    out.push(Array.from(await value!.x.data() as Float32Array).slice(0, 12));
    value!.x.dispose();
  }
  return out;
}

describe('image_patches teacher-aware selection', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'augprior-select-'));
  const context = { dataRoot: resolveDataRoot({ env: {} }), cwd: cacheDir, seed: 5 };
  const args = (extra: object) => ImagePatchesArgs.parse({ source: 'noise', proceduralSize: [48, 48], count: 40, cacheDir, recipe: { size: 8 }, augment: { pad: 0, cutmix: { p: 0 } }, ...extra });

  it('refuses selection with epoch sampling, and says what to set', async () => {
    await expect(imagePatchesSource(args({ selection: { kind: 'class_balance' } }), context)).rejects.toThrow(/data.sampling=replacement/);
  });

  it('needs the teacher before the first batch, and says so', async () => {
    const source = await imagePatchesSource(args({ sampling: 'replacement', selection: { kind: 'class_balance' } }), context);
    await expect(source.batches(1, 4).next()).rejects.toThrow(/scores patches with the teacher/);
  });

  it('scores the pool once (cached per teacher), draws deterministically per seed and step, and holds no tensors', async () => {
    const make = async () => {
      const source = await imagePatchesSource(args({ sampling: 'replacement', selection: { kind: 'class_balance' } }), context);
      const lines = await source.useTeacher!(teacher, { cacheKey: 'teacher-a', classNames: ['red', 'cyan', 'grey'] });
      return { source, lines };
    };
    const before = tf.memory().numTensors;
    const first = await make();
    expect(first.lines[0]).toMatch(/scored 40 patches/);
    expect(first.lines[1]).toMatch(/grey \d+\.\d%->\d+\.\d%/);
    const second = await make();
    expect(second.lines[0]).toMatch(/\(cached\)/);
    const patchDir = readdirSync(cacheDir).find((name) => name.startsWith('noise-'))!;
    expect(readdirSync(join(cacheDir, patchDir)).filter((f) => f.startsWith('teacher-scores-'))).toHaveLength(1);
    // Step 3 onward is the same whether the stream starts at step 1 or is resumed at step 3.
    const run = await firstIndices(first.source, 1, 4, 8);
    const resumed = await firstIndices(second.source, 3, 2, 8);
    expect(resumed).toEqual(run.slice(2));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('changes what is drawn: class balance shows the rare classes more often than uniform draws do', async () => {
    const uniform = await imagePatchesSource(args({ sampling: 'replacement' }), context);
    const balanced = await imagePatchesSource(args({ sampling: 'replacement', selection: { kind: 'class_balance' } }), context);
    await balanced.useTeacher!(teacher, { cacheKey: 'teacher-a' });
    const rareShare = async (source: BatchSource) => {
      const it = source.batches(1, 64);
      let rare = 0;
      let total = 0;
      for (let s = 0; s < 20; s++) {
        const { value } = await it.next();
        const classes = tf.tidy(() => tf.argMax(teacher.predictSync!(value!.x), 1));
        for (const c of await classes.data()) { total += 1; if (c !== 2) rare += 1; }
        tf.dispose([classes, value!.x]);
      }
      return rare / total;
    };
    // The pool: 37.5% rare (classes 0 and 1); balanced draws give them 2/3 of the mass.
    const [rareUniform, rareBalanced] = [await rareShare(uniform), await rareShare(balanced)];
    expect(rareUniform).toBeLessThan(0.5);
    expect(rareBalanced).toBeGreaterThan(0.58);
  });
});
