/**
 * Reads the entries of a zip archive (what `torch.save` writes since PyTorch 1.6): central
 * directory, stored or deflated entries, zip64 sizes. Entries are returned as views of the input.
 */
import { inflateRawSync } from 'node:zlib';

export class ZipError extends Error {}

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export function readZip(bytes: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('no end-of-central-directory record (truncated zip?)');
  let entries = view.getUint16(eocd + 10, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  if (cdOffset === 0xffffffff || entries === 0xffff) {
    // zip64: the locator sits right before the EOCD record
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== 0x07064b50) throw new ZipError('zip64 locator missing');
    const zip64 = Number(view.getBigUint64(locator + 8, true));
    entries = Number(view.getBigUint64(zip64 + 32, true));
    cdOffset = Number(view.getBigUint64(zip64 + 48, true));
  }
  const out = new Map<string, Uint8Array>();
  const decoder = new TextDecoder();
  let p = cdOffset;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) throw new ZipError(`bad central directory entry ${n}`);
    const method = view.getUint16(p + 10, true);
    let compressed = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    let local = view.getUint32(p + 42, true);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLength));
    // zip64 extra field: 64-bit sizes/offset for the fields that read 0xffffffff
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) (size = Number(view.getBigUint64(q, true))), (q += 8);
        if (compressed === 0xffffffff) (compressed = Number(view.getBigUint64(q, true))), (q += 8);
        if (local === 0xffffffff) local = Number(view.getBigUint64(q, true));
      }
      e += 4 + len;
    }
    if (view.getUint32(local, true) !== 0x04034b50) throw new ZipError(`bad local header for ${name}`);
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (dataStart + compressed > bytes.length) throw new ZipError(`entry ${name} runs past the end of the file (truncated?)`);
    const raw = bytes.subarray(dataStart, dataStart + compressed);
    if (method === 0) out.set(name, raw);
    else if (method === 8) out.set(name, new Uint8Array(inflateRawSync(raw)));
    else throw new ZipError(`entry ${name} uses unsupported compression method ${method}`);
    if (out.get(name)!.length !== size) throw new ZipError(`entry ${name}: ${out.get(name)!.length} bytes, header says ${size}`);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}
