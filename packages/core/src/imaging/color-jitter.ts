/**
 * torchvision's ColorJitter on a uint8 RGB PIL image: brightness, contrast, saturation and hue
 * factors drawn uniformly, applied in a random order, each op blending and rounding to uint8 like
 * PIL's ImageEnhance (brightness: blend with black; contrast: with the mean grey level; saturation:
 * with the greyscale image; hue: rotate H in HSV).
 */
import { z } from 'zod';
import type { Rng } from '../rng.js';

export interface JitterStrength {
  brightness: number;
  contrast: number;
  saturation: number;
  hue: number;
}

/** The paper's strength (torchvision ColorJitter(0.4, 0.4, 0.4, 0.1)), for patches and fake videos alike. */
export const PAPER_JITTER: Readonly<JitterStrength> = { brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 };

/** A recipe's jitter: applied with probability p at the given strengths (default: the paper's, p 0.5). */
export const JitterRecipeSchema = z
  .strictObject({
    p: z.number().min(0).max(1).default(0.5),
    brightness: z.number().min(0).default(PAPER_JITTER.brightness),
    contrast: z.number().min(0).default(PAPER_JITTER.contrast),
    saturation: z.number().min(0).default(PAPER_JITTER.saturation),
    hue: z.number().min(0).max(0.5).default(PAPER_JITTER.hue),
  })
  .default({ p: 0.5, ...PAPER_JITTER });

// Round half up and clip to uint8, as PIL's 8-bit image ops do.
const clip8 = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0);
// PIL's ITU-R 601-2 luma transform (L = R * 299/1000 + G * 587/1000 + B * 114/1000)
const luma = (r: number, g: number, b: number) => (r * 299 + g * 587 + b * 114) / 1000;

function blendConstant(img: Uint8Array, factor: number, other: number): void {
  for (let i = 0; i < img.length; i++) img[i] = clip8(other + factor * (img[i]! - other));
}

function blendGrey(img: Uint8Array, factor: number): void {
  for (let p = 0; p < img.length; p += 3) {
    const grey = Math.round(luma(img[p]!, img[p + 1]!, img[p + 2]!));
    for (let c = 0; c < 3; c++) img[p + c] = clip8(grey + factor * (img[p + c]! - grey));
  }
}

function adjustHue(img: Uint8Array, shift: number): void {
  for (let p = 0; p < img.length; p += 3) {
    const r = img[p]!;
    const g = img[p + 1]!;
    const b = img[p + 2]!;
    const max = r > g ? (r > b ? r : b) : g > b ? g : b;
    const min = r < g ? (r < b ? r : b) : g < b ? g : b;
    const delta = max - min;
    let h6 = 0; // hue in [0, 6)
    if (delta > 0) {
      if (max === r) h6 = (g - b) / delta;
      else if (max === g) h6 = (b - r) / delta + 2;
      else h6 = (r - g) / delta + 4;
    }
    const s = max === 0 ? 0 : delta / max;
    h6 += shift * 6;
    h6 -= 6 * Math.floor(h6 / 6);
    const i = h6 | 0;
    const f = h6 - i;
    const v = max;
    const pv = v * (1 - s);
    const q = v * (1 - f * s);
    const t = v * (1 - (1 - f) * s);
    let rr: number;
    let gg: number;
    let bb: number;
    switch (i) {
      case 0: rr = v; gg = t; bb = pv; break;
      case 1: rr = q; gg = v; bb = pv; break;
      case 2: rr = pv; gg = v; bb = t; break;
      case 3: rr = pv; gg = q; bb = v; break;
      case 4: rr = t; gg = pv; bb = v; break;
      default: rr = v; gg = pv; bb = q;
    }
    img[p] = clip8(rr);
    img[p + 1] = clip8(gg);
    img[p + 2] = clip8(bb);
  }
}

export function colorJitter(img: Uint8Array, strength: JitterStrength, rng: Rng): void {
  const factor = (s: number) => rng.range(Math.max(0, 1 - s), 1 + s);
  const order = rng.permutation(4);
  const b = factor(strength.brightness);
  const c = factor(strength.contrast);
  const s = factor(strength.saturation);
  const h = rng.range(-strength.hue, strength.hue);
  for (const op of order) {
    if (op === 0 && strength.brightness > 0) blendConstant(img, b, 0);
    if (op === 1 && strength.contrast > 0) {
      let total = 0;
      for (let p = 0; p < img.length; p += 3) total += Math.round(luma(img[p]!, img[p + 1]!, img[p + 2]!));
      blendConstant(img, c, Math.round(total / (img.length / 3)));
    }
    if (op === 2 && strength.saturation > 0) blendGrey(img, s);
    if (op === 3 && strength.hue > 0) adjustHue(img, h);
  }
}
