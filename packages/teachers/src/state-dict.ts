/**
 * Maps a PyTorch state dict onto a registry model: same dotted names (the model zoo uses the
 * reference implementations' names), layouts converted from PyTorch's to tfjs' (conv OIHW ->
 * HWIO, depthwise [C*M,1,KH,KW] -> [KH,KW,C,M], conv3d OIDHW -> DHWIO, linear [out,in] ->
 * [in,out]). Every missing, unexpected or mis-shaped key is reported at once.
 */
import { AugpriorError, tf, type Module } from '@augprior/core';
import type { NdArray } from './pytorch-checkpoint.js';

/** Keys PyTorch saves that have no counterpart in a tfjs model (BN's step counter). */
const IGNORED_SUFFIXES = ['num_batches_tracked'];

function permute(array: NdArray, perm: number[]): NdArray {
  const shape = perm.map((p) => array.shape[p]!);
  const strides = array.shape.map((_, d) => array.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const count = array.data.length;
  const out = array.data instanceof Float32Array ? new Float32Array(count) : new Int32Array(count);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < count; i++) {
    let source = 0;
    for (let d = 0; d < shape.length; d++) source += index[d]! * strides[perm[d]!]!;
    out[i] = array.data[source]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return { dtype: array.dtype, shape, data: out };
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Converts a PyTorch tensor to the layout of a tfjs variable of shape `target`, or undefined. */
export function toTfjsLayout(array: NdArray, target: readonly number[]): NdArray | undefined {
  const s = array.shape;
  if (sameShape(s, target) && target.length <= 1) return array;
  if (target.length === 2 && sameShape([s[1]!, s[0]!], target)) return permute(array, [1, 0]);
  if (target.length === 4) {
    const [kh, kw, c, m] = target as [number, number, number, number];
    if (sameShape(s, [m, c, kh, kw])) return permute(array, [2, 3, 1, 0]); // OIHW -> HWIO
    if (sameShape(s, [c * m, 1, kh, kw])) {
      // depthwise: torch out channel o = c*M + m -> tfjs [kh, kw, c, m]
      const hwo = permute({ ...array, shape: [c * m, kh, kw] }, [1, 2, 0]);
      return { ...hwo, shape: [kh, kw, c, m] };
    }
  }
  if (target.length === 5) {
    const [kd, kh, kw, i, o] = target as [number, number, number, number, number];
    if (sameShape(s, [o, i, kd, kh, kw])) return permute(array, [2, 3, 4, 1, 0]);
  }
  if (sameShape(s, target)) return array;
  return undefined;
}

export function assignPytorchStateDict(model: Module, stateDict: Map<string, NdArray>, source: string, arch: string): void {
  const state = model.stateDict();
  const missing: string[] = [];
  const misShaped: string[] = [];
  const converted = new Map<string, NdArray>();
  for (const [name, variable] of state) {
    const array = stateDict.get(name);
    if (!array) {
      missing.push(name);
      continue;
    }
    const tfjs = toTfjsLayout(array, variable.shape);
    if (!tfjs) misShaped.push(`${name} [${array.shape}] (model expects tfjs [${variable.shape}])`);
    else converted.set(name, tfjs);
  }
  const unexpected = [...stateDict.keys()].filter((k) => !state.has(k) && !IGNORED_SUFFIXES.some((s) => k.endsWith(s)));
  if (missing.length || misShaped.length || unexpected.length) {
    const parts = [
      missing.length ? `missing ${missing.length}: ${missing.join(', ')}` : '',
      unexpected.length ? `unexpected ${unexpected.length}: ${unexpected.join(', ')}` : '',
      misShaped.length ? `wrong shape: ${misShaped.join('; ')}` : '',
    ].filter(Boolean);
    throw new AugpriorError('teacher.arch-mismatch', `${source} does not fit --arch ${arch}: ${parts.join(' | ')}`, 'pick the registry architecture the checkpoint was trained as (`augprior teacher import --help` lists them) and its class count');
  }
  for (const [name, variable] of state) {
    const t = converted.get(name)!;
    tf.tidy(() => variable.assign(tf.tensor(t.data, t.shape, variable.dtype)));
  }
}
