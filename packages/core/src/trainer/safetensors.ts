/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a JSON
 * header {name: {dtype, shape, data_offsets}, __metadata__: {string: string}}, then raw
 * little-endian data. Chosen for checkpoints because it is a plain, documented layout that
 * Python's `safetensors.numpy.load_file` reads as is, and cannot execute code like a pickle.
 */
import { AugpriorError } from '../errors.js';

export type SafeDtype = 'F32' | 'I32';

export interface SafeTensor {
  dtype: SafeDtype;
  shape: number[];
  data: Float32Array | Int32Array;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export function encodeSafetensors(tensors: Map<string, SafeTensor>, metadata: Record<string, string>): Buffer {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const names = [...tensors.keys()];
  for (const name of names) {
    const t = tensors.get(name)!;
    const expected = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== expected) throw new Error(`tensor ${name}: ${t.data.length} values for shape [${t.shape}]`);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad so the data starts 8-byte aligned, as the reference implementation does.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let position = 8 + headerBytes.length;
  for (const name of names) {
    const { data } = tensors.get(name)!;
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, position);
    position += data.byteLength;
  }
  return out;
}

export interface DecodedSafetensors {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

export function decodeSafetensors(bytes: Buffer, source: string): DecodedSafetensors {
  const corrupt = (why: string) => new AugpriorError('checkpoint.corrupt', `${source} is not a valid safetensors file: ${why}`);
  if (bytes.length < 8) throw corrupt(`only ${bytes.length} bytes`);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  if (headerLength <= 0 || 8 + headerLength > bytes.length) throw corrupt(`header length ${headerLength} exceeds the file (${bytes.length} bytes)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw corrupt('header is not JSON');
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata = (header['__metadata__'] ?? {}) as Record<string, string>;
  const tensors = new Map<string, SafeTensor>();
  let covered = 0;
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const entry = value as HeaderEntry;
    const [begin, end] = entry.data_offsets ?? [];
    if (begin === undefined || end === undefined || begin < 0 || end > dataLength || end < begin) throw corrupt(`tensor ${name} has offsets [${begin}, ${end}] outside ${dataLength} data bytes (truncated?)`);
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (entry.dtype !== 'F32' && entry.dtype !== 'I32') throw corrupt(`tensor ${name} has unsupported dtype ${entry.dtype}`);
    if (end - begin !== count * 4) throw corrupt(`tensor ${name}: ${end - begin} bytes for shape [${entry.shape}]`);
    // Copy out: the slice may not be 4-byte aligned inside the file buffer.
    const raw = new Uint8Array(bytes.buffer.slice(bytes.byteOffset + dataStart + begin, bytes.byteOffset + dataStart + end));
    const data = entry.dtype === 'F32' ? new Float32Array(raw.buffer) : new Int32Array(raw.buffer);
    tensors.set(name, { dtype: entry.dtype, shape: entry.shape, data });
    covered += end - begin;
  }
  if (covered !== dataLength) throw corrupt(`${dataLength - covered} data bytes are not covered by any tensor`);
  return { tensors, metadata };
}
