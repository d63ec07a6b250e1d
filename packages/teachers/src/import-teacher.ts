/**
 * `augprior teacher import`: any supported teacher file -> a converted teacher directory
 * (teacher.json + the network in a form that loads fast): PyTorch checkpoints become registry
 * models with safetensors weights; TF.js layers models are copied with their final softmax removed.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { AugpriorError, createModel, models } from '@augprior/core';
import { readTorchCheckpoint } from './pytorch-checkpoint.js';
import { assignPytorchStateDict } from './state-dict.js';
import { sha256Of, TEACHER_FORMAT, writeRegistryTeacher, writeTeacherSpec, type InputSpec, type TeacherSpec } from './teacher-dir.js';
import { loadKerasH5 } from './keras-h5.js';
import { openOnnx, type OnnxLayout } from './onnx.js';
import { parseTflite, TfliteGraph } from './tflite.js';
import { loadLayersModelFromFolder, saveLayersModel, stripFinalSoftmax } from './tfjs-layers.js';

export interface ImportOptions {
  file: string;
  /** Registry architecture (PyTorch checkpoints only). */
  arch?: string;
  out: string;
  numClasses: number;
  input: InputSpec;
  labels?: string[];
  /** ONNX only: how NHWC batches map onto the model's first input. */
  onnxLayout?: OnnxLayout;
}

export type TeacherFileFormat = 'pytorch' | 'tfjs-layers' | 'onnx' | 'keras-h5' | 'tflite';

export function teacherFormatOf(file: string): TeacherFileFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'tfjs-layers';
  if (ext === '.onnx') return 'onnx';
  if (ext === '.h5' || ext === '.hdf5' || ext === '.keras') return 'keras-h5';
  if (ext === '.tflite') return 'tflite';
  return 'pytorch';
}

