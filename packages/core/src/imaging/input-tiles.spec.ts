import { describe, expect, it } from 'vitest';
import { clipTiles, imageTiles, spectrogramTiles, type Tile } from './input-tiles.js';

const pixel = (t: Tile, x: number, y: number) => Array.from(t.rgb.subarray((y * t.width + x) * 3, (y * t.width + x) * 3 + 3));

describe('input drawers (each data source names the one for its layout)', () => {
  it('draws images [n, h, w, c] in [0, 1]; grey inputs fill all three channels', () => {
    // two 1x2 RGB images: red|green, then blue|white
    const rgb = imageTiles(Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]), [2, 1, 2, 3]);
    expect(rgb.map((t) => [t.width, t.height])).toEqual([[2, 1], [2, 1]]);
    expect([pixel(rgb[0]!, 0, 0), pixel(rgb[0]!, 1, 0), pixel(rgb[1]!, 0, 0), pixel(rgb[1]!, 1, 0)]).toEqual([[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]]);
    const grey = imageTiles(Float32Array.from([0.5, 2]), [1, 1, 2, 1]);
    expect([pixel(grey[0]!, 0, 0), pixel(grey[0]!, 1, 0)]).toEqual([[128, 128, 128], [255, 255, 255]]);
  });

  it('draws feature maps [n, frames, bins, 1] with time to the right, low bins at the bottom, scaled over the batch', () => {
    // one clip, 2 frames x 3 bins; values 0..5 laid out frame-major
    const [tile] = spectrogramTiles(Float32Array.from([0, 1, 2, 3, 4, 5]), [1, 2, 3, 1]);
    expect([tile!.width, tile!.height]).toEqual([2, 3]);
    expect(pixel(tile!, 0, 2)).toEqual([0, 0, 0]); // frame 0, bin 0: the batch minimum, bottom left
    expect(pixel(tile!, 1, 0)).toEqual([255, 255, 255]); // frame 1, bin 2: the batch maximum, top right
    expect(pixel(tile!, 0, 0)[0]).toBe(Math.round((2 / 5) * 255));
    // the second clip of a batch shares the first one's scale
    const pair = spectrogramTiles(Float32Array.from([0, 0, 0, 0, 0, 0, 10, 10, 10, 10, 10, 10]), [2, 2, 3, 1]);
    expect([pixel(pair[0]!, 0, 0)[0], pixel(pair[1]!, 0, 0)[0]]).toEqual([0, 255]);
  });

  it('draws clips [n, T, h, w, c] as first, middle and last frame side by side with white between', () => {
    const T = 5;
    const values = new Float32Array(T * 1 * 1 * 3);
    for (let t = 0; t < T; t++) values.fill(t / (T - 1), t * 3, t * 3 + 3);
    const [tile] = clipTiles(values, [1, T, 1, 1, 3]);
    expect([tile!.width, tile!.height]).toEqual([5, 1]);
    expect([0, 1, 2, 3, 4].map((x) => pixel(tile!, x, 0)[0])).toEqual([0, 255, 128, 255, 255]);
  });
});
