/**
 * Checkpoints: `checkpoints/step-<8 digits>.safetensors` holding the model (`model/<name>`), the
 * optimizer slots (`optim/<param>/<slot>`) and, in the metadata, everything else a resumed run
 * needs to continue bit-identically: step, optimizer step, trainer RNG state, samples seen, wall
 * time, and the partial logging window. `contentSha256` covers every tensor byte and every other
 * metadata field, so a damaged file of the right size is recognised and skipped on resume;
 * `configFingerprint` / `teacherFingerprint` say what the checkpoint was trained with.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tf, type Tensor } from '../tf.js';
import { AugpriorError } from '../errors.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizers.js';
import type { RngState } from '../rng.js';
import type { StepPlan } from './step-plan.js';
import type { BestRecord } from './keep-best.js';
import { writeFileAtomic } from './atomic-write.js';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from './safetensors.js';

export const CHECKPOINT_FORMAT = 'augprior-checkpoint/1';
/** Where a run's weight average (trainer/weight-average.ts) lives in its checkpoints. */
export const AVERAGE_PREFIX = 'ema/';

function hasAverage(tensors: Map<string, SafeTensor>): boolean {
  for (const name of tensors.keys()) if (name.startsWith(AVERAGE_PREFIX)) return true;
  return false;
}

/** Accumulators of the metrics window that a log line averages over. */
export interface LogWindow {
  steps: number;
  lossSum: number;
  agreementSum: number;
  agreementSteps: number;
}

export interface TrainerState {
  step: number;
  samplesSeen: number;
  elapsedSeconds: number;
  rngState: RngState;
  window: LogWindow;
  /** The step count a wall-clock budget was planned into (step-plan.ts); absent under maxSteps. */
  plan?: StepPlan;
  /** The best evaluation so far under experiment.keepBest (keep-best.ts); absent without it. */
  best?: BestRecord;
}

export interface CheckpointInfo {
  step: number;
  path: string;
}

const FILE_PATTERN = /^step-(\d{8})\.safetensors$/;

export function checkpointPath(dir: string, step: number): string {
  return join(dir, `step-${String(step).padStart(8, '0')}.safetensors`);
}

/** Checkpoints in `dir`, newest first. Temp files of an interrupted write are ignored. */
export function listCheckpoints(dir: string): CheckpointInfo[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ name, match: FILE_PATTERN.exec(name) }))
    .filter((f) => f.match)
    .map((f) => ({ step: Number(f.match![1]), path: join(dir, f.name) }))
    .sort((a, b) => b.step - a.step);
}

/** sha256 over the tensors (sorted by name: name, dtype, shape, bytes) and the other metadata. */
export function checkpointDigest(tensors: Map<string, SafeTensor>, metadata: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const name of [...tensors.keys()].sort()) {
    const t = tensors.get(name)!;
    hash.update(`${name}\0${t.dtype}\0${t.shape.join(',')}\0`);
    hash.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  const rest = Object.entries(metadata).filter(([key]) => key !== 'contentSha256').sort(([a], [b]) => a.localeCompare(b));
  hash.update(JSON.stringify(rest));
  return hash.digest('hex');
}

async function toSafe(t: Tensor): Promise<SafeTensor> {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`cannot checkpoint dtype ${t.dtype}`);
  const data = (await t.data()) as Float32Array | Int32Array;
  return { dtype: t.dtype === 'float32' ? 'F32' : 'I32', shape: [...t.shape], data };
}

