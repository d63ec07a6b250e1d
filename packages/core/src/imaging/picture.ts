/**
 * Small RGB pictures for people to look at (a run's source beside its training inputs): fitting a
 * large source into a thumbnail and laying frames side by side. Not on any training path.
 */
import { resizeRegion } from './resample.js';

/** RGB bytes, row-major, with what the picture shows. */
export interface Picture {
  caption: string;
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** Scales down (never up, aspect kept, antialiased bicubic) so the longer side is at most `maxSide`. */
export function fitPicture(rgb: Uint8Array, width: number, height: number, maxSide: number, caption: string): Picture {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  if (scale === 1) return { caption, width, height, rgb: rgb.slice(0, width * height * 3) };
  const outW = Math.max(1, Math.round(width * scale));
  const outH = Math.max(1, Math.round(height * scale));
  const out = new Uint8Array(outW * outH * 3);
  resizeRegion(rgb, width, height, { x: 0, y: 0, w: width, h: height }, out, outW, outH, 'bicubic', new Uint8Array(height * outW * 3));
  return { caption, width: outW, height: outH, rgb: out };
}

/** Pictures side by side (`direction` row) or stacked (column), white between and around shorter ones. */
export function joinPictures(pictures: readonly Picture[], direction: 'row' | 'column', caption: string, gap = 2): Picture {
  if (pictures.length === 0) throw new Error('joinPictures needs at least one picture');
  const along = (p: Picture) => (direction === 'row' ? p.width : p.height);
  const across = (p: Picture) => (direction === 'row' ? p.height : p.width);
  const length = pictures.reduce((sum, p) => sum + along(p), 0) + gap * (pictures.length - 1);
  const breadth = Math.max(...pictures.map(across));
  const width = direction === 'row' ? length : breadth;
  const height = direction === 'row' ? breadth : length;
  const rgb = new Uint8Array(width * height * 3).fill(255);
  let offset = 0;
  for (const p of pictures) {
    const [ox, oy] = direction === 'row' ? [offset, 0] : [0, offset];
    for (let y = 0; y < p.height; y++) rgb.set(p.rgb.subarray(y * p.width * 3, (y + 1) * p.width * 3), ((oy + y) * width + ox) * 3);
    offset += along(p) + gap;
  }
  return { caption, width, height, rgb };
}
