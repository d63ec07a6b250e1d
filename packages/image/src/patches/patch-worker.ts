/** Worker thread: makes the patches of index ranges it is sent (see generate.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { Rng } from '@augprior/core';
import { makePatch, patchScratch, type PatchRecipe, type SourceImage } from './recipe.js';

const { width, height, pixels, recipe, seed } = workerData as { width: number; height: number; pixels: SharedArrayBuffer; recipe: PatchRecipe; seed: number };
const source: SourceImage = { width, height, data: new Uint8Array(pixels) };
const scratch = patchScratch(recipe, source);
const patchBytes = recipe.size * recipe.size * 3;

parentPort!.on('message', ({ start, end }: { start: number; end: number }) => {
  const out = new Uint8Array((end - start) * patchBytes);
  for (let i = start; i < end; i++) makePatch(source, recipe, Rng.derive(seed, i), out.subarray((i - start) * patchBytes, (i - start + 1) * patchBytes), scratch);
  parentPort!.postMessage({ start, end, out }, [out.buffer]);
});
