import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClassificationAccumulator } from './classification-metrics.js';
import { readRunResult, summarizeEvaluation, validateRunResult } from './result-schema.js';

function evaluation() {
  const acc = new ClassificationAccumulator(3, [1]);
  acc.add([2, 0, 0, 0, 2, 0, 0, 2, 0, 0, 0, 2], [0, 1, 2, 2]);
  return { ...acc.report(), intervals: acc.intervals({ resamples: 200 }), seconds: 1, samplesPerSecond: 4 };
}

const valid = () => ({
  format: 'augprior-result/1',
  kind: 'train',
  name: 'r',
  modality: 'audio',
  mode: 'distill',
  source: 'one recording',
  teacher: null,
  student: { arch: 'dscnn', parameters: 10, numClasses: 3 },
  engine: { name: 'torch', backend: 'torch', device: 'cpu' },
  samplesSeen: 128,
  steps: 1,
  wallSeconds: 2,
  eval: summarizeEvaluation(evaluation(), 'three classes', ['a', 'b', 'c']),
  configHash: 'abc',
  gitCommit: null,
  startedAt: '2026-11-28T00:00:00.000Z',
  finishedAt: '2026-11-28T00:00:02.000Z',
  augprior: '0.1.0',
});

describe('result.json schema', () => {
  it('stores figures with their intervals and per-class accuracy with null for empty classes', () => {
    const summary = summarizeEvaluation(evaluation(), 'three classes');
    expect(summary.metrics['top1']!.value).toBe(0.75);
    expect(summary.metrics['top1']!.low).toBeLessThanOrEqual(0.75);
    expect(summary.metrics['top1']!.high).toBe(1);
    expect(summary.metrics['ece']).toEqual({ value: expect.any(Number) });
    const empty = summarizeEvaluation({ ...evaluation(), perClassAccuracy: [1, Number.NaN, 0.5] }, 'x');
    expect(empty.perClassAccuracy).toEqual([1, null, 0.5]);
    expect(validateRunResult(valid(), 'r').extra).toEqual({});
  });

  it('rejects malformed results naming the field', () => {
    const noModality: Record<string, unknown> = valid();
    delete noModality['modality'];
    expect(() => validateRunResult(noModality, 'runs/x/result.json')).toThrow(/runs\/x\/result\.json: modality/);
    expect(() => validateRunResult({ ...valid(), modality: 'Audio clips' }, 'r')).toThrow(/modality: a registered modality name/);
    // A modality a later front end registers is a valid record too.
    expect(validateRunResult({ ...valid(), modality: 'point_cloud' }, 'r').modality).toBe('point_cloud');
    expect(() => validateRunResult({ ...valid(), samplesSeen: -1 }, 'r')).toThrow(/samplesSeen/);
    const badMetric = valid();
    (badMetric.eval.metrics as Record<string, unknown>)['top1'] = { value: 'high' };
    expect(() => validateRunResult(badMetric, 'r')).toThrow(/eval\.metrics\.top1\.value/);
    expect(() => validateRunResult({ ...valid(), format: 'augprior-result/0' }, 'r')).toThrow(/format/);
  });

  it('names an unreadable file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'augprior-result-'));
    writeFileSync(join(dir, 'result.json'), '{"format": ');
    expect(() => readRunResult(join(dir, 'result.json'))).toThrow(/result\.json: .*JSON/);
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(valid()));
    expect(readRunResult(join(dir, 'ok.json')).name).toBe('r');
  });
});
