/** `augprior teacher import`: any supported teacher file -> a converted teacher directory. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { AugpriorError, createModel, models } from '@augprior/core';
import { readTorchCheckpoint } from './pytorch-checkpoint.js';
import { assignPytorchStateDict } from './state-dict.js';
import { sha256Of, TEACHER_FORMAT, writeTeacherDir, type InputSpec, type TeacherSpec } from './teacher-dir.js';

export interface ImportOptions {
  file: string;
  arch: string;
  out: string;
  numClasses: number;
  input: InputSpec;
  labels?: string[];
}

export async function importTeacher(options: ImportOptions): Promise<TeacherSpec> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(options.file);
  } catch (error) {
    throw new AugpriorError('teacher.unreadable', `cannot read ${options.file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  if (!models.has(options.arch)) throw new AugpriorError('teacher.unknown-arch', `--arch ${options.arch} is not a registry model; known: ${models.list().join(', ')}`);
  const checkpoint = readTorchCheckpoint(bytes, options.file);
  const model = createModel(options.arch, { numClasses: options.numClasses, inChannels: options.input.channels }, 0);
  try {
    assignPytorchStateDict(model, checkpoint.stateDict, options.file, options.arch);
    const spec: TeacherSpec = {
      format: TEACHER_FORMAT,
      arch: options.arch,
      numClasses: options.numClasses,
      input: options.input,
      ...(options.labels ? { labels: options.labels } : {}),
      source: { file: basename(options.file), sha256: sha256Of(bytes), format: `pytorch-${checkpoint.format}`, extras: checkpoint.extras },
    };
    await writeTeacherDir(options.out, spec, model);
    return spec;
  } finally {
    model.dispose();
  }
}
