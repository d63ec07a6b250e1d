/**
 * Picks the tfjs backend a run uses and says why. `auto` walks the preference order of the
 * project brief: native TensorFlow (GPU, then CPU build), the native libtorch engine, then wasm;
 * `cpu` (pure JS, ~100x slower for convnets) is only used when asked for by name. Every skipped
 * candidate records one line saying why, so `augprior info` can tell a user what to install.
 */
import { tf } from '../tf.js';
import { AugpriorError } from '../errors.js';
import { registerWasmGradientKernels } from './wasm-grad-kernels.js';

export const ENGINE_NAMES = ['tensorflow', 'torch', 'webgpu', 'wasm', 'cpu'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
export type BackendChoice = 'auto' | EngineName;
export type Device = 'cpu' | 'cuda';

/** The order `auto` tries. webgpu and cpu are opt-in: webgpu in Node needs the Dawn package and a GPU. */
export const AUTO_ORDER: readonly EngineName[] = ['tensorflow', 'torch', 'wasm'];

export interface EngineAttempt {
  engine: EngineName;
  ok: boolean;
  /** The package that provided it, or why it could not be used. */
  detail: string;
}

export interface EngineSelection {
  engine: EngineName;
  /** The name tfjs knows the backend by (`tf.getBackend()`). */
  tfjsBackend: string;
  requested: BackendChoice;
  device: Device;
  threads: number;
  /** One line for logs: what was chosen and why the candidates before it were skipped. */
  reason: string;
  attempts: EngineAttempt[];
}

export interface SelectEngineOptions {
  backend?: BackendChoice;
  /** Intra-op threads for native engines; 0 = all cores. */
  threads?: number;
  device?: Device;
}

interface LoadResult {
  ok: boolean;
  detail: string;
  tfjsBackend?: string;
  device?: Device;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim().length > 0)?.trim() ?? message;
}

function isNotInstalled(error: unknown, pkg: string): boolean {
  const code = (error as { code?: string } | null)?.code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && firstLine(error).includes(pkg);
}

/** Imports a package that may be absent; the specifier is a variable so bundlers and tsc leave it alone. */
export async function importOptional(pkg: string): Promise<{ module?: Record<string, unknown>; detail: string }> {
  try {
    const module = (await import(pkg)) as Record<string, unknown>;
    return { module, detail: pkg };
  } catch (error) {
    if (isNotInstalled(error, pkg)) return { detail: `${pkg} is not installed` };
    return { detail: `${pkg} failed to load: ${firstLine(error)}` };
  }
}

async function activate(tfjsBackend: string): Promise<string | undefined> {
  try {
    const ok = await tf.setBackend(tfjsBackend);
    if (!ok) return `tfjs could not initialise backend "${tfjsBackend}"`;
    await tf.ready();
    return undefined;
  } catch (error) {
    return `backend "${tfjsBackend}" failed to initialise: ${firstLine(error)}`;
  }
}

async function loadTensorflow(options: Required<SelectEngineOptions>): Promise<LoadResult> {
  if (options.threads > 0) {
    // libtensorflow reads these once, when the binding loads.
    process.env['TF_NUM_INTRAOP_THREADS'] ??= String(options.threads);
    process.env['TF_NUM_INTEROP_THREADS'] ??= '1';
  }
  const reasons: string[] = [];
  const packages: Array<[string, Device]> =
    options.device === 'cpu' ? [['@tensorflow/tfjs-node', 'cpu'], ['@tensorflow/tfjs-node-gpu', 'cuda']] : [['@tensorflow/tfjs-node-gpu', 'cuda'], ['@tensorflow/tfjs-node', 'cpu']];
  for (const [pkg, device] of packages) {
    const loaded = await importOptional(pkg);
    if (!loaded.module) {
      reasons.push(loaded.detail);
      continue;
    }
    const failure = await activate('tensorflow');
    if (failure) {
      reasons.push(`${pkg}: ${failure}`);
      continue;
    }
    return { ok: true, detail: pkg, tfjsBackend: 'tensorflow', device };
  }
  return { ok: false, detail: `${reasons.join('; ')} (their installers download libtensorflow, which needs internet)` };
}

/** Contract of the optional native engine package (built from libtorch when it is found at install). */
interface TorchEngineModule {
  registerTorchBackend(options: { threads?: number; device?: Device }): { backendName: string; device: Device; libtorch: string };
}

async function loadTorch(options: Required<SelectEngineOptions>): Promise<LoadResult> {
  const loaded = await importOptional('@augprior/engine-torch');
  if (!loaded.module) return { ok: false, detail: `${loaded.detail} (the native engine needs libtorch at install time)` };
  const engine = loaded.module as unknown as TorchEngineModule;
  if (typeof engine.registerTorchBackend !== 'function') return { ok: false, detail: '@augprior/engine-torch has no registerTorchBackend export' };
  try {
    const info = engine.registerTorchBackend({ threads: options.threads, device: options.device });
    const failure = await activate(info.backendName);
    if (failure) return { ok: false, detail: failure };
    return { ok: true, detail: `@augprior/engine-torch (libtorch at ${info.libtorch})`, tfjsBackend: info.backendName, device: info.device };
  } catch (error) {
    return { ok: false, detail: `@augprior/engine-torch could not start: ${firstLine(error)}` };
  }
}

