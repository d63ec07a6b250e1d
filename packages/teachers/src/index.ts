/**
 * @augprior/teachers: bring any teacher. Imports PyTorch checkpoints onto registry models and
 * loads converted teacher directories; `registerTeachers` adds the `imported` teacher kind.
 */
import { z } from 'zod';
import { type FrontEndRegistries } from '@augprior/core';
import { resolve } from 'node:path';
import { loadTeacherDir } from './teacher-dir.js';

export { readTorchCheckpoint, type TorchCheckpoint, type NdArray } from './pytorch-checkpoint.js';
export { assignPytorchStateDict, toTfjsLayout } from './state-dict.js';
export { importTeacher, teacherFormatOf, type ImportOptions, type TeacherFileFormat } from './import-teacher.js';
export { loadLayersModelFromFolder, saveLayersModel, stripFinalSoftmax, type LoadedLayersModel } from './tfjs-layers.js';
export { loadKerasH5, dropTrainingOnlyConfig, type LoadedKerasModel } from './keras-h5.js';
export { loadTeacherDir, readTeacherSpec, writeRegistryTeacher, writeTeacherSpec, isTeacherDir, prepareInput, TeacherSpecSchema, TeacherModelSchema, InputSpecSchema, type TeacherModel, type TeacherSpec, type InputSpec, type LoadedTeacher } from './teacher-dir.js';
export { unpickle, PickleError } from './pickle.js';
export { openOnnx, type OnnxLayout, type OnnxNetwork } from './onnx.js';
export { parseTflite, TfliteGraph, type TfliteModel, type TfliteTensor } from './tflite.js';
export { readZip } from './zip.js';

const ImportedTeacherArgs = z.strictObject({ path: z.string().min(1) });

export function registerTeachers(registries: FrontEndRegistries): string[] {
  registries.teacherKinds.register('imported', {
    description: 'a teacher converted by `augprior teacher import` (teacher.json + model.safetensors)',
    args: ImportedTeacherArgs,
    load: async (args, { cwd }) => loadTeacherDir(resolve(cwd, ImportedTeacherArgs.parse(args).path)),
  });
  return ['imported'];
}
