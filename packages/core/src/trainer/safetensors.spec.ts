import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from './safetensors.js';

const tensors = new Map<string, SafeTensor>([
  ['model/a', { dtype: 'F32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6.5]) }],
  ['model/b', { dtype: 'I32', shape: [1], data: new Int32Array([-7]) }],
]);

describe('safetensors', () => {
  it('round-trips tensors and metadata bit for bit with an 8-byte aligned header', () => {
    const bytes = encodeSafetensors(tensors, { step: '12' });
    expect(Number(bytes.readBigUInt64LE(0)) % 8).toBe(0);
    const back = decodeSafetensors(bytes, 'mem');
    expect(back.metadata).toEqual({ step: '12' });
    expect(Array.from(back.tensors.get('model/a')!.data)).toEqual([1, 2, 3, 4, 5, 6.5]);
    expect(back.tensors.get('model/b')).toMatchObject({ dtype: 'I32', shape: [1] });
  });
  it('names the file and the problem for truncated or garbage input', () => {
    const bytes = encodeSafetensors(tensors, {});
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4), 'ckpt.safetensors')).toThrow(/ckpt\.safetensors is not a valid safetensors file: tensor model\/b .*truncated/);
    expect(() => decodeSafetensors(Buffer.from('hello world, not a checkpoint'), 'x')).toThrow(/header length/);
    expect(() => decodeSafetensors(Buffer.alloc(3), 'x')).toThrow(/only 3 bytes/);
  });
  it('writes atomically: the target is whole before and after, never a temp name left over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'augprior-atomic-'));
    const path = join(dir, 'f.json');
    writeFileSync(path, 'old');
    writeFileAtomic(path, 'new content');
    expect(readFileSync(path, 'utf8')).toBe('new content');
    expect(readFileSync(path).length).toBe(11);
  });
});
