/**
 * meyda as Node ESM sees it. meyda ships a CommonJS build (`module.exports = Meyda`) with types
 * written for its ES build (`export default Meyda`), so under NodeNext the default import is typed
 * as the module namespace while at run time it is the Meyda object itself: accept both shapes once
 * here. Meyda is a mutable singleton configured through its fields; its undocumented per-call
 * caches are typed in `MeydaInternals` because the reference path has to reset them.
 */
import meydaImport from 'meyda';

export type MeydaApi = typeof meydaImport.default;
export type MeydaWindowing = 'hanning' | 'hamming' | 'blackman' | 'sine' | 'rect';

const loaded = meydaImport as unknown as MeydaApi | { default: MeydaApi };
export const Meyda: MeydaApi = 'default' in loaded && loaded.default ? loaded.default : (loaded as MeydaApi);

/** Fields `Meyda.extract` caches on the singleton (not in meyda's types). */
export interface MeydaInternals {
  melFilterBank?: number[][] | undefined;
  barkScale?: Float32Array | undefined;
  chromaFilterBank?: number[][] | undefined;
}

export function meydaInternals(): MeydaInternals {
  return Meyda as unknown as MeydaInternals;
}

/**
 * meyda's own window of `length` samples (its float32 tables), read back by windowing ones.
 * 'hanning' is the symmetric Hann (cosine period length - 1, zero at both ends), unlike TF's
 * periodic one; 'rect' applies none.
 */
export function meydaWindow(name: MeydaWindowing, length: number): Float64Array {
  return Float64Array.from(applyMeydaWindow(new Float32Array(length).fill(1), name));
}

/** Meyda.windowing, whose types omit the 'rect' (no window) that its code accepts. */
export function applyMeydaWindow(signal: Float32Array, name: MeydaWindowing): ArrayLike<number> {
  return Meyda.windowing(signal, name as Parameters<MeydaApi['windowing']>[1]) as ArrayLike<number>;
}
