/**
 * What a source image offers the recipe: size, PNG bytes per pixel (the paper's information
 * measure: PNG size explains R^2 = 0.41 of the accuracy differences between sources) and patch
 * diversity statistics over a sample of generated patches (mean per-patch standard deviation,
 * mean gradient energy, and the spread of patch means).
 */
import sharp from 'sharp';
import { Rng } from '@augprior/core';
import { makePatch, patchScratch, type PatchRecipe, type SourceImage } from './recipe.js';

export interface SourceAnalysis {
  width: number;
  height: number;
  pngBytesPerPixel: number;
  patches: number;
  meanPatchStd: number;
  meanGradientEnergy: number;
  patchMeanStd: number;
}

export async function analyzeSource(source: SourceImage, recipe: PatchRecipe, samples = 1000, seed = 0): Promise<SourceAnalysis> {
  const png = await sharp(source.data, { raw: { width: source.width, height: source.height, channels: 3 } }).png({ compressionLevel: 9 }).toBuffer();
  const S = recipe.size;
  const patch = new Uint8Array(S * S * 3);
  const scratch = patchScratch(recipe, source);
  let stdSum = 0;
  let gradSum = 0;
  const means: number[] = [];
  for (let i = 0; i < samples; i++) {
    makePatch(source, recipe, Rng.derive(seed, i), patch, scratch);
    let sum = 0;
    let sq = 0;
    for (const v of patch) {
      sum += v;
      sq += v * v;
    }
    const n = patch.length;
    const mean = sum / n;
    means.push(mean);
    stdSum += Math.sqrt(Math.max(sq / n - mean * mean, 0));
    let grad = 0;
    for (let y = 0; y < S - 1; y++) {
      for (let x = 0; x < S - 1; x++) {
        for (let c = 0; c < 3; c++) {
          const p = (y * S + x) * 3 + c;
          grad += (patch[p + 3]! - patch[p]!) ** 2 + (patch[p + S * 3]! - patch[p]!) ** 2;
        }
      }
    }
    gradSum += grad / ((S - 1) * (S - 1) * 3);
  }
  const grand = means.reduce((a, b) => a + b, 0) / means.length;
  return {
    width: source.width,
    height: source.height,
    pngBytesPerPixel: png.length / (source.width * source.height),
    patches: samples,
    meanPatchStd: stdSum / samples,
    meanGradientEnergy: gradSum / samples,
    patchMeanStd: Math.sqrt(means.reduce((a, m) => a + (m - grand) ** 2, 0) / means.length),
  };
}

/** A grid of the first `count` patches as a PNG, for a person to look at. */
export async function contactSheet(pixels: Uint8Array, size: number, count: number, columns = 16): Promise<Buffer> {
  const rows = Math.ceil(count / columns);
  const pad = 2;
  const width = columns * (size + pad) + pad;
  const height = rows * (size + pad) + pad;
  const sheet = new Uint8Array(width * height * 3).fill(255);
  for (let i = 0; i < count; i++) {
    const ox = pad + (i % columns) * (size + pad);
    const oy = pad + Math.floor(i / columns) * (size + pad);
    for (let y = 0; y < size; y++) sheet.set(pixels.subarray((i * size * size + y * size) * 3, (i * size * size + (y + 1) * size) * 3), ((oy + y) * width + ox) * 3);
  }
  return sharp(sheet, { raw: { width, height, channels: 3 } }).png().toBuffer();
}
