/** Test-only WAV reader: mono 16-bit PCM to float32 x / 32768, as Python's wave module + numpy reads it. */
import { readFileSync } from 'node:fs';

export function readPcm16(path: string): { samples: Float32Array; sampleRate: number; bytes: Buffer } {
  const bytes = readFileSync(path);
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${path}: not a RIFF WAVE file`);
  let sampleRate = 0;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      const format = bytes.readUInt16LE(body);
      const channels = bytes.readUInt16LE(body + 2);
      const bits = bytes.readUInt16LE(body + 14);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new Error(`${path}: expected mono 16-bit PCM`);
      sampleRate = bytes.readUInt32LE(body + 4);
    } else if (id === 'data') {
      const count = Math.floor(Math.min(size, bytes.length - body) / 2);
      const samples = new Float32Array(count);
      for (let i = 0; i < count; i++) samples[i] = bytes.readInt16LE(body + 2 * i) / 32768;
      return { samples, sampleRate, bytes };
    }
    at = body + size + (size & 1);
  }
  throw new Error(`${path}: no data chunk`);
}
