/** Hand-built WAV files for the tests: every header field is explicit so malformed ones are easy to make. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Chunk {
  id: string;
  body: Uint8Array;
  /** Size written in the chunk header when it must differ from body.length (truncation). */
  declaredSize?: number;
}

export interface FmtSpec {
  tag?: number;
  channels: number;
  sampleRate: number;
  bits: number;
  blockAlign?: number;
  /** Makes a 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk wrapping this tag. */
  extensibleSubTag?: number;
  validBits?: number;
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

export function fmtChunk(spec: FmtSpec): Chunk {
  const extensible = spec.extensibleSubTag !== undefined;
  const body = new Uint8Array(extensible ? 40 : 16);
  const view = new DataView(body.buffer);
  const blockAlign = spec.blockAlign ?? spec.channels * (spec.bits / 8);
  view.setUint16(0, extensible ? 0xfffe : (spec.tag ?? 1), true);
  view.setUint16(2, spec.channels, true);
  view.setUint32(4, spec.sampleRate, true);
  view.setUint32(8, spec.sampleRate * blockAlign, true);
  view.setUint16(12, blockAlign, true);
  view.setUint16(14, spec.bits, true);
  if (extensible) {
    view.setUint16(16, 22, true);
    view.setUint16(18, spec.validBits ?? spec.bits, true);
    view.setUint32(20, spec.channels === 2 ? 0x3 : 0x4, true);
    view.setUint16(24, spec.extensibleSubTag!, true);
    body.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  return { id: 'fmt ', body };
}

/** RIFF/WAVE container around the given chunks, with pad bytes after odd-sized ones. */
export function riff(chunks: Chunk[]): Uint8Array {
  const parts: number[] = [...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WAVE')];
  for (const chunk of chunks) {
    const size = chunk.declaredSize ?? chunk.body.length;
    parts.push(...ascii(chunk.id), size & 255, (size >>> 8) & 255, (size >>> 16) & 255, (size >>> 24) & 255, ...chunk.body);
    if (chunk.body.length & 1 && chunk.declaredSize === undefined) parts.push(0);
  }
  const out = Uint8Array.from(parts);
  new DataView(out.buffer).setUint32(4, out.length - 8, true);
  return out;
}

/** Integer PCM samples, little-endian; 8-bit is unsigned with 128 as zero, as WAV stores it. */
export function encodeInts(bits: number, values: number[]): Uint8Array {
  const bytes = bits / 8;
  const out = new Uint8Array(values.length * bytes);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (bits === 8) view.setUint8(i, v + 128);
    else if (bits === 16) view.setInt16(i * 2, v, true);
    else if (bits === 32) view.setInt32(i * 4, v, true);
    else for (let b = 0; b < bytes; b++) out[i * bytes + b] = (v >> (8 * b)) & 255;
  });
  return out;
}

export function encodeFloats(bits: 32 | 64, values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * (bits / 8));
  const view = new DataView(out.buffer);
  values.forEach((v, i) => (bits === 32 ? view.setFloat32(i * 4, v, true) : view.setFloat64(i * 8, v, true)));
  return out;
}

/** A simple valid WAV: integer PCM (or float for tag 3), channels interleaved from `frames`. */
export function pcmWav(spec: FmtSpec, channels: number[][]): Uint8Array {
  const interleaved = channels[0]!.flatMap((_, i) => channels.map((c) => c[i]!));
  const isFloat = (spec.extensibleSubTag ?? spec.tag ?? 1) === 3;
  const data = isFloat ? encodeFloats(spec.bits as 32 | 64, interleaved) : encodeInts(spec.bits, interleaved);
  return riff([fmtChunk(spec), { id: 'data', body: data }]);
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'augprior-wav-'));
}

export function writeTemp(dir: string, name: string, bytes: Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** A sine of `amplitude` at `frequency` Hz, `seconds` long. */
export function sine(sampleRate: number, frequency: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from({ length: Math.round(sampleRate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate));
}
