import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { selectEngine, tf } from '@augprior/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { importTeacher } from './import-teacher.js';
import { loadTeacherDir } from './teacher-dir.js';

const ONNX = resolve(import.meta.dirname, '../../../../shared/data/teachers/kws-matchboxnet-onnx/matchboxnet_3x1x64_sc30plus3.onnx');
const input = { size: [64, 128] as [number, number], channels: 1, scale: 1, channelOrder: 'RGB' as const };

describe.runIf(existsSync(ONNX))('ONNX teacher (NeMo MatchboxNet from ../shared/data, via onnxruntime-node)', () => {
  beforeAll(() => selectEngine({ backend: 'cpu' }));

  it('imports, then answers batches asynchronously with one row of 33 logits per sample', async () => {
    const out = mkdtempSync(join(tmpdir(), 'augprior-onnx-'));
    const spec = await importTeacher({ file: ONNX, out, numClasses: 33, input, onnxLayout: 'as-is' });
    expect(spec.model).toEqual({ kind: 'onnx', path: 'model.onnx', layout: 'as-is', providers: ['cpu'] });
    expect(spec.source.extras).toEqual({ input: 'audio_signal', output: 'logits' });
    const teacher = await loadTeacherDir(out);
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([5, 64, 128], 0, 1, 'float32', 3);
    const logits = await teacher.predict(x);
    expect(logits.shape).toEqual([5, 33]);
    // Batching changes nothing: the first two samples alone give the same logits.
    const pair = await teacher.predict(tf.slice(x, [0, 0, 0], [2, 64, 128]));
    const all = await logits.data();
    Array.from(await pair.data()).forEach((v, i) => expect(v).toBeCloseTo(all[i]!, 4));
    tf.dispose([x, logits, pair]);
    expect(tf.memory().numTensors).toBe(before + 1); // the slice's own tensor only
    expect(teacher.predictSync).toBeUndefined(); // ONNX Runtime gives no tfjs (differentiable) path
    teacher.dispose();
  });

  it('names a truncated ONNX file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'augprior-onnx-'));
    const bytes = readFileSync(ONNX);
    writeFileSync(join(dir, 'cut.onnx'), bytes.subarray(0, bytes.length / 3));
    await expect(importTeacher({ file: join(dir, 'cut.onnx'), out: join(dir, 'out'), numClasses: 33, input, onnxLayout: 'as-is' })).rejects.toThrow(/cut\.onnx cannot be loaded by ONNX Runtime/);
    expect(existsSync(join(dir, 'out', 'teacher.json'))).toBe(false);
  });
});

// A skip, counted as skipped with its reason, never as a pass.
if (!existsSync(ONNX)) it.skip(`ONNX teacher skipped: ${ONNX} is absent on this machine (CI provides ../shared)`, () => {});