export async function saveCheckpoint(dir: string, model: Module, optimizer: Optimizer, state: TrainerState, extra: Record<string, string> = {}, average?: Module): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const tensors = new Map<string, SafeTensor>();
  for (const [name, v] of model.stateDict()) tensors.set(`model/${name}`, await toSafe(v));
  for (const [name, v] of average?.stateDict() ?? []) tensors.set(`${AVERAGE_PREFIX}${name}`, await toSafe(v));
  for (const [name, slot] of optimizer.slots()) tensors.set(`optim/${name}`, await toSafe(slot));
  const metadata: Record<string, string> = {
    ...extra,
    format: CHECKPOINT_FORMAT,
    step: String(state.step),
    optimizer: optimizer.name,
    optimizerStep: String(optimizer.stepCount()),
    samplesSeen: String(state.samplesSeen),
    elapsedSeconds: String(state.elapsedSeconds),
    rngState: JSON.stringify(state.rngState),
    window: JSON.stringify(state.window),
    ...(state.plan ? { plan: JSON.stringify(state.plan) } : {}),
    ...(state.best ? { best: JSON.stringify(state.best) } : {}),
  };
  metadata['contentSha256'] = checkpointDigest(tensors, metadata);
  const path = checkpointPath(dir, state.step);
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
  return path;
}

/** Deletes all but the newest `keep` checkpoints (after a new one is safely in place). */
export function pruneCheckpoints(dir: string, keep: number): void {
  for (const old of listCheckpoints(dir).slice(keep)) rmSync(old.path, { force: true });
}

