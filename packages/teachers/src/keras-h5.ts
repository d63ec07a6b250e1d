/**
 * Keras HDF5 models (`model.save('x.h5')`: a `model_config` attribute + `model_weights` groups),
 * read with h5wasm (the HDF5 library compiled to WebAssembly) and rebuilt with tfjs-layers from
 * the stored config. Weights are matched to layers by name and, within a layer, in the order of
 * the file's `weight_names` attribute, with every shape checked.
 */
import { AugpriorError, tf } from '@augprior/core';
import { stripFinalSoftmax } from './tfjs-layers.js';

interface H5Dataset {
  shape: number[];
  dtype: string;
  value: unknown;
}
interface H5Group {
  attrs: Record<string, { value: unknown }>;
  keys(): string[];
  get(path: string): H5Group | H5Dataset | null;
}
interface H5File extends H5Group {
  close(): void;
}

async function openH5(path: string): Promise<H5File> {
  const mod = (await import('h5wasm/node')) as unknown as { default: { ready: Promise<unknown>; File: new (p: string, mode: string) => H5File } };
  await mod.default.ready;
  try {
    return new mod.default.File(path, 'r');
  } catch (error) {
    throw new AugpriorError('teacher.corrupt', `${path} is not a readable HDF5 file: ${(error as Error).message}`);
  }
}

function attrString(group: H5Group, name: string): string | undefined {
  const value = group.attrs[name]?.value;
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : new TextDecoder().decode(value as Uint8Array);
}

function asStrings(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return [value];
  return [];
}

/**
 * Drops training-only settings that tfjs-layers cannot deserialise (Keras 2.4+ writes L2
 * regularizers as class "L2", unknown to tfjs); a teacher is never trained, so they change nothing.
 */
export function dropTrainingOnlyConfig(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) dropTrainingOnlyConfig(item);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (/_(regularizer|constraint)$/.test(key)) (node as Record<string, unknown>)[key] = null;
    else dropTrainingOnlyConfig(value);
  }
}

export interface LoadedKerasModel {
  model: tf.LayersModel;
  strippedSoftmax: string | null;
  kerasVersion: string;
}

export async function loadKerasH5(path: string, options: { stripSoftmax: boolean }): Promise<LoadedKerasModel> {
  const file = await openH5(path);
  try {
    const configText = attrString(file, 'model_config');
    if (!configText) throw new AugpriorError('teacher.format', `${path} has no model_config attribute (weights-only .h5 files need their architecture; save the whole model)`);
    const topology: Record<string, unknown> = { model_config: JSON.parse(configText), keras_version: attrString(file, 'keras_version') ?? 'unknown', backend: attrString(file, 'backend') ?? 'tensorflow' };
    const stripped = options.stripSoftmax ? stripFinalSoftmax(topology) : null;
    dropTrainingOnlyConfig(topology['model_config']);
    let model: tf.LayersModel;
    try {
      model = (await tf.models.modelFromJSON({ modelTopology: topology } as tf.io.ModelJSON)) as tf.LayersModel;
    } catch (error) {
      throw new AugpriorError('teacher.format', `${path}: tfjs-layers cannot rebuild this Keras ${String(topology['keras_version'])} model: ${(error as Error).message}`);
    }
    const weightsRoot = (file.get('model_weights') as H5Group | null) ?? file;
    const problems: string[] = [];
    for (const layer of model.layers) {
      const expected = layer.weights;
      if (!expected.length) continue;
      const group = weightsRoot.get(layer.name) as H5Group | null;
      if (!group) {
        problems.push(`no weights for layer ${layer.name}`);
        continue;
      }
      const names = asStrings(group.attrs['weight_names']?.value);
      if (names.length !== expected.length) {
        problems.push(`layer ${layer.name}: file has ${names.length} weights, model expects ${expected.length}`);
        continue;
      }
      const values = names.map((name, i) => {
        const ds = group.get(name) as H5Dataset | null;
        if (!ds) throw new AugpriorError('teacher.corrupt', `${path}: dataset ${layer.name}/${name} is missing`);
        const shape = ds.shape;
        const want = expected[i]!.shape;
        if (shape.length !== want.length || shape.some((d, k) => d !== want[k])) problems.push(`layer ${layer.name} weight ${name}: file [${shape}] vs model [${want}]`);
        return tf.tensor(Float32Array.from(ds.value as ArrayLike<number>), shape, 'float32');
      });
      if (!problems.length) layer.setWeights(values);
      tf.dispose(values);
    }
    if (problems.length) {
      model.dispose();
      throw new AugpriorError('teacher.corrupt', `${path}: weights do not match the stored architecture: ${problems.join('; ')}`);
    }
    return { model, strippedSoftmax: stripped, kerasVersion: String(topology['keras_version']) };
  } finally {
    file.close();
  }
}
