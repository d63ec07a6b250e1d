/** Test helpers: switch engines by name and compare numbers with a relative tolerance. */
import { selectEngine, type EngineName } from '../engine/select-engine.js';
import { tf } from '../tf.js';

export async function useEngine(engine: EngineName): Promise<void> {
  await selectEngine({ backend: engine });
  if (tf.getBackend() !== engine) throw new Error(`expected backend ${engine}, got ${tf.getBackend()}`);
}

/**
 * max |a-b| / max(|b|_inf, floor): the error relative to the reference's scale. `floor` keeps a
 * gradient that is zero in exact arithmetic (a BN scale followed by another BN) from turning
 * float32 rounding noise into a huge relative error; pass a fraction of the model-wide scale.
 */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-6): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let scale = floor;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / scale);
  return worst;
}

/** Deterministic pseudo-random values (no Rng dependency, so kernels tests stay minimal). */
export function wave(size: number, phase = 0): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = Math.sin(i * 0.731 + phase) * Math.cos(i * 0.117 + 2 * phase);
  return out;
}

export function maxAbs(values: Iterable<ArrayLike<number>>): number {
  let m = 0;
  for (const v of values) for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}
