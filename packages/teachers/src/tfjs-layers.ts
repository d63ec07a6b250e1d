/**
 * TF.js layers models from a local folder (model.json + weight shards), read with plain file I/O
 * (no tfjs-node file handler). Keras-style configs end in a softmax; teachers must return logits,
 * so the final softmax (an Activation layer, or a Dense/Conv2D layer's activation) is switched to
 * linear before the model is built: softmax(logits / T) is what distillation needs, and log of
 * a float32 softmax would underflow to -inf for confident predictions.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AugpriorError, tf, writeFileAtomic } from '@augprior/core';

interface LayerConfig {
  class_name: string;
  name?: string;
  config: { name?: string; activation?: string; target_shape?: number[]; layers?: LayerConfig[]; output_layers?: unknown[] } & Record<string, unknown>;
  inbound_nodes?: unknown[];
}

interface ModelJson {
  modelTopology: Record<string, unknown>;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  format?: string;
}

function readJson(path: string): ModelJson {
  if (!existsSync(path)) throw new AugpriorError('teacher.not-found', `${path} not found`);
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as ModelJson;
    if (!json.modelTopology || !Array.isArray(json.weightsManifest)) throw new Error('missing modelTopology or weightsManifest');
    return json;
  } catch (error) {
    throw new AugpriorError('teacher.corrupt', `${path} is not a TF.js layers model.json: ${(error as Error).message}`);
  }
}

/** The model config (Sequential/Functional) inside a topology, wherever Keras versions put it. */
function modelConfigOf(topology: Record<string, unknown>): LayerConfig {
  return ((topology['model_config'] as LayerConfig | undefined) ?? (topology as unknown as LayerConfig));
}

/**
 * Switches the softmax at the end of a Keras model config to linear, in place. Returns the name
 * of the layer changed, or null when the model has no final softmax (it already gives logits).
 */
export function stripFinalSoftmax(topology: Record<string, unknown>): string | null {
  const model = modelConfigOf(topology);
  const layers = model.config.layers ?? [];
  // Walk back from the last layer past shape-only layers to the one that produces the output.
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]!;
    if (['Reshape', 'Flatten', 'Dropout'].includes(layer.class_name)) continue;
    if (layer.class_name === 'Activation' && layer.config.activation === 'softmax') {
      layer.config.activation = 'linear';
      return layer.config.name ?? layer.name ?? 'activation';
    }
    if (layer.config.activation === 'softmax') {
      layer.config.activation = 'linear';
      return layer.config.name ?? layer.name ?? layer.class_name;
    }
    return null;
  }
  return null;
}

export interface LoadedLayersModel {
  model: tf.LayersModel;
  strippedSoftmax: string | null;
  inputShape: number[];
}

export async function loadLayersModelFromFolder(modelJsonPath: string, options: { stripSoftmax: boolean }): Promise<LoadedLayersModel> {
  const json = readJson(modelJsonPath);
  const topology = structuredClone(json.modelTopology);
  const stripped = options.stripSoftmax ? stripFinalSoftmax(topology) : null;
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const shard of group.paths) {
      const path = join(dirname(modelJsonPath), shard);
      if (!existsSync(path)) throw new AugpriorError('teacher.corrupt', `${modelJsonPath} names weight shard ${shard}, which is missing`);
      buffers.push(readFileSync(path));
    }
  }
  const total = buffers.reduce((n, b) => n + b.length, 0);
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * (s.dtype === 'float32' || s.dtype === 'int32' ? 4 : 1), 0);
  if (specs.every((s) => !s.quantization) && total !== expected) {
    throw new AugpriorError('teacher.corrupt', `${modelJsonPath}: weight shards hold ${total} bytes, the manifest describes ${expected} (truncated or mismatched shards)`);
  }
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.length;
  }
  const handler: tf.io.IOHandler = {
    load: async () => ({ modelTopology: topology, weightSpecs: specs, weightData: weightData.buffer, format: json.format ?? 'layers-model' }),
  };
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(handler);
  } catch (error) {
    throw new AugpriorError('teacher.corrupt', `${modelJsonPath} could not be built as a TF.js layers model: ${(error as Error).message}`);
  }
  const inputShape = (model.inputs[0]?.shape ?? []).slice(1).map((d) => d ?? -1);
  return { model, strippedSoftmax: stripped, inputShape };
}

/**
 * The model up to its last spatial feature map (the last layer whose output is [n, h, w, c] with
 * h * w > 1: what global pooling reduces), for channel visualisation; undefined when it has none.
 * When that layer is a capped activation (ReLU6, as in MobileNet), its input is taken instead:
 * a unit pinned at 6 or at 0 has no gradient, and activation maximisation would stall there.
 * It shares the model's layers and weights: dispose only the full model.
 */
export function layersFeatureMap(model: tf.LayersModel): tf.LayersModel | undefined {
  const spatial = (shape: unknown): boolean => Array.isArray(shape) && !Array.isArray(shape[0]) && shape.length === 4 && (shape[1] as number | null ?? 0) * (shape[2] as number | null ?? 0) > 1;
  const layer = [...model.layers].reverse().find((l) => spatial(l.outputShape));
  if (!layer) return undefined;
  const config = layer.getConfig() as { activation?: unknown; maxValue?: unknown };
  const capped = (layer.getClassName() === 'Activation' && config.activation === 'relu6') || (layer.getClassName() === 'ReLU' && typeof config.maxValue === 'number');
  return tf.model({ inputs: model.inputs, outputs: (capped ? layer.input : layer.output) as tf.SymbolicTensor });
}

/** Writes a built model as a TF.js layers folder (model.json + weights.bin). */
export async function saveLayersModel(model: tf.LayersModel, folder: string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData instanceof ArrayBuffer ? new Uint8Array(artifacts.weightData) : new Uint8Array(tf.io.concatenateArrayBuffers(artifacts.weightData as ArrayBuffer[]));
      writeFileAtomic(join(folder, 'weights.bin'), data);
      writeFileAtomic(join(folder, 'model.json'), JSON.stringify({ format: 'layers-model', generatedBy: 'augprior', modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}
