/**
 * The `audio` teacher kind: any teacher (an imported dir, a TFLite/Keras/ONNX file) behind its own
 * feature front end, so it takes the same waveform batches as the student. The KWS DS-CNN sees the
 * MLPerf TF MFCC it was trained on while the student sees meyda log-mel of the same waveform; a
 * batch's spectrogram plan reaches both.
 */
import { z } from 'zod';
import { createFeatureExtractor, loadTeacherSection, tf, type FeatureExtractor, type OpenContext, type Teacher, type TeacherKind } from '@augprior/core';
import type { Registry } from '@augprior/core';

export const AudioTeacherArgs = z.strictObject({
  /** The network: any registered teacher kind with its arguments. */
  teacher: z.looseObject({ kind: z.string().min(1) }),
  /** Its input features: a registered feature extractor. */
  features: z.looseObject({ kind: z.string().min(1) }),
});

export function withFeatureFrontEnd(inner: Teacher, features: FeatureExtractor): Teacher {
  return {
    description: `${inner.description} on ${features.description}`,
    numClasses: inner.numClasses,
    ...(inner.classNames ? { classNames: inner.classNames } : {}),
    logits: (x, plan) => tf.tidy(() => inner.logits(features.apply(x, plan))),
    ...(inner.logitsAsync
      ? {
          logitsAsync: async (x: tf.Tensor, plan?: Readonly<Record<string, unknown>>) => {
            const input = tf.tidy(() => features.apply(x, plan));
            try {
              return await inner.logitsAsync!(input);
            } finally {
              input.dispose();
            }
          },
        }
      : {}),
    dispose: () => inner.dispose(),
  };
}

export function audioTeacherKind(teacherKinds: Registry<TeacherKind>): TeacherKind {
  return {
    description: 'a teacher behind a feature front end (e.g. the KWS DS-CNN on MLPerf MFCC), fed waveforms',
    args: AudioTeacherArgs,
    load: async (args: Record<string, unknown>, context: OpenContext) => {
      const { teacher, features } = AudioTeacherArgs.parse(args);
      const inner = await loadTeacherSection(teacherKinds, teacher, context);
      return withFeatureFrontEnd(inner, createFeatureExtractor(features));
    },
  };
}
