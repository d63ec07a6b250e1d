/** The one place front ends are plugged into core's registries. */
import { dataSources, evalSets, featureExtractors, modalities, teacherKinds } from '@augprior/core';
import { registerAudio } from '@augprior/audio';
import { registerImage } from '@augprior/image';
import { registerTeachers } from '@augprior/teachers';
import { registerVideo } from '@augprior/video';

let wired = false;

export function registerFrontEnds(): void {
  if (wired) return;
  const registries = { dataSources, evalSets, teacherKinds, featureExtractors, modalities };
  registerTeachers(registries);
  registerImage(registries);
  registerAudio(registries);
  registerVideo(registries);
  wired = true;
}
