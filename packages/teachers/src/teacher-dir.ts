/**
 * A converted teacher on disk: `teacher.json` (what the network expects and what its outputs
 * mean) next to `model.safetensors` (weights under augprior's registry names). Written once by
 * `augprior teacher import`, read by training and evaluation without touching the original file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { openOnnx } from './onnx.js';
import { parseTflite, TfliteGraph } from './tflite.js';
import { layersFeatureMap, loadLayersModelFromFolder } from './tfjs-layers.js';
import {
  AugpriorError,
  createModel,
  encodeSafetensors,
  formatZodIssues,
  loadModelWeights,
  syncPredictor,
  tf,
  writeFileAtomic,
  type Classifier,
  type SafeTensor,
  type Teacher,
  type Tensor,
} from '@augprior/core';

export const TEACHER_FORMAT = 'augprior-teacher/1';

export const InputSpecSchema = z.strictObject({
  /** [height, width] the network was trained on. */
  size: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  channels: z.number().int().positive().default(3),
  /** Video teachers: frames per clip, sampled evenly (input is [n, frames, h, w, c]). */
  frames: z.number().int().positive().optional(),
  /** Multiply [0, 1] inputs by this first: 1, or 255 for networks trained on raw pixel values. */
  scale: z.number().positive().default(1),
  channelOrder: z.enum(['RGB', 'BGR']).default('RGB'),
  /** Per-channel (x * scale - mean) / std, applied after scaling and reordering. */
  normalize: z.strictObject({ mean: z.array(z.number()), std: z.array(z.number().positive()) }).optional(),
});
export type InputSpec = z.infer<typeof InputSpecSchema>;

/** Where the network lives inside the teacher directory. */
export const TeacherModelSchema = z.discriminatedUnion('kind', [
  /** A registry architecture; weights in model.safetensors under augprior's names. */
  z.strictObject({ kind: z.literal('registry'), arch: z.string() }),
  /** A tfjs layers model (model.json + shards), final softmax removed so it returns logits. */
  z.strictObject({ kind: z.literal('tfjs-layers'), path: z.string(), strippedSoftmax: z.string().nullable() }),
  /** A TFLite flatbuffer executed as a tfjs graph (quantized models run dequantized, in float). */
  z.strictObject({ kind: z.literal('tflite'), path: z.string() }),
  /** An ONNX model run by ONNX Runtime; `layout` says how NHWC batches are fed to its first input. */
  z.strictObject({
    kind: z.literal('onnx'),
    path: z.string(),
    layout: z.enum(['nhwc', 'nchw', 'nct', 'as-is']),
    providers: z.array(z.string()).default(['cpu']),
  }),
]);
export type TeacherModel = z.infer<typeof TeacherModelSchema>;

export const TeacherSpecSchema = z.strictObject({
  format: z.literal(TEACHER_FORMAT),
  model: TeacherModelSchema,
  numClasses: z.number().int().positive(),
  input: InputSpecSchema,
  labels: z.array(z.string()).optional(),
  source: z.strictObject({ file: z.string(), sha256: z.string(), format: z.string(), extras: z.record(z.string(), z.unknown()).default({}) }),
});
export type TeacherSpec = z.infer<typeof TeacherSpecSchema>;

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** [n, h, w, c] in [0, 1] -> what the network expects, per its input spec. */
export function prepareInput(x: Tensor, input: InputSpec): Tensor {
  return tf.tidy(() => {
    let t = input.scale !== 1 ? tf.mul(x, input.scale) : x;
    if (input.channelOrder === 'BGR') t = tf.reverse(t, -1);
    if (input.normalize) t = tf.div(tf.sub(t, tf.tensor1d(input.normalize.mean)), tf.tensor1d(input.normalize.std));
    return t === x ? tf.clone(x) : t;
  });
}

/** Writes a registry-model teacher: weights as safetensors under augprior's names, then the spec. */
export async function writeRegistryTeacher(dir: string, spec: TeacherSpec, model: Classifier): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const tensors = new Map<string, SafeTensor>();
  for (const [name, v] of model.stateDict()) tensors.set(`model/${name}`, { dtype: 'F32', shape: [...v.shape], data: (await v.data()) as Float32Array });
  writeFileAtomic(join(dir, 'model.safetensors'), encodeSafetensors(tensors, { format: 'augprior-checkpoint/1', arch: model.arch }));
  writeTeacherSpec(dir, spec);
}

