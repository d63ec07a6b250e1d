/**
 * CutMix for clips [n, T, H, W, C]: one box per batch, cut over the chosen two axes and spanning
 * the third, filled from a partner clip. The paper's code cuts time x height (a bug: its box is
 * computed on the wrong tensor axes); the default here is height x width, as CutMix is meant,
 * with `axes: 'th'` reproducing the official behaviour.
 */
import type { Rng } from '@augprior/core';

export type CutmixAxes = 'hw' | 'th' | 'tw';

export interface ClipBox {
  t0: number;
  t1: number;
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

/** A box covering 1 - lambda of the two cut axes (clipped at the borders, as in the CutMix paper). */
export function clipCutmixBox(rng: Rng, shape: readonly [number, number, number], lambda: number, axes: CutmixAxes): ClipBox {
  const [T, H, W] = shape;
  const ratio = Math.sqrt(1 - lambda);
  const span = (size: number) => {
    const cut = Math.floor(size * ratio);
    const centre = rng.int(size);
    return [Math.max(0, centre - Math.floor(cut / 2)), Math.min(size, centre + Math.floor(cut / 2))] as const;
  };
  const full = (size: number) => [0, size] as const;
  const [t0, t1] = axes === 'hw' ? full(T) : span(T);
  const [y0, y1] = axes === 'tw' ? full(H) : span(H);
  const [x0, x1] = axes === 'th' ? full(W) : span(W);
  return { t0, t1, y0, y1, x0, x1 };
}

/** In place on `clips` [n, T, H, W, C]: the box of clip i comes from clip partner[i] (read before any write). */
export function applyClipCutmix(clips: Float32Array, shape: readonly [number, number, number, number, number], box: ClipBox, partner: ArrayLike<number>): void {
  const [n, T, H, W, C] = shape;
  const perClip = T * H * W * C;
  const original = clips.slice();
  for (let i = 0; i < n; i++) {
    const j = partner[i]!;
    for (let t = box.t0; t < box.t1; t++) {
      for (let y = box.y0; y < box.y1; y++) {
        const row = ((t * H + y) * W + box.x0) * C;
        clips.set(original.subarray(j * perClip + row, j * perClip + row + (box.x1 - box.x0) * C), i * perClip + row);
      }
    }
  }
}
