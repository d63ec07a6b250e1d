import { describe, expect, it } from 'vitest';
import { teacherKinds } from '../data/registries.js';
import { tf } from '../tf.js';
import { classSubsetTeacher } from './class-subset.js';
import { syncPredictor, type Teacher } from './predictor.js';

/** Logits [x0, x0 + 1, ..., x0 + 4] per sample: easy to check which columns came back. */
function rampTeacher(): Teacher & { disposed: boolean } {
  const teacher = syncPredictor((x: tf.Tensor) => tf.add(x.reshape([-1, 1]), tf.range(0, 5).reshape([1, 5])), {
    description: 'ramp',
    numClasses: 5,
    disposed: false,
    dispose: () => {
      teacher.disposed = true;
    },
  });
  return teacher;
}

describe('class_subset teacher', () => {
  it('keeps the listed logits in the listed order, so its softmax is the teacher\'s conditioned on them', async () => {
    const inner = rampTeacher();
    const subset = classSubsetTeacher(inner, [4, 0, 2]);
    expect(subset.numClasses).toBe(3);
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([0, 10]);
    const kept = subset.predictSync!(x);
    const asynchronous = await subset.predict(x);
    expect(asynchronous.arraySync()).toEqual(kept.arraySync());
    asynchronous.dispose();
    expect(kept.arraySync()).toEqual([[4, 0, 2], [14, 10, 12]]);
    const full = inner.predictSync!(x);
    // p(c | c in subset) from the full softmax equals the softmax of the kept logits.
    const conditioned = tf.tidy(() => {
      const p = tf.gather(tf.softmax(full), tf.tensor1d([4, 0, 2], 'int32'), 1);
      return p.div(p.sum(1, true));
    });
    const direct = tf.softmax(kept);
    const a = conditioned.dataSync();
    const b = direct.dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 6);
    tf.dispose([x, kept, full, conditioned, direct]);
    expect(tf.memory().numTensors).toBe(before);
    subset.dispose();
    expect(inner.disposed).toBe(true);
  });

  it('names classes the teacher does not have and repeated classes', () => {
    expect(() => classSubsetTeacher(rampTeacher(), [0, 5])).toThrow(/classes 5, but ramp has only 5 outputs/);
    expect(() => classSubsetTeacher(rampTeacher(), [1, 1])).toThrow(/lists a class twice/);
  });

  it('is a registered teacher kind that wraps another kind', async () => {
    expect(teacherKinds.get('class_subset').description).toMatch(/restricted/);
    await expect(teacherKinds.get('class_subset').load({ teacher: { kind: 'no-such-kind' }, classes: [0, 1] }, { dataRoot: undefined as never, seed: 0, cwd: '.' })).rejects.toThrow(/no-such-kind/);
  });
});
