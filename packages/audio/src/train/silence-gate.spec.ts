import { selectEngine, tf, type Teacher, type Tensor } from '@augprior/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipLevelsDb, silenceGateTeacher } from './silence-gate.js';

/** A teacher that answers the same logits for every clip and records whether it was disposed. */
function fixedTeacher(row: number[]): Teacher & { disposed: boolean } {
  const t = {
    numClasses: row.length,
    classNames: row.map((_, i) => `c${i}`),
    description: 'fixed',
    disposed: false,
    predict: async (x: Tensor) => tf.tidy(() => tf.tile(tf.tensor2d([row]), [x.shape[0]!, 1])),
    dispose: () => void (t.disposed = true),
  };
  return t;
}

/** Waveform batch [n, 1, 1600, 1] of sines at the given RMS levels (dBFS). */
function sines(levelsDb: number[]): Tensor {
  const L = 1600;
  const data = new Float32Array(levelsDb.length * L);
  levelsDb.forEach((db, i) => {
    const amp = Math.SQRT2 * 10 ** (db / 20);
    for (let n = 0; n < L; n++) data[i * L + n] = amp * Math.sin((2 * Math.PI * 50 * n) / L);
  });
  return tf.tensor4d(data, [levelsDb.length, 1, L, 1]);
}

describe('silence_gate teacher', () => {
  beforeAll(() => selectEngine({ backend: 'cpu' }));

  it('measures clip levels in dBFS (an all-zero clip is finite)', () => {
    const x = sines([-20, -50]);
    expect(Array.from(clipLevelsDb(x).dataSync()).map((v) => Math.round(v * 100) / 100)).toEqual([-20, -50]);
    const zero = tf.zeros([1, 1, 100, 1]);
    expect(Number.isFinite(clipLevelsDb(zero).dataSync()[0]!)).toBe(true);
    tf.dispose([x, zero]);
  });

  it('answers silence below the threshold, the teacher above it, and owns its tensors', async () => {
    const inner = fixedTeacher([2, 1, 0]);
    const gate = silenceGateTeacher(inner, { silenceClass: 1, maxRmsDb: -40, margin: 12 });
    const x = sines([-20, -45, -39, -80]);
    const before = tf.memory().numTensors;
    const logits = await gate.predict(x);
    expect(logits.arraySync()).toEqual([[2, 1, 0], [-12, 0, -12], [2, 1, 0], [-12, 0, -12]]);
    logits.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(gate.classNames).toEqual(['c0', 'c1', 'c2']);
    expect(gate.description).toMatch(/_silence_ below -40 dBFS/);
    gate.dispose();
    expect(inner.disposed).toBe(true);
    x.dispose();
  });

  it('refuses a silence class the teacher does not have', () => {
    expect(() => silenceGateTeacher(fixedTeacher([0, 0]), { silenceClass: 2, maxRmsDb: -40, margin: 12 })).toThrow(/silenceClass 2 is not an output of fixed \(2 classes\)/);
  });
});
