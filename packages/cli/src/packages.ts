/** Finds installed packages (and their versions) without loading them. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findWorkspaceRoot } from '@augprior/core';

export interface InstalledPackage {
  name: string;
  version: string;
  path: string;
}

function searchRoots(): string[] {
  const roots = [findWorkspaceRoot(), dirname(fileURLToPath(import.meta.url)), process.cwd()].filter((r): r is string => Boolean(r));
  return [...new Set(roots)];
}

export function findInstalledPackage(name: string): InstalledPackage | undefined {
  for (const root of searchRoots()) {
    let dir = root;
    for (;;) {
      const manifest = join(dir, 'node_modules', name, 'package.json');
      if (existsSync(manifest)) {
        const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
        return { name, version, path: dirname(manifest) };
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

/** Optional packages and what each enables; `info` reports which are present. */
export const OPTIONAL_PACKAGES: ReadonlyArray<[string, string]> = [
  ['@tensorflow/tfjs-node-gpu', 'engine tensorflow on CUDA (libtensorflow; installer needs internet)'],
  ['@tensorflow/tfjs-node', 'engine tensorflow on CPU (libtensorflow; installer needs internet)'],
  ['@augprior/engine-torch', 'engine torch (libtorch native addon)'],
  ['webgpu', 'engine webgpu in Node (Dawn)'],
  ['@tensorflow/tfjs-backend-webgpu', 'engine webgpu kernels'],
  ['ffmpeg-static', 'video decoding (preferred ffmpeg binary)'],
  ['@ffmpeg-installer/ffmpeg', 'video decoding (fallback ffmpeg binary)'],
  ['fluent-ffmpeg', 'video decoding driver'],
  ['meyda', 'audio features'],
  ['wav-decoder', 'audio decoding'],
  ['sharp', 'image decoding and augmentation'],
  ['onnxruntime-node', 'ONNX teachers'],
];
