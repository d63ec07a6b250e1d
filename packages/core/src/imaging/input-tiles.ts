/**
 * How a batch of model inputs looks to a person: each data source (and each labelled set that can
 * serve as training data) names one of these drawers for its own layout, so whoever writes a
 * run's contact sheet never has to know what an axis means. Values arrive as the student sees
 * them, after the run's feature extractor.
 */
import type { Picture } from './picture.js';

/** One input as RGB bytes, row-major. */
export type Tile = Omit<Picture, 'caption'>;

/** Draws a batch of inputs (`values` laid out as `shape`, batch axis first) as one tile each. */
export type InputDrawer = (values: Float32Array, shape: readonly number[]) => Tile[];

function toByte(v: number, low: number, high: number): number {
  return Math.max(0, Math.min(255, Math.round(((v - low) / Math.max(high - low, 1e-12)) * 255)));
}

/** Images [n, h, w, c] in [0, 1] (c = 1 or 3). */
export const imageTiles: InputDrawer = (values, [n, h, w, c]) =>
  Array.from({ length: n! }, (_, i) => {
    const rgb = new Uint8Array(h! * w! * 3);
    for (let p = 0; p < h! * w!; p++) for (let k = 0; k < 3; k++) rgb[p * 3 + k] = toByte(values[(i * h! * w! + p) * c! + (c === 3 ? k : 0)]!, 0, 1);
    return { width: w!, height: h!, rgb };
  });

/**
 * Feature maps [n, frames, bins, 1] as grey tiles bins high and frames wide (low frequencies at the
 * bottom, time to the right), scaled over the whole batch so loud and quiet clips stay comparable.
 */
export const spectrogramTiles: InputDrawer = (values, [n, frames, bins]) => {
  let low = Infinity;
  let high = -Infinity;
  for (const v of values) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  return Array.from({ length: n! }, (_, i) => {
    const rgb = new Uint8Array(frames! * bins! * 3);
    for (let t = 0; t < frames!; t++) {
      for (let b = 0; b < bins!; b++) {
        const byte = toByte(values[(i * frames! + t) * bins! + b]!, low, high);
        const at = ((bins! - 1 - b) * frames! + t) * 3;
        rgb[at] = rgb[at + 1] = rgb[at + 2] = byte;
      }
    }
    return { width: frames!, height: bins!, rgb };
  });
};

/** Clips [n, T, h, w, c] in [0, 1] as frames 0, T/2 and T-1 side by side (motion shows as change). */
export const clipTiles: InputDrawer = (values, [n, T, h, w, c]) => {
  const picks = [0, Math.floor(T! / 2), T! - 1];
  const gap = 1;
  const width = picks.length * w! + (picks.length - 1) * gap;
  return Array.from({ length: n! }, (_, i) => {
    const rgb = new Uint8Array(h! * width * 3).fill(255);
    picks.forEach((t, k) => {
      for (let y = 0; y < h!; y++) {
        for (let x = 0; x < w!; x++) {
          for (let ch = 0; ch < 3; ch++) rgb[(y * width + k * (w! + gap) + x) * 3 + ch] = toByte(values[(((i * T! + t) * h! + y) * w! + x) * c! + (c === 3 ? ch : 0)]!, 0, 1);
        }
      }
    });
    return { width, height: h!, rgb };
  });
};
