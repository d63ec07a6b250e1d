import { describe, expect, it } from 'vitest';
import { sourceMediaPicture } from './source-picture.js';

const frame = (value: number, width: number, height: number) => new Uint8Array(width * height * 3).fill(value);

describe('the one source of a video dataset as a picture', () => {
  it('shows six evenly spaced frames of a video, in order, scaled to thumbnails', () => {
    const frames = Array.from({ length: 51 }, (_, i) => frame(i, 320, 240));
    const picture = sourceMediaPicture({ frames, width: 320, height: 240 }, 'ucf101/v_Biking.avi');
    expect(picture.caption).toBe('the source: ucf101/v_Biking.avi, frames 0, 10, 20, 30, 40, 50 of 51 (320x240)');
    expect([picture.width, picture.height]).toEqual([6 * 160 + 5 * 2, 120]);
    const firstPixelOf = (k: number) => picture.rgb[k * (160 + 2) * 3]!;
    expect([0, 1, 2, 3, 4, 5].map(firstPixelOf)).toEqual([0, 10, 20, 30, 40, 50]);
  });

  it('shows an image source whole (fitted) and a short video without repeats', () => {
    const image = sourceMediaPicture({ data: frame(7, 1024, 512), width: 1024, height: 512 }, 'images/city.jpg');
    expect([image.width, image.height, image.caption]).toEqual([512, 256, 'the source: images/city.jpg (1024x512)']);
    const short = sourceMediaPicture({ frames: [frame(1, 16, 16), frame(2, 16, 16)], width: 16, height: 16 }, 'two.mp4');
    expect(short.caption).toBe('the source: two.mp4, frames 0, 1 of 2 (16x16)');
  });
});
