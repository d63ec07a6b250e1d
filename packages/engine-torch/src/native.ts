/** Loads the compiled addon (build/augprior_torch.node) and types its surface. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type NativeHandle = { readonly __brand: 'torch-handle' };
/** [handle, dtypeCode, ...shape] */
export type NativeResult = [NativeHandle, number, ...number[]];

export interface NativeAddon {
  run(op: string, inputs: Array<NativeHandle | null>, attrs?: Record<string, unknown>, multi?: false): NativeResult;
  run(op: string, inputs: Array<NativeHandle | null>, attrs: Record<string, unknown>, multi: true): NativeResult[];
  fromBuffer(values: Float32Array | Int32Array | Uint8Array, shape: number[], dtype: number): NativeResult;
  toBuffer(handle: NativeHandle): Float32Array | Int32Array | Uint8Array;
  release(handle: NativeHandle): void;
  strides(handle: NativeHandle): number[];
  configure(options: { threads?: number; device?: string; cachingAllocator?: boolean }): void;
  emptyCache(): void;
  /** `ops`: the addon's one table of op names; `elementwiseOps`: those that may read host scalars (see op_table.cc). */
  info(): { torchVersion: string; threads: number; cuda: boolean; device: string; liveTensors: number; cachedBytes: number; mallocInUseBytes: number; ops: string[]; elementwiseOps: string[] };
}

export interface BuildInfo {
  libtorch: string;
  kind: string;
  cuda: boolean;
}

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The compiled addon; $AUGPRIOR_TORCH_ADDON points elsewhere (a bundled copy, a GPU build). */
export const ADDON_PATH = process.env['AUGPRIOR_TORCH_ADDON'] ?? join(packageRoot, 'build', 'augprior_torch.node');

let cached: { addon: NativeAddon; build: BuildInfo } | undefined;

/** Throws a one-line reason when the addon was not built (no libtorch at install time). */
export function loadNative(): { addon: NativeAddon; build: BuildInfo } {
  if (cached) return cached;
  if (!existsSync(ADDON_PATH)) {
    throw new Error(`the native addon is not built (${ADDON_PATH} missing): install libtorch-dev or set LIBTORCH, then run \`npx nx run engine-torch:native\``);
  }
  const addon = createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
  const infoPath = join(dirname(ADDON_PATH), 'info.json');
  const build: BuildInfo = existsSync(infoPath) ? (JSON.parse(readFileSync(infoPath, 'utf8')) as BuildInfo) : { libtorch: dirname(ADDON_PATH), kind: 'prebuilt', cuda: false };
  cached = { addon, build };
  return cached;
}
