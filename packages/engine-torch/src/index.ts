/**
 * @augprior/engine-torch: registers the `torch` tfjs backend (tensors in ATen, kernels as ATen
 * ops). Core's engine selection imports this package at run time when it is installed.
 */
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { registerTorchKernels } from './kernels.js';
import { loadNative } from './native.js';
import { TorchBackend } from './torch-backend.js';

export { fallbackKernels, ADAPTERS } from './kernels.js';
export { TorchBackend } from './torch-backend.js';
export { loadNative, ADDON_PATH } from './native.js';

export const BACKEND_NAME = 'torch';

export interface TorchEngineOptions {
  /** Intra-op threads (0 or absent = all cores). */
  threads?: number;
  device?: 'cpu' | 'cuda';
  /** Reuse freed large CPU blocks instead of returning them to the OS (default on; see native/). */
  cachingAllocator?: boolean;
}

let registered: { device: string } | undefined;

export function registerTorchBackend(options: TorchEngineOptions = {}): { backendName: string; device: 'cpu' | 'cuda'; libtorch: string; torchVersion: string; threads: number } {
  const { addon, build } = loadNative();
  const device = options.device ?? 'cpu';
  if (registered && registered.device !== device) throw new Error(`the torch backend is already registered on ${registered.device}`);
  addon.configure({ threads: options.threads && options.threads > 0 ? options.threads : cpus().length, device, cachingAllocator: options.cachingAllocator ?? process.env['AUGPRIOR_TORCH_CACHING_ALLOCATOR'] !== '0' });
  if (!registered) {
    tf.registerBackend(BACKEND_NAME, () => new TorchBackend(addon, device), 1);
    registerTorchKernels(BACKEND_NAME);
    registered = { device };
  }
  const info = addon.info();
  return { backendName: BACKEND_NAME, device, libtorch: `${build.libtorch} (${build.kind}, torch ${info.torchVersion})`, torchVersion: info.torchVersion, threads: info.threads };
}
