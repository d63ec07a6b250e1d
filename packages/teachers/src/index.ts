/**
 * @augprior/teachers: bring any teacher. Imports PyTorch checkpoints onto registry models and
 * loads converted teacher directories; `registerTeachers` adds the `imported` teacher kind.
 */
import { z } from 'zod';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dataPath, type FrontEndRegistries } from '@augprior/core';
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

/** A PyTorch checkpoint converted on the fly (no teacher dir needed): path under the data root. */
const PytorchTeacherArgs = z.strictObject({
  path: z.string().min(1),
  arch: z.string(),
  numClasses: z.number().int().positive().default(10),
  input: InputSpecSchema,
  labels: z.array(z.string()).optional(),
});

export function registerTeachers(registries: FrontEndRegistries): string[] {
  registries.teacherKinds.register('imported', {
    description: 'a teacher converted by `augprior teacher import` (teacher.json + model.safetensors)',
    args: ImportedTeacherArgs,
    load: async (args, { cwd }) => loadTeacherDir(resolve(cwd, ImportedTeacherArgs.parse(args).path)),
  });
  registries.teacherKinds.register('pytorch', {
    description: 'a PyTorch checkpoint mapped onto a registry architecture at load time',
    args: PytorchTeacherArgs,
    load: async (args, { dataRoot, cwd }) => {
      const a = PytorchTeacherArgs.parse(args);
      const file = a.path.startsWith('.') || a.path.startsWith('/') ? resolve(cwd, a.path) : dataPath(dataRoot, a.path, 'the teacher checkpoint');
      const out = mkdtempSync(join(tmpdir(), 'augprior-teacher-'));
      try {
        await importTeacher({ file, arch: a.arch, out, numClasses: a.numClasses, input: a.input, ...(a.labels ? { labels: a.labels } : {}) });
        return await loadTeacherDir(out);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  });
  return ['imported', 'pytorch'];
}
