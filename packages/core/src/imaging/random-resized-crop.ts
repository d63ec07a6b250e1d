/** The crop box of torchvision's RandomResizedCrop (used by the patch recipe, the 224-px pipeline and fake videos). */
import type { Rng } from '../rng.js';

export interface CropBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** torchvision RandomResizedCrop.get_params on a (w x h) image. */
export function randomResizedBox(rng: Rng, w: number, h: number, scale: readonly [number, number], ratio: readonly [number, number] = [3 / 4, 4 / 3]): CropBox {
  const area = w * h;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])] as const;
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.range(scale[0], scale[1]);
    const aspect = Math.exp(rng.range(logRatio[0], logRatio[1]));
    const cw = Math.round(Math.sqrt(target * aspect));
    const ch = Math.round(Math.sqrt(target / aspect));
    if (cw > 0 && ch > 0 && cw <= w && ch <= h) return { x: rng.int(w - cw + 1), y: rng.int(h - ch + 1), w: cw, h: ch };
  }
  // torchvision's fallback: a centre crop with the ratio clamped into range
  const inRatio = w / h;
  let cw = w;
  let ch = h;
  if (inRatio < ratio[0]) ch = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) cw = Math.round(h * ratio[1]);
  return { x: Math.floor((w - cw) / 2), y: Math.floor((h - ch) / 2), w: cw, h: ch };
}

