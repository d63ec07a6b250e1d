/**
 * torchvision's RandomAffine on a PIL image: the inverse affine matrix of
 * `_get_inverse_affine_matrix` (rotation, then shear, about the image centre) applied with PIL's
 * bilinear `Image.transform` (sample at pixel centres, fill 0 outside). Only the window that the
 * following CenterCrop keeps is computed.
 */
export interface AffineParams {
  /** degrees, positive = clockwise as in torchvision */
  angle: number;
  /** degrees along x, then along y */
  shearX: number;
  shearY: number;
}

/** torchvision.transforms.functional._get_inverse_affine_matrix with scale 1 and no translation. */
export function inverseAffineMatrix(centerX: number, centerY: number, p: AffineParams): [number, number, number, number, number, number] {
  const rot = (p.angle * Math.PI) / 180;
  const sx = (p.shearX * Math.PI) / 180;
  const sy = (p.shearY * Math.PI) / 180;
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m: [number, number, number, number, number, number] = [d, -b, 0, -c, a, 0];
  m[2] += m[0] * -centerX + m[1] * -centerY;
  m[5] += m[3] * -centerX + m[4] * -centerY;
  m[2] += centerX;
  m[5] += centerY;
  return m;
}

/**
 * Writes the (crop x crop) window starting at (offset, offset) of the affine-transformed `src`
 * (size x size, RGB) into `out`.
 */
export function affineWindow(src: Uint8Array, size: number, matrix: readonly number[], offset: number, crop: number, out: Uint8Array): void {
  const [a, b, c, d, e, f] = matrix as [number, number, number, number, number, number];
  for (let y = 0; y < crop; y++) {
    for (let x = 0; x < crop; x++) {
      const ox = x + offset + 0.5;
      const oy = y + offset + 0.5;
      // PIL samples the input at (a*x + b*y + c, d*x + e*y + f) with pixel centres at +0.5.
      // PIL: a sample point outside the input is the fill colour (0); inside, the four
      // neighbours are clamped to the border (Geometry.c BILINEAR_HEAD / XCLIP / YCLIP).
      const sx = a * ox + b * oy + c;
      const sy = d * ox + e * oy + f;
      const dst = (y * crop + x) * 3;
      if (sx < 0 || sy < 0 || sx >= size || sy >= size) {
        out[dst] = out[dst + 1] = out[dst + 2] = 0;
        continue;
      }
      const ix = sx - 0.5;
      const iy = sy - 0.5;
      const x0 = Math.floor(ix);
      const y0 = Math.floor(iy);
      const fx = ix - x0;
      const fy = iy - y0;
      const cx0 = x0 < 0 ? 0 : x0;
      const cx1 = x0 + 1 >= size ? size - 1 : x0 + 1;
      const cy0 = y0 < 0 ? 0 : y0;
      const cy1 = y0 + 1 >= size ? size - 1 : y0 + 1;
      const r0 = cy0 * size * 3;
      const r1 = cy1 * size * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = src[r0 + cx0 * 3 + ch]! + (src[r0 + cx1 * 3 + ch]! - src[r0 + cx0 * 3 + ch]!) * fx;
        const bottom = src[r1 + cx0 * 3 + ch]! + (src[r1 + cx1 * 3 + ch]! - src[r1 + cx0 * 3 + ch]!) * fx;
        const v = top + (bottom - top) * fy;
        out[dst + ch] = v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
      }
    }
  }
}