async function loadWebgpu(): Promise<LoadResult> {
  const dawn = await importOptional('webgpu');
  if (!dawn.module) return { ok: false, detail: `${dawn.detail} (Node needs the Dawn bindings for WebGPU)` };
  const create = dawn.module['create'] as ((flags: string[]) => unknown) | undefined;
  if (typeof create !== 'function') return { ok: false, detail: 'the webgpu package has no create()' };
  Object.assign(globalThis, dawn.module['globals'] ?? {});
  const nav = ((globalThis as { navigator?: Record<string, unknown> }).navigator ??= {});
  // tfjs-backend-webgpu registers itself only if navigator.gpu exists when it is imported.
  if (!('gpu' in nav)) Object.defineProperty(nav, 'gpu', { value: create([]), configurable: true });
  const backend = await importOptional('@tensorflow/tfjs-backend-webgpu');
  if (!backend.module) return { ok: false, detail: backend.detail };
  const failure = await activate('webgpu');
  if (failure) return { ok: false, detail: failure };
  return { ok: true, detail: 'webgpu (Dawn) + @tensorflow/tfjs-backend-webgpu', tfjsBackend: 'webgpu', device: 'cuda' };
}

async function loadWasm(): Promise<LoadResult> {
  const loaded = await importOptional('@tensorflow/tfjs-backend-wasm');
  if (!loaded.module) return { ok: false, detail: loaded.detail };
  const added = registerWasmGradientKernels();
  const failure = await activate('wasm');
  if (failure) return { ok: false, detail: failure };
  const patched = added.length > 0 ? ` + augprior gradient kernels (${added.join(', ')})` : '';
  return { ok: true, detail: `@tensorflow/tfjs-backend-wasm${patched}`, tfjsBackend: 'wasm', device: 'cpu' };
}

async function loadCpu(): Promise<LoadResult> {
  await import('@tensorflow/tfjs-backend-cpu');
  const failure = await activate('cpu');
  if (failure) return { ok: false, detail: failure };
  // The cpu backend prints a one-time "install tfjs-node" banner; our own engine line replaces it.
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
  return { ok: true, detail: '@tensorflow/tfjs-backend-cpu (pure JavaScript, slow for convnets)', tfjsBackend: 'cpu', device: 'cpu' };
}

async function load(engine: EngineName, options: Required<SelectEngineOptions>): Promise<LoadResult> {
  switch (engine) {
    case 'tensorflow':
      return loadTensorflow(options);
    case 'torch':
      return loadTorch(options);
    case 'webgpu':
      return loadWebgpu();
    case 'wasm':
      return loadWasm();
    case 'cpu':
      return loadCpu();
  }
}

export function parseBackendChoice(value: string): BackendChoice {
  if (value === 'auto' || (ENGINE_NAMES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new AugpriorError('engine.unknown', `unknown backend "${value}"; choose one of auto, ${ENGINE_NAMES.join(', ')}`);
}

/** Selects and activates an engine. Throws when a named engine cannot be used, saying why. */
export async function selectEngine(options: SelectEngineOptions = {}): Promise<EngineSelection> {
  const resolved: Required<SelectEngineOptions> = { backend: options.backend ?? 'auto', threads: options.threads ?? 0, device: options.device ?? 'cpu' };
  const candidates = resolved.backend === 'auto' ? AUTO_ORDER : [resolved.backend];
  const attempts: EngineAttempt[] = [];
  for (const engine of candidates) {
    const result = await load(engine, resolved);
    attempts.push({ engine, ok: result.ok, detail: result.detail });
    if (result.ok) {
      const skipped = attempts.filter((a) => !a.ok).map((a) => `${a.engine}: ${a.detail}`);
      const reason =
        resolved.backend === 'auto'
          ? `engine ${engine} via ${result.detail}${skipped.length ? ` (auto; skipped ${skipped.join('; ')})` : ' (auto: first choice)'}`
          : `engine ${engine} via ${result.detail} (requested)`;
      return {
        engine,
        tfjsBackend: result.tfjsBackend ?? engine,
        requested: resolved.backend,
        device: result.device ?? 'cpu',
        threads: resolved.threads,
        reason,
        attempts,
      };
    }
  }
  const why = attempts.map((a) => `${a.engine}: ${a.detail}`).join('; ');
  throw new AugpriorError('engine.unavailable', `no usable engine for --backend ${resolved.backend}: ${why}`, 'run `augprior info` to see which engines this machine has; --backend cpu always works');
}

/** Reports which engines could load, without leaving any of them active (for `augprior info`). */
export async function probeEngines(options: SelectEngineOptions = {}): Promise<EngineAttempt[]> {
  const previous = tf.getBackend();
  const resolved: Required<SelectEngineOptions> = { backend: 'auto', threads: options.threads ?? 0, device: options.device ?? 'cpu' };
  const out: EngineAttempt[] = [];
  for (const engine of ENGINE_NAMES) {
    if (engine === 'webgpu') {
      // Starting Dawn costs seconds and can grab a GPU; report presence only.
      const dawn = await importOptional('webgpu');
      const backend = dawn.module ? await importOptional('@tensorflow/tfjs-backend-webgpu') : dawn;
      out.push({ engine, ok: Boolean(dawn.module && backend.module), detail: dawn.module ? backend.detail : dawn.detail });
      continue;
    }
    const result = await load(engine, resolved);
    out.push({ engine, ok: result.ok, detail: result.detail });
  }
  if (previous) await tf.setBackend(previous);
  return out;
}
