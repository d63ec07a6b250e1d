/**
 * The `audio` teacher kind: any teacher (an imported dir, a TFLite/Keras/ONNX file) behind its own
 * feature front end (core's withFeatureFrontEnd), so it takes the same waveform batches as the student.
 */
import { z } from 'zod';
import { createFeatureExtractor, defineTeacherKind, loadTeacherSection, withFeatureFrontEnd, type TeacherKind } from '@augprior/core';
import type { Registry } from '@augprior/core';

export const AudioTeacherArgs = z.strictObject({
  /** The network: any registered teacher kind with its arguments. */
  teacher: z.looseObject({ kind: z.string().min(1) }),
  /** Its input features: a registered feature extractor. */
  features: z.looseObject({ kind: z.string().min(1) }),
});

export function audioTeacherKind(teacherKinds: Registry<TeacherKind>): TeacherKind<typeof AudioTeacherArgs> {
  return defineTeacherKind({
    description: 'a teacher behind a feature front end (e.g. the KWS DS-CNN on MLPerf MFCC), fed waveforms',
    args: AudioTeacherArgs,
    load: async ({ teacher, features }, context) => withFeatureFrontEnd(await loadTeacherSection(teacherKinds, teacher, context, 'teacher.teacher'), createFeatureExtractor(features, 'teacher.features')),
  });
}
