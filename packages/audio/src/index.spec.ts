import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFeatureExtractor, dataSources, evalSets, featureExtractors, frontEndFor, modalities, selectEngine, teacherKinds } from '@augprior/core';
import { describe, expect, it } from 'vitest';
import { kwsMfccInt8Set, registerAudio } from './index.js';

describe('audio front end', () => {
  it('registers its eval sets, data source, feature front ends and teacher kind without disturbing the built-ins', () => {
    const before = evalSets.list();
    const added = registerAudio({ dataSources, evalSets, teacherKinds, featureExtractors, modalities });
    expect(added).toEqual(['kws_mfcc_int8', 'speech_commands', 'audio_clips', 'mlperf_mfcc', 'nemo_mfcc', 'logmel', 'mfcc', 'audio', 'silence_gate']);
    expect(evalSets.list()).toEqual([...before, 'kws_mfcc_int8', 'speech_commands'].sort());
    expect(dataSources.list()).toContain('audio_clips');
    expect(featureExtractors.list()).toEqual(['logmel', 'mfcc', 'mlperf_mfcc', 'nemo_mfcc']);
    expect(teacherKinds.list()).toContain('audio');
    expect(teacherKinds.list()).toContain('silence_gate');
  });

  it('dequantises int8 MFCC files and reads labels from their names; names a bad file', async () => {
    await selectEngine({ backend: 'cpu' });
    const dir = mkdtempSync(join(tmpdir(), 'augprior-kws-'));
    writeFileSync(join(dir, 'tst_000000_Stop_7.bin'), Buffer.from(Int8Array.from({ length: 490 }, (_, k) => (k % 3) - 1).buffer));
    writeFileSync(join(dir, 'tst_000001_Left_2.bin'), Buffer.alloc(490, 5));
    const set = kwsMfccInt8Set({ path: dir, scale: 0.5, zeroPoint: 1 });
    const batches = [];
    for await (const b of set.batches(8)) batches.push(b);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.x.shape).toEqual([2, 49, 10, 1]);
    // sample 0: q = -1, 0, 1 -> 0.5 * (q - 1) = -1, -0.5, 0; sample 1: 0.5 * (5 - 1) = 2
    expect(Array.from(batches[0]!.x.dataSync().slice(0, 3))).toEqual([-1, -0.5, 0]);
    expect(batches[0]!.x.dataSync()[490]).toBe(2);
    expect(Array.from(batches[0]!.y.dataSync())).toEqual([7, 2]);
    // The files are the reference MFCC: a student on mlperf_mfcc reads them as they are; a log-mel student cannot.
    const mlperf = createFeatureExtractor({ kind: 'mlperf_mfcc' });
    expect(set.inputFeatures).toBe(mlperf.description);
    expect(frontEndFor(mlperf, set, 'the student')).toBeUndefined();
    expect(() => frontEndFor(createFeatureExtractor({ kind: 'logmel' }), set, 'the student')).toThrow(/holds TF MFCC .* but the student computes log-mel/);
    writeFileSync(join(dir, 'tst_000002_Up_8.bin'), Buffer.alloc(100));
    const broken = kwsMfccInt8Set({ path: dir, scale: 0.5, zeroPoint: 1 });
    await expect(async () => {
      for await (const b of broken.batches(8)) void b;
    }).rejects.toThrow(/tst_000002_Up_8\.bin has 100 bytes, expected 490/);
  });
});
