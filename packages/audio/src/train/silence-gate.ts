/**
 * The `silence_gate` teacher kind: a waveform teacher whose `_silence_` answer is a level rule.
 *
 * Why a rule: no keyword teacher here names silence reliably. The MatchboxNet's three private labels
 * catch 9 of the 330-clip set's 30 silence crops (the rest land in `_unknown_` words at flat
 * logits), and they also fire on ~30% of continuous-speech crops. The protocol's `_silence_` is
 * "no word", which a level threshold says with no training data at all: a clip whose RMS is below
 * `maxRmsDb` (dBFS) gets the silence class at probability 1 - (classes - 1) e^-margin; every
 * other clip keeps the teacher's own logits. The training recipe then needs silence-like inputs
 * (data.recipe.augment.silence: low-gain synthetic noise), since the recording alone has none.
 */
import { z } from 'zod';
import { AugpriorError, defineTeacherKind, loadTeacherSection, tf, type Registry, type Teacher, type TeacherKind, type Tensor } from '@augprior/core';

export const SilenceGateArgs = z.strictObject({
  /** The waveform teacher (e.g. class_fold over an audio teacher). */
  teacher: z.looseObject({ kind: z.string().min(1) }),
  /** Index of `_silence_` among the teacher's outputs. */
  silenceClass: z.number().int().min(0),
  /** Clips quieter than this RMS level (dB re full scale 1.0) are silence. -40 dBFS: a quiet room's floor, below any spoken word at a normal recording level. */
  maxRmsDb: z.number().max(0).default(-40),
  /** Logit gap between silence and every other class for a gated clip. */
  margin: z.number().positive().default(12),
});
export type SilenceGate = Omit<z.infer<typeof SilenceGateArgs>, 'teacher'>;

/** RMS level in dBFS of each clip of a waveform batch [n, 1, samples, 1] (or [n, samples]), as [n]. */
export function clipLevelsDb(x: Tensor): Tensor {
  return tf.tidy(() => {
    const flat = tf.reshape(x, [x.shape[0]!, -1]);
    const meanSquare = tf.mean(tf.square(flat), 1);
    return tf.mul(tf.log(tf.maximum(meanSquare, 1e-20)), 10 / Math.LN10);
  });
}

export function silenceGateTeacher(inner: Teacher, gate: SilenceGate): Teacher {
  const { silenceClass, maxRmsDb, margin } = gate;
  if (silenceClass >= inner.numClasses) {
    throw new AugpriorError('teacher.silence-gate', `silence_gate silenceClass ${silenceClass} is not an output of ${inner.description} (${inner.numClasses} classes)`, 'give the index of _silence_ in the teacher (after class_fold, in the protocol order)');
  }
  const gated = tf.keep(tf.tensor1d(Array.from({ length: inner.numClasses }, (_, k) => (k === silenceClass ? 0 : -margin))));
  const combine = (x: Tensor, logits: Tensor): Tensor =>
    tf.tidy(() => {
      const quiet = tf.less(clipLevelsDb(x), maxRmsDb).reshape([-1, 1]);
      return tf.where(tf.broadcastTo(quiet, logits.shape), tf.broadcastTo(gated, logits.shape), logits);
    });
  return {
    numClasses: inner.numClasses,
    ...(inner.classNames ? { classNames: inner.classNames } : {}),
    description: `${inner.description}, _silence_ below ${maxRmsDb} dBFS`,
    predict: async (x, plan) => {
      const logits = await inner.predict(x, plan);
      try {
        return combine(x, logits);
      } finally {
        logits.dispose();
      }
    },
    ...(inner.predictSync ? { predictSync: (x: Tensor, plan?: Parameters<NonNullable<Teacher['predictSync']>>[1]) => tf.tidy(() => combine(x, inner.predictSync!(x, plan))) } : {}),
    ...(inner.featureMap ? { featureMap: (x: Tensor) => inner.featureMap!(x) } : {}),
    dispose: () => {
      gated.dispose();
      inner.dispose();
    },
  };
}

export function silenceGateKind(teacherKinds: Registry<TeacherKind>): TeacherKind<typeof SilenceGateArgs> {
  return defineTeacherKind({
    description: 'a waveform teacher whose _silence_ answer is a level rule (RMS below maxRmsDb), its other answers its own',
    args: SilenceGateArgs,
    load: async ({ teacher, ...gate }, context) => silenceGateTeacher(await loadTeacherSection(teacherKinds, teacher, context, 'teacher.teacher'), gate),
  });
}