function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new AugpriorError('teacher.unreadable', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

export async function importTeacher(options: ImportOptions): Promise<TeacherSpec> {
  const format = teacherFormatOf(options.file);
  const bytes = readBytes(options.file);
  const base = { format: TEACHER_FORMAT, numClasses: options.numClasses, input: options.input, ...(options.labels ? { labels: options.labels } : {}) } as const;
  switch (format) {
    case 'pytorch':
      return importPytorch(options, bytes, base);
    case 'tfjs-layers':
      return importTfjsLayers(options, bytes, base);
    case 'onnx':
      return importOnnx(options, bytes, base);
    case 'keras-h5':
      return importKerasH5(options, bytes, base);
    case 'tflite':
      return importTflite(options, bytes, base);
    default:
      throw new AugpriorError('teacher.unsupported-format', `${options.file}: ${format} teachers are not supported`);
  }
}

type SpecBase = Pick<TeacherSpec, 'format' | 'numClasses' | 'input' | 'labels'>;

async function importPytorch(options: ImportOptions, bytes: Buffer, base: SpecBase): Promise<TeacherSpec> {
  const arch = options.arch;
  if (!arch) throw new AugpriorError('teacher.no-arch', `${options.file} is a PyTorch checkpoint: say which registry architecture it holds with --arch`, `known: ${models.list().join(', ')}`);
  if (!models.has(arch)) throw new AugpriorError('teacher.unknown-arch', `--arch ${arch} is not a registry model; known: ${models.list().join(', ')}`);
  const checkpoint = readTorchCheckpoint(bytes, options.file);
  const model = createModel(arch, { numClasses: options.numClasses, inChannels: options.input.channels }, 0);
  try {
    assignPytorchStateDict(model, checkpoint.stateDict, options.file, arch);
    const spec: TeacherSpec = {
      ...base,
      model: { kind: 'registry', arch },
      source: { file: basename(options.file), sha256: sha256Of(bytes), format: `pytorch-${checkpoint.format}`, extras: checkpoint.extras },
    };
    await writeRegistryTeacher(options.out, spec, model);
    return spec;
  } finally {
    model.dispose();
  }
}

async function importTfjsLayers(options: ImportOptions, bytes: Buffer, base: SpecBase): Promise<TeacherSpec> {
  // Build it once from the source to validate topology, shards and class count before writing.
  const loaded = await loadLayersModelFromFolder(options.file, { stripSoftmax: true });
  const outputs = loaded.model.outputs[0]?.shape ?? [];
  loaded.model.dispose();
  const classes = outputs[outputs.length - 1];
  if (classes !== options.numClasses) throw new AugpriorError('teacher.class-mismatch', `${options.file} outputs ${String(classes)} classes, --num-classes says ${options.numClasses}`);
  const json = JSON.parse(bytes.toString('utf8')) as { modelTopology: Record<string, unknown>; weightsManifest: Array<{ paths: string[] }> };
  stripFinalSoftmax(json.modelTopology);
  const target = join(options.out, 'tfjs');
  mkdirSync(target, { recursive: true });
  for (const group of json.weightsManifest) for (const shard of group.paths) copyFileSync(join(dirname(options.file), shard), join(target, shard));
  writeFileSync(join(target, 'model.json'), JSON.stringify(json));
  const spec: TeacherSpec = {
    ...base,
    model: { kind: 'tfjs-layers', path: 'tfjs/model.json', strippedSoftmax: loaded.strippedSoftmax },
    source: { file: basename(options.file), sha256: sha256Of(bytes), format: 'tfjs-layers', extras: {} },
  };
  writeTeacherSpec(options.out, spec);
  return spec;
}

async function importOnnx(options: ImportOptions, bytes: Buffer, base: SpecBase): Promise<TeacherSpec> {
  const layout = options.onnxLayout ?? 'nchw';
  // Open it once: a file ONNX Runtime cannot load fails here, not in the middle of training.
  const network = await openOnnx(options.file, { layout });
  await network.dispose();
  mkdirSync(options.out, { recursive: true });
  copyFileSync(options.file, join(options.out, 'model.onnx'));
  const spec: TeacherSpec = {
    ...base,
    model: { kind: 'onnx', path: 'model.onnx', layout, providers: ['cpu'] },
    source: { file: basename(options.file), sha256: sha256Of(bytes), format: 'onnx', extras: { input: network.inputName, output: network.outputName } },
  };
  writeTeacherSpec(options.out, spec);
  return spec;
}

/** Keras HDF5 -> rebuilt with tfjs-layers -> stored as a TF.js layers model (logits out). */
async function importKerasH5(options: ImportOptions, bytes: Buffer, base: SpecBase): Promise<TeacherSpec> {
  const loaded = await loadKerasH5(options.file, { stripSoftmax: true });
  try {
    const outputs = loaded.model.outputs[0]?.shape ?? [];
    const classes = outputs[outputs.length - 1];
    if (classes !== options.numClasses) throw new AugpriorError('teacher.class-mismatch', `${options.file} outputs ${String(classes)} classes, --num-classes says ${options.numClasses}`);
    await saveLayersModel(loaded.model, join(options.out, 'tfjs'));
  } finally {
    loaded.model.dispose();
  }
  const spec: TeacherSpec = {
    ...base,
    model: { kind: 'tfjs-layers', path: 'tfjs/model.json', strippedSoftmax: loaded.strippedSoftmax },
    source: { file: basename(options.file), sha256: sha256Of(bytes), format: 'keras-h5', extras: { kerasVersion: loaded.kerasVersion } },
  };
  writeTeacherSpec(options.out, spec);
  return spec;
}

/** TFLite: validated (op set, constants, class count) by building the graph once, then copied. */
async function importTflite(options: ImportOptions, bytes: Buffer, base: SpecBase): Promise<TeacherSpec> {
  const model = parseTflite(bytes, options.file);
  const graph = new TfliteGraph(model, options.file);
  const classes = graph.outputTensor.shape[graph.outputTensor.shape.length - 1];
  const input = graph.inputTensor;
  graph.dispose();
  if (classes !== options.numClasses) throw new AugpriorError('teacher.class-mismatch', `${options.file} outputs ${String(classes)} classes, --num-classes says ${options.numClasses}`);
  mkdirSync(options.out, { recursive: true });
  copyFileSync(options.file, join(options.out, 'model.tflite'));
  const quantized = input.scale.length > 0 ? { inputScale: input.scale[0], inputZeroPoint: input.zeroPoint[0] } : {};
  const spec: TeacherSpec = {
    ...base,
    model: { kind: 'tflite', path: 'model.tflite' },
    source: { file: basename(options.file), sha256: sha256Of(bytes), format: 'tflite', extras: { inputShape: input.shape, ...quantized } },
  };
  writeTeacherSpec(options.out, spec);
  return spec;
}