export function readCheckpoint(path: string): ReturnType<typeof decodeSafetensors> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new AugpriorError('checkpoint.unreadable', `cannot read checkpoint ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  return decodeSafetensors(bytes, path);
}

/**
 * Copies `model/<name>` tensors into the model's variables. Every missing, unexpected or
 * mis-shaped key is collected and reported at once, naming the file.
 */
export function assignModelState(model: Module, tensors: Map<string, SafeTensor>, source: string, prefix = 'model/'): void {
  const state = model.stateDict();
  const missing: string[] = [];
  const misShaped: string[] = [];
  for (const [name, variable] of state) {
    const t = tensors.get(prefix + name);
    if (!t) missing.push(name);
    else if (t.shape.length !== variable.shape.length || t.shape.some((d, i) => d !== variable.shape[i])) misShaped.push(`${name} [${t.shape}] vs model [${variable.shape}]`);
  }
  const extra = [...tensors.keys()].filter((k) => k.startsWith(prefix) && !state.has(k.slice(prefix.length))).map((k) => k.slice(prefix.length));
  if (missing.length || misShaped.length || extra.length) {
    const parts = [
      missing.length ? `missing: ${missing.join(', ')}` : '',
      extra.length ? `unexpected: ${extra.join(', ')}` : '',
      misShaped.length ? `wrong shape: ${misShaped.join('; ')}` : '',
    ].filter(Boolean);
    throw new AugpriorError('checkpoint.mismatch', `${source} does not fit the model: ${parts.join(' | ')}`, 'check that the architecture and class count match the ones the checkpoint was trained with');
  }
  for (const [name, variable] of state) {
    const t = tensors.get(prefix + name)!;
    tf.tidy(() => variable.assign(tf.tensor(t.data, t.shape, t.dtype === 'F32' ? 'float32' : 'int32')));
  }
}

/**
 * Loads a checkpoint's model for use (evaluation, a teacher): its weight average when the run kept
 * one (the run's headline model), else its raw weights; `weights: 'raw'` insists on the latter.
 */
export function loadModelWeights(path: string, model: Module, options: { weights?: 'auto' | 'raw' } = {}): Record<string, string> & { loadedWeights: 'average' | 'raw' } {
  const { tensors, metadata } = readCheckpoint(path);
  const why = damaged(tensors, metadata);
  if (why) throw new AugpriorError('checkpoint.corrupt', `${path}: ${why}`, 'use an earlier checkpoint of the run (checkpoints/), or train it again');
  const average = options.weights !== 'raw' && hasAverage(tensors);
  assignModelState(model, tensors, path, average ? AVERAGE_PREFIX : 'model/');
  return { ...metadata, loadedWeights: average ? 'average' : 'raw' };
}

function parseState(metadata: Record<string, string>, path: string): TrainerState & { optimizerStep: number } {
  try {
    if (metadata['format'] !== CHECKPOINT_FORMAT) throw new Error(`format ${metadata['format']}`);
    return {
      step: Number(metadata['step']),
      optimizerStep: Number(metadata['optimizerStep']),
      samplesSeen: Number(metadata['samplesSeen']),
      elapsedSeconds: Number(metadata['elapsedSeconds']),
      rngState: JSON.parse(metadata['rngState'] ?? '') as RngState,
      window: JSON.parse(metadata['window'] ?? '') as LogWindow,
      ...(metadata['plan'] ? { plan: JSON.parse(metadata['plan']) as StepPlan } : {}),
      ...(metadata['best'] ? { best: JSON.parse(metadata['best']) as BestRecord } : {}),
    };
  } catch (error) {
    throw new AugpriorError('checkpoint.corrupt', `${path} has unusable trainer metadata (${(error as Error).message})`);
  }
}

export interface RestoredCheckpoint {
  path: string;
  state: TrainerState;
  /** Newer checkpoints that could not be read or failed their checksum (reported, never silently dropped). */
  skipped: string[];
  /** What the checkpoint says it was made with (absent in checkpoints older than the fingerprints). */
  fingerprints: { config?: string; teacher?: string };
  /** Whether the checkpoint held a weight average, now in the `average` model passed in. */
  averageRestored: boolean;
}

/** The checksum check: undefined when the content matches (or predates checksums), else why not. */
function damaged(tensors: Map<string, SafeTensor>, metadata: Record<string, string>): string | undefined {
  const recorded = metadata['contentSha256'];
  if (recorded === undefined) return undefined;
  return checkpointDigest(tensors, metadata) === recorded ? undefined : 'its content does not match its checksum (the file is damaged)';
}

/** Restores model + optimizer from the newest readable checkpoint in `dir`. */
export function restoreLatestCheckpoint(dir: string, model: Module, optimizer: Optimizer, average?: Module): RestoredCheckpoint | undefined {
  const skipped: string[] = [];
  for (const candidate of listCheckpoints(dir)) {
    let decoded: ReturnType<typeof decodeSafetensors>;
    try {
      decoded = readCheckpoint(candidate.path);
    } catch (error) {
      skipped.push(`${candidate.path}: ${(error as Error).message}`);
      continue;
    }
    const { tensors, metadata } = decoded;
    const why = damaged(tensors, metadata);
    if (why) {
      skipped.push(`${candidate.path}: ${why}`);
      continue;
    }
    const state = parseState(metadata, candidate.path);
    if (metadata['optimizer'] !== optimizer.name) {
      throw new AugpriorError('checkpoint.mismatch', `${candidate.path} was written by optimizer ${metadata['optimizer']}, this run uses ${optimizer.name}`);
    }
    assignModelState(model, tensors, candidate.path);
    const averageRestored = average !== undefined && hasAverage(tensors);
    if (averageRestored) assignModelState(average, tensors, candidate.path, AVERAGE_PREFIX);
    const slots = new Map<string, Tensor>();
    for (const [name, t] of tensors) {
      if (name.startsWith('optim/')) slots.set(name.slice('optim/'.length), tf.tensor(t.data, t.shape, t.dtype === 'F32' ? 'float32' : 'int32'));
    }
    optimizer.load(slots, state.optimizerStep);
    for (const t of slots.values()) t.dispose();
    const fingerprints = {
      ...(metadata['configFingerprint'] ? { config: metadata['configFingerprint'] } : {}),
      ...(metadata['teacherFingerprint'] ? { teacher: metadata['teacherFingerprint'] } : {}),
    };
    return { path: candidate.path, state, skipped, fingerprints, averageRestored };
  }
  if (skipped.length) throw new AugpriorError('checkpoint.corrupt', `no usable checkpoint in ${dir}: ${skipped.join('; ')}`, 'the run cannot continue from a damaged file; start it again under another --name');
  return undefined;
}
