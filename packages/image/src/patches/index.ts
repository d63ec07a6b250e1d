export { PatchRecipeSchema, makePatch, patchScratch, roundHalfEven, type PatchRecipe, type PatchDraw, type SourceImage, type PatchScratch } from './recipe.js';
export { loadSourceImage, noiseSource, deadLeavesSource, type LoadedSource } from './sources.js';
export { generatePatches, type GenerateOptions } from './generate.js';
export { readPatches, readManifest, PatchManifestSchema, type PatchManifest } from './shards.js';
export { analyzeSource, contactSheet, type SourceAnalysis } from './analyze.js';
export { resizeRegion, type Interpolation } from '@augprior/core';
export { inverseAffineMatrix, affineWindow } from './affine.js';
export { colorJitter, type JitterStrength } from '@augprior/core';
