import { Registry } from '../registry.js';
import { Rng } from '../rng.js';
import { RNG_STREAMS } from '../rng-streams.js';
import type { Classifier, ModelArgs, ModelEntry } from './classifier.js';
import { DSCNN_MODELS } from './dscnn.js';
import { MOBILENET_MODELS } from './mobilenet.js';
import { RESNET_CIFAR_MODELS } from './resnet-cifar.js';
import { VIDEO_MODELS } from './r2plus1d.js';
import { WIDE_RESNET_MODELS } from './wide-resnet.js';

export { Classifier, type ModelArgs, type ModelEntry } from './classifier.js';
export { optionAShortcut } from './resnet-cifar.js';

/** Every built-in architecture; a new family is one file plus one spread here. */
export const BUILTIN_MODELS: ReadonlyArray<[string, ModelEntry]> = [...RESNET_CIFAR_MODELS, ...WIDE_RESNET_MODELS, ...MOBILENET_MODELS, ...DSCNN_MODELS, ...VIDEO_MODELS];

/** The process-wide model registry; front ends add their architectures with `models.register`. */
export const models = Registry.from('model', BUILTIN_MODELS);

/** Builds a registered model with weights drawn from `seed` (identical on every backend). */
export function createModel(arch: string, args: ModelArgs, seed: number): Classifier {
  return models.get(arch).create(args, Rng.derive(seed, RNG_STREAMS.modelInit));
}