/** The spec is written last, so a directory with a teacher.json is always complete. */
export function writeTeacherSpec(dir: string, spec: TeacherSpec): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'teacher.json'), `${JSON.stringify(spec, null, 2)}\n`);
}

export function readTeacherSpec(dir: string): TeacherSpec {
  const path = join(dir, 'teacher.json');
  if (!existsSync(path)) throw new AugpriorError('teacher.not-found', `${dir} is not a converted teacher (no teacher.json)`, 'create one with `augprior teacher import <file> --arch <name> --out <dir>`');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AugpriorError('teacher.corrupt', `${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = TeacherSpecSchema.safeParse(json);
  if (!parsed.success) throw new AugpriorError('teacher.corrupt', `${path}: ${formatZodIssues(parsed.error)}`);
  return parsed.data;
}

export interface LoadedTeacher extends Teacher {
  spec: TeacherSpec;
  /** A short name of the network for reports (registry arch or the model file). */
  name: string;
}

export function isTeacherDir(dir: string): boolean {
  return existsSync(join(dir, 'teacher.json'));
}

/** Loads a converted teacher as a Teacher (inputs in [0, 1]; its own preprocessing applied). */
export async function loadTeacherDir(dir: string): Promise<LoadedTeacher> {
  const spec = readTeacherSpec(dir);
  const network = await loadNetwork(dir, spec);
  const description = `${network.name} teacher from ${spec.source.file} (${spec.source.format})`;
  if (network.forwardAsync) {
    const forwardAsync = network.forwardAsync;
    return {
      spec,
      name: network.name,
      description,
      numClasses: spec.numClasses,
      ...(spec.labels ? { classNames: spec.labels } : {}),
      // Runs outside tfjs: no synchronous (differentiable) path.
      predict: async (x: Tensor) => {
        const input = prepareInput(x, spec.input);
        try {
          return await forwardAsync(input);
        } finally {
          input.dispose();
        }
      },
      dispose: () => network.dispose(),
    };
  }
  return syncPredictor((x) => network.forward!(prepareInput(x, spec.input)), {
    spec,
    name: network.name,
    description,
    numClasses: spec.numClasses,
    ...(spec.labels ? { classNames: spec.labels } : {}),
    ...(network.featureMap ? { featureMap: (x: Tensor) => tf.tidy(() => network.featureMap!(prepareInput(x, spec.input))) } : {}),
    dispose: () => network.dispose(),
  });
}

interface Network {
  name: string;
  forward?(x: Tensor): Tensor;
  featureMap?(x: Tensor): Tensor;
  forwardAsync?(x: Tensor): Promise<Tensor>;
  dispose(): void;
}

async function loadNetwork(dir: string, spec: TeacherSpec): Promise<Network> {
  const model = spec.model;
  switch (model.kind) {
    case 'registry': {
      const net = createModel(model.arch, { numClasses: spec.numClasses, inChannels: spec.input.channels }, 0);
      loadModelWeights(join(dir, 'model.safetensors'), net);
      return { name: model.arch, forward: (x) => net.forward(x, { training: false }), ...(net.featureMap ? { featureMap: (x: Tensor) => net.featureMap!(x, { training: false }) } : {}), dispose: () => net.dispose() };
    }
    case 'tfjs-layers': {
      const net = await loadLayersModelFromFolder(join(dir, model.path), { stripSoftmax: false });
      const features = layersFeatureMap(net.model);
      return { name: basename(model.path), forward: (x) => net.model.predict(x) as Tensor, ...(features ? { featureMap: (x: Tensor) => features.predict(x) as Tensor } : {}), dispose: () => net.model.dispose() };
    }
    case 'tflite': {
      const path = join(dir, model.path);
      const graph = new TfliteGraph(parseTflite(readFileSync(path), path), path);
      const features = graph.featureMapTensor;
      return { name: basename(model.path), forward: (x) => graph.run(x, { stopBeforeSoftmax: true }), ...(features !== undefined ? { featureMap: (x: Tensor) => graph.run(x, { stopBeforeSoftmax: true, output: features }) } : {}), dispose: () => graph.dispose() };
    }
    case 'onnx': {
      const net = await openOnnx(join(dir, model.path), { layout: model.layout, providers: model.providers });
      return { name: basename(model.path), forwardAsync: (x) => net.run(x), dispose: () => void net.dispose() };
    }
  }
}
