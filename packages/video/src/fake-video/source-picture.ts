/** The one source of a fake-video dataset as a picture: the image, or evenly spaced frames of the video. */
import { fitPicture, joinPictures, type Picture } from '@augprior/core';
import { uniformIndices } from '../sampling/clip-sampling.js';
import type { FakeVideoSource } from './recipe.js';

const IMAGE_SIDE = 512;
const FRAME_SIDE = 160;
const FRAMES_SHOWN = 6;

export function sourceMediaPicture(source: FakeVideoSource, name: string): Picture {
  const size = `${source.width}x${source.height}`;
  if (!('frames' in source)) return fitPicture(source.data, source.width, source.height, IMAGE_SIDE, `the source: ${name} (${size})`);
  const n = source.frames.length;
  const picks = uniformIndices(0, n, Math.min(FRAMES_SHOWN, n), n);
  const thumbnails = picks.map((i) => fitPicture(source.frames[i]!, source.width, source.height, FRAME_SIDE, `frame ${i}`));
  return joinPictures(thumbnails, 'row', `the source: ${name}, frames ${picks.join(', ')} of ${n} (${size})`);
}
