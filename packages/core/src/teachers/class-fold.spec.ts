import { describe, expect, it } from 'vitest';
import { teacherKinds } from '../data/registries.js';
import { tf } from '../tf.js';
import { classFoldTeacher, foldLogits } from './class-fold.js';
import { syncPredictor, type Teacher } from './predictor.js';

const WORDS = ['bed', 'go', 'happy', 'no', 'yes', 'noise'];

/** Fixed logits per sample index: a six-word spotter whose answers are easy to fold by hand. */
function wordTeacher(rows: number[][]): Teacher & { disposed: boolean } {
  const teacher = syncPredictor((x: tf.Tensor) => tf.gather(tf.tensor2d(rows), tf.cast(x, 'int32')), {
    description: 'words',
    numClasses: WORDS.length,
    classNames: WORDS,
    disposed: false,
    dispose: () => {
      teacher.disposed = true;
    },
  });
  return teacher;
}

describe('class_fold teacher', () => {
  // Protocol: yes, no, go, _unknown_ (bed + happy); 'noise' is in no group and drops out.
  const groups = [[4], [3], [1], [0, 2]];

  it('folds to summed probabilities: a protocol answer from a teacher that names the unknown words', async () => {
    const rows = [
      [Math.log(0.3), Math.log(0.05), Math.log(0.3), Math.log(0.05), Math.log(0.1), Math.log(0.2)],
      [0, 0, 0, 0, 0, 0],
    ];
    const inner = wordTeacher(rows);
    const fold = classFoldTeacher(inner, { groups });
    expect(fold.numClasses).toBe(4);
    expect(fold.classNames).toEqual(['yes', 'no', 'go', 'bed+happy']);
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([0, 1]);
    const logits = fold.predictSync!(x);
    const asynchronous = await fold.predict(x);
    expect(asynchronous.arraySync()).toEqual(logits.arraySync());
    const p = tf.softmax(logits);
    const [first, second] = p.arraySync() as number[][];
    // By hand: without 'noise' (0.2) the kept mass is 0.8, so yes 0.1/0.8, no 0.05/0.8, go 0.05/0.8, unknown 0.6/0.8.
    [0.125, 0.0625, 0.0625, 0.75].forEach((v, i) => expect(first![i]).toBeCloseTo(v, 6));
    // Equal logits: each folded class gets its group's share of the five kept words.
    [0.2, 0.2, 0.2, 0.4].forEach((v, i) => expect(second![i]).toBeCloseTo(v, 6));
    tf.dispose([x, logits, asynchronous, p]);
    expect(tf.memory().numTensors).toBe(before);
    fold.dispose();
    expect(inner.disposed).toBe(true);
  });

  it('stays finite where a plain log(sum(exp)) overflows or underflows', () => {
    const matrix = tf.tensor2d([[1, 0], [1, 0], [0, 1]]);
    const logits = tf.tensor2d([[1000, 1000, -1000], [-2000, -2000, -2000]]);
    const folded = foldLogits(logits, matrix).arraySync() as number[][];
    expect(folded[0]![0]).toBeCloseTo(1000 + Math.log(2), 4);
    // exp(-2000) underflows to 0 beside the row's peak: floored, it sits ln(1e30) ~ 69 nats below the
    // peak (probability ~1e-30), finite instead of -Infinity.
    expect(Number.isFinite(folded[0]![1])).toBe(true);
    expect(folded[0]![0]! - folded[0]![1]!).toBeGreaterThan(69);
    expect(folded[1]![0]! - folded[1]![1]!).toBeCloseTo(Math.log(2), 4);
    tf.dispose([matrix, logits]);
  });

  it('uses the names given, and refuses classes the teacher lacks, a class in two groups and a names mismatch', () => {
    const named = classFoldTeacher(wordTeacher([[0, 0, 0, 0, 0, 0]]), { groups, names: ['yes', 'no', 'go', '_unknown_'] });
    expect(named.classNames).toEqual(['yes', 'no', 'go', '_unknown_']);
    named.dispose();
    expect(() => classFoldTeacher(wordTeacher([]), { groups: [[0], [6]] })).toThrow(/group 1 lists class 6, but words has only 6 outputs/);
    expect(() => classFoldTeacher(wordTeacher([]), { groups: [[0, 1], [1]] })).toThrow(/puts class 1 in groups 0 and 1/);
    expect(() => classFoldTeacher(wordTeacher([]), { groups, names: ['a', 'b'] })).toThrow(/names 2 classes for 4 groups/);
  });

  it('gives an empty group (a class the teacher never names, e.g. _silence_ left to a level rule) probability ~0', async () => {
    const teacher = classFoldTeacher(wordTeacher([[0, 0, 0, 0, 0, 0]]), { groups: [[4], [], [0, 1, 2, 3, 5]] });
    const x = tf.tensor1d([0]);
    const probs = tf.softmax(await teacher.predict(x)).arraySync() as number[][];
    expect(probs[0]![0]).toBeCloseTo(1 / 6, 6);
    expect(probs[0]![1]).toBeLessThan(1e-29);
    expect(probs[0]![2]).toBeCloseTo(5 / 6, 6);
    x.dispose();
    teacher.dispose();
  });

  it('is a registered teacher kind that validates its groups and loads the wrapped kind', async () => {
    const kind = teacherKinds.get('class_fold');
    expect(kind.description).toMatch(/folded/);
    expect(kind.args.safeParse({ teacher: { kind: 'x' }, groups: [[0]] }).success).toBe(false);
    await expect(kind.load({ teacher: { kind: 'no-such-kind' }, groups: [[0], [1]] }, { dataRoot: undefined as never, seed: 0, cwd: '.' })).rejects.toThrow(/no-such-kind/);
  });
});
