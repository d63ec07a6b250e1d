/**
 * @augprior/teachers: bring any teacher. Imports PyTorch checkpoints onto registry models and
 * loads converted teacher directories; `registerTeachers` adds the `imported` teacher kind.
 */
import { z } from 'zod';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type FrontEndRegistries, resolveDataPath, defineTeacherKind } from '@augprior/core';
import { importTeacher } from './import-teacher.js';
import { InputSpecSchema, loadTeacherDir } from './teacher-dir.js';

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

/**
 * Any teacher file (PyTorch, TF.js model.json, Keras .h5, TFLite, ONNX) converted at load time, so
 * an experiment can name the original file: path under the data root (or ./relative).
 */
const FileTeacherArgs = z.strictObject({
  path: z.string().min(1),
  /** Registry architecture (PyTorch checkpoints only). */
  arch: z.string().optional(),
  numClasses: z.number().int().positive().default(10),
  input: InputSpecSchema,
  labels: z.array(z.string()).optional(),
  onnxLayout: z.enum(['nhwc', 'nchw', 'nct', 'as-is']).optional(),
});

export function registerTeachers(registries: FrontEndRegistries): string[] {
  registries.teacherKinds.register('imported', defineTeacherKind({
    description: 'a teacher converted by `augprior teacher import` (teacher.json + model.safetensors)',
    args: ImportedTeacherArgs,
    load: async (args, { cwd }) => loadTeacherDir(resolve(cwd, args.path)),
  }));
  registries.teacherKinds.register('file', defineTeacherKind({
    description: 'a teacher file of any supported format, converted at load time',
    args: FileTeacherArgs,
    load: async ({ path, ...options }, { dataRoot, cwd }) => {
      const file = resolveDataPath(path, { dataRoot, cwd }, 'the teacher file');
      const out = mkdtempSync(join(tmpdir(), 'augprior-teacher-'));
      try {
        await importTeacher({ file, out, ...options });
        // Loading reads everything into memory (an ONNX session keeps its own copy), so the
        // temporary directory can go as soon as the teacher is up.
        return await loadTeacherDir(out);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  }));
  return ['imported', 'file'];
}
