import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTorchCheckpoint } from './pytorch-checkpoint.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as { tensors: Record<string, { shape: number[]; values: number[] }> };
const SHARED = resolve(import.meta.dirname, '../../../../shared/data/teachers/cifar10-resnet-pytorch');

function checkAgainstExpected(stateDict: Map<string, { shape: number[]; data: ArrayLike<number> }>) {
  expect([...stateDict.keys()].sort()).toEqual(Object.keys(expected.tensors).sort());
  for (const [name, want] of Object.entries(expected.tensors)) {
    const got = stateDict.get(name)!;
    expect(got.shape, name).toEqual(want.shape);
    // float64/float16/int64 become float32/int32: compare at float32 precision
    Array.from(got.data).forEach((v, i) => expect(v, `${name}[${i}]`).toBeCloseTo(want.values[i]!, 4));
  }
}

describe('readTorchCheckpoint on files written by torch.save (fixtures from tools/fixtures/make_torch_fixtures.py)', () => {
  it('reads the zip format: dtypes, non-contiguous views, shared storages', () => {
    const ck = readTorchCheckpoint(readFileSync(join(FIXTURES, 'tiny-zip.ckpt')), 'tiny-zip.ckpt');
    expect(ck.format).toBe('zip');
    checkAgainstExpected(ck.stateDict);
    // int64 fits int32 unless it cannot: 2^40 forces float32 (exact for a power of two)
    expect(ck.stateDict.get('long')!.dtype).toBe('float32');
  });
  it('reads the legacy pickle format identically', () => {
    const ck = readTorchCheckpoint(readFileSync(join(FIXTURES, 'tiny-legacy.ckpt')), 'tiny-legacy.ckpt');
    expect(ck.format).toBe('legacy');
    checkAgainstExpected(ck.stateDict);
  });
  it('finds a state dict nested under "state_dict", strips "module." and keeps the scalars', () => {
    const ck = readTorchCheckpoint(readFileSync(join(FIXTURES, 'tiny-nested-zip.ckpt')), 'nested');
    checkAgainstExpected(ck.stateDict);
    expect(ck.extras).toEqual({ epoch: 7, best_prec1: 12.5 });
  });
  it('names the file and the problem for truncated, corrupt and foreign files', () => {
    const zip = readFileSync(join(FIXTURES, 'tiny-zip.ckpt'));
    const legacy = readFileSync(join(FIXTURES, 'tiny-legacy.ckpt'));
    expect(() => readTorchCheckpoint(zip.subarray(0, zip.length - 30), 'cut.pt')).toThrow(/cut\.pt cannot be read as a PyTorch checkpoint: .*(end-of-central-directory|truncated)/);
    expect(() => readTorchCheckpoint(legacy.subarray(0, legacy.length - 50), 'cut-legacy.th')).toThrow(/cut-legacy\.th is truncated: storage/);
    expect(() => readTorchCheckpoint(Buffer.from('just some text, not a checkpoint'), 'notes.txt')).toThrow(/notes\.txt is neither a torch\.save zip archive nor a legacy pickle checkpoint/);
    const garbled = Buffer.from(legacy);
    garbled.fill(0x5a, 40, 60);
    expect(() => readTorchCheckpoint(garbled, 'garbled.th')).toThrow(/garbled\.th cannot be read|garbled\.th is not a PyTorch/);
  });
  it('refuses pickles that call anything outside the allow-list', () => {
    // protocol 2: GLOBAL os.system, then a REDUCE that would call it
    const evil = Buffer.concat([Buffer.from([0x80, 0x02]), Buffer.from('cos\nsystem\n'), Buffer.from([0x58, 2, 0, 0, 0]), Buffer.from('ls'), Buffer.from([0x85, 0x52, 0x2e])]);
    expect(() => readTorchCheckpoint(evil, 'evil.pt')).toThrow(/refusing to load global os\.system/);
  });
});

describe.runIf(existsSync(SHARED))('the akamaster CIFAR-10 checkpoints in ../shared/data', () => {
  it.each([
    ['resnet20-12fca82f.th', 97, 91.78],
    ['resnet56-4bfd9763.th', 277, 93.62],
  ])('%s: legacy format, %i tensors, best_prec1 %f', (file, count, best) => {
    const ck = readTorchCheckpoint(readFileSync(join(SHARED, file)), file);
    expect(ck.format).toBe('legacy');
    expect(ck.stateDict.size).toBe(count);
    expect(ck.extras['best_prec1']).toBeCloseTo(best, 2);
    expect(ck.stateDict.get('conv1.weight')!.shape).toEqual([16, 3, 3, 3]);
  });
});
// A skip, counted as skipped with its reason, never as a pass.
if (!existsSync(SHARED)) it.skip(`the akamaster CIFAR-10 checkpoints skipped: ${SHARED} is absent on this machine (CI provides ../shared)`, () => {});
