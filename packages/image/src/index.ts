/**
 * @augprior/image: the image front end. Its data sources, evaluation sets and teachers join core's
 * registries through `registerImage`, which only the CLI calls (nothing registers on import).
 */
import { z } from 'zod';
import { type FrontEndRegistries, resolveDataPath, type DataRoot, defineDataSource, defineEvalSet } from '@augprior/core';
import { CIFAR10_CLASSES, cifarBinarySet, cifarImageSet } from './datasets/cifar.js';
import { imageNetFolderSet } from './datasets/imagenet.js';
import { ImagePatchesArgs, imagePatchesSource } from './train/patch-source.js';

export { CIFAR10_CLASSES, cifarBinarySet, cifarImageSet } from './datasets/cifar.js';
export { decodeImageRgb, type DecodedImage } from './datasets/decode-image.js';
export { imageNetFolderSet, loadCentreCrop, readClassIndex } from './datasets/imagenet.js';
export * from './patches/index.js';
export { augmentBatch, cutmixBox, BatchAugmentSchema, type BatchAugment } from './train/batch-augment.js';
export { imagePatchesSource, openPatchDataset, resolveSource, ImagePatchesArgs, type ImagePatchesOptions } from './train/patch-source.js';

const CifarArgs = z.strictObject({
  /** A folder (class subfolders or flat files) or binary batch; relative paths are under the data root. */
  path: z.string().min(1),
  limit: z.number().int().positive().optional(),
});

const ImageNetArgs = z.strictObject({
  path: z.string().min(1),
  /** {"0": [wnid, name], ...} in the standard sorted-wnid order. */
  classIndex: z.string().default('imagenet/imagenet_class_index.json'),
  size: z.number().int().positive().default(224),
  resize: z.number().int().positive().default(256),
  limit: z.number().int().positive().optional(),
});

export { visualizeClasses, visualizeChannels, maximize, type VisualizeOptions, type Visualization } from './visualize/activation-max.js';
export { FourierImage, inverseRfft2dBases, rfft2dFrequencies } from './visualize/fourier-image.js';
export { standardTransforms, rotateImage, scaleImage, resizeImage } from './visualize/robust-transforms.js';

/** Adds this front end's entries to the registries and returns their names. */
export function registerImage(registries: FrontEndRegistries): string[] {
  const where = (path: string, dataRoot: DataRoot, cwd: string) => resolveDataPath(path, { dataRoot, cwd }, 'the evaluation data');
  registries.evalSets.register('cifar10', defineEvalSet({
    modality: 'image',
    description: 'CIFAR-10 test images: class folders or flat <name>_<i>_<label> files (decoded with sharp)',
    args: CifarArgs,
    open: async ({ path, limit }, { dataRoot, cwd }) => {
      return cifarImageSet({ path: where(path, dataRoot, cwd), numClasses: 10, classNames: CIFAR10_CLASSES, ...(limit ? { limit } : {}) });
    },
  }));
  registries.evalSets.register('cifar100', defineEvalSet({
    modality: 'image',
    description: 'CIFAR-100 test images: flat <name>_<i>_<fine label> files',
    args: CifarArgs,
    open: async ({ path, limit }, { dataRoot, cwd }) => {
      return cifarImageSet({ path: where(path, dataRoot, cwd), numClasses: 100, ...(limit ? { limit } : {}) });
    },
  }));
  registries.evalSets.register('cifar10_bin', defineEvalSet({
    modality: 'image',
    description: 'CIFAR-10 official binary batches (test_batch.bin)',
    args: CifarArgs,
    open: async ({ path, limit }, { dataRoot, cwd }) => {
      return cifarBinarySet({ path: where(path, dataRoot, cwd), numClasses: 10, classNames: CIFAR10_CLASSES, ...(limit ? { limit } : {}) });
    },
  }));
  registries.evalSets.register('cifar100_bin', defineEvalSet({
    modality: 'image',
    description: 'CIFAR-100 official binary batch (test.bin; fine labels)',
    args: CifarArgs,
    open: async ({ path, limit }, { dataRoot, cwd }) => {
      return cifarBinarySet({ path: where(path, dataRoot, cwd), numClasses: 100, ...(limit ? { limit } : {}) });
    },
  }));
  registries.evalSets.register('imagenet', defineEvalSet({
    modality: 'image',
    description: 'ImageNet-style folder (flat <wnid>_*.JPEG or <wnid>/ folders): resize 256, centre crop 224',
    args: ImageNetArgs,
    open: async ({ path, classIndex, size, resize, limit }, { dataRoot, cwd }) => {
      return imageNetFolderSet({
        path: where(path, dataRoot, cwd),
        classIndexPath: where(classIndex, dataRoot, cwd),
        size,
        resize,
        ...(limit ? { limit } : {}),
      });
    },
  }));
  registries.dataSources.register('image_patches', defineDataSource({
    modality: 'image',
    description: 'single-image patch dataset (the paper recipe; generated once and cached) with flip, pad-crop and CutMix',
    args: ImagePatchesArgs,
    open: async (args, context) => imagePatchesSource(args, context),
  }));
  return ['cifar10', 'cifar100', 'cifar10_bin', 'cifar100_bin', 'imagenet', 'image_patches'];
}
