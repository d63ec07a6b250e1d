import { describe, expect, it } from 'vitest';
import { fitPicture, joinPictures } from './picture.js';

const solid = (width: number, height: number, rgb: [number, number, number]) => {
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set(rgb, p * 3);
  return data;
};

describe('pictures for contact sheets', () => {
  it('fits a large picture into maxSide, keeping aspect and colour, and never scales up', () => {
    const big = fitPicture(solid(1200, 300, [200, 40, 10]), 1200, 300, 400, 'wide');
    expect([big.width, big.height]).toEqual([400, 100]);
    expect(Array.from(big.rgb.subarray(0, 3))).toEqual([200, 40, 10]);
    expect(Array.from(big.rgb.subarray(big.rgb.length - 3))).toEqual([200, 40, 10]);
    const small = fitPicture(solid(30, 20, [1, 2, 3]), 30, 20, 400, 'small');
    expect([small.width, small.height, small.rgb.length]).toEqual([30, 20, 30 * 20 * 3]);
  });

  it('lays pictures side by side or stacked with white between and below shorter ones', () => {
    const a = { caption: 'a', width: 2, height: 2, rgb: solid(2, 2, [0, 0, 0]) };
    const b = { caption: 'b', width: 3, height: 1, rgb: solid(3, 1, [9, 9, 9]) };
    const row = joinPictures([a, b], 'row', 'ab', 1);
    expect([row.width, row.height, row.caption]).toEqual([6, 2, 'ab']);
    const pixel = (p: typeof row, x: number, y: number) => Array.from(p.rgb.subarray((y * p.width + x) * 3, (y * p.width + x) * 3 + 3));
    expect([pixel(row, 0, 1), pixel(row, 2, 0), pixel(row, 3, 0), pixel(row, 3, 1)]).toEqual([[0, 0, 0], [255, 255, 255], [9, 9, 9], [255, 255, 255]]);
    const column = joinPictures([a, b], 'column', 'ab', 1);
    expect([column.width, column.height]).toEqual([3, 4]);
    expect([pixel(column, 2, 0), pixel(column, 1, 2), pixel(column, 2, 3)]).toEqual([[255, 255, 255], [255, 255, 255], [9, 9, 9]]);
  });
});
