import { describe, expect, it } from 'vitest';
import { teacherKinds } from '../data/registries.js';
import { tf } from '../tf.js';
import { mixtureTeacher } from './mixture.js';
import { syncPredictor, type Teacher } from './predictor.js';

/** A teacher answering the fixed probabilities `rows[x]` (as log-probabilities plus a per-row shift, which softmax ignores). */
function fixed(rows: number[][], names = ['a', 'b', 'c']): Teacher & { disposed: boolean } {
  const teacher = syncPredictor((x: tf.Tensor) => tf.add(tf.gather(tf.log(tf.tensor2d(rows)), tf.cast(x, 'int32')), 3), {
    description: 'fixed',
    numClasses: rows[0]!.length,
    classNames: names,
    disposed: false,
    dispose: () => {
      teacher.disposed = true;
    },
  });
  return teacher;
}

describe('mixture teacher', () => {
  it("answers the weighted average of the members' probabilities, on both paths, holding no tensors", async () => {
    const one = fixed([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]);
    const two = fixed([[0.1, 0.8, 0.1], [0.2, 0.2, 0.6]]);
    const mix = mixtureTeacher([one, two], [3, 1]);
    expect(mix.numClasses).toBe(3);
    expect(mix.classNames).toEqual(['a', 'b', 'c']);
    expect(mix.description).toMatch(/0\.75 x fixed and 0\.25 x fixed/);
    const x = tf.tensor1d([0, 1]);
    const before = tf.memory().numTensors;
    const logits = await mix.predict(x);
    const synchronous = mix.predictSync!(x);
    const p = tf.tidy(() => tf.softmax(logits).arraySync()) as number[][];
    const expected = [[0.55, 0.35, 0.1], [0.125, 0.125, 0.75]];
    p.forEach((row, i) => row.forEach((v, c) => expect(v).toBeCloseTo(expected[i]![c]!, 5)));
    const ps = tf.tidy(() => tf.softmax(synchronous).arraySync()) as number[][];
    ps.forEach((row, i) => row.forEach((v, c) => expect(v).toBeCloseTo(expected[i]![c]!, 5)));
    tf.dispose([logits, synchronous]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    mix.dispose();
    expect(one.disposed && two.disposed).toBe(true);
  });

  it('refuses members that answer other classes, naming them, and a weight list of the wrong length', () => {
    expect(() => mixtureTeacher([fixed([[0.5, 0.5, 0]]), fixed([[0.5, 0.5]], ['a', 'b'])])).toThrow(/member 1 \(fixed\) answers 2 classes/);
    expect(() => mixtureTeacher([fixed([[0.5, 0.5, 0]]), fixed([[0.5, 0.5, 0]], ['a', 'c', 'b'])])).toThrow(/names its classes a, c, b/);
    expect(() => mixtureTeacher([fixed([[0.5, 0.5, 0]]), fixed([[0.5, 0.5, 0]])], [1])).toThrow(/2 teachers but 1 weights/);
  });

  it('is a registered teacher kind that loads its members through the registry', async () => {
    const kind = teacherKinds.get('mixture');
    expect(kind.description).toMatch(/average/);
    expect(kind.args.safeParse({ teachers: [{ kind: 'x' }] }).success).toBe(false);
    await expect(kind.load({ teachers: [{ kind: 'no-such-kind' }, { kind: 'no-such-kind' }] }, { dataRoot: undefined as never, seed: 0, cwd: '.' })).rejects.toThrow(/no-such-kind/);
  });
});
