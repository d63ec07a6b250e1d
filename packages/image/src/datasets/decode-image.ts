/** Decodes one image file to RGB uint8 HWC with sharp (libvips; bit-identical to PIL on JPEG). */
import sharp from 'sharp';
import { AugpriorError } from '@augprior/core';

export interface DecodedImage {
  width: number;
  height: number;
  /** RGB, row-major HWC */
  data: Uint8Array;
}

export async function decodeImageRgb(path: string): Promise<DecodedImage> {
  try {
    const { data, info } = await sharp(path, { failOn: 'error' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    throw new AugpriorError('data.corrupt-image', `cannot decode image ${path}: ${(error as Error).message}`, 'the file is truncated or not an image; remove or replace it');
  }
}
