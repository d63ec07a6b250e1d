import { beforeAll, describe, expect, it } from 'vitest';
import { Registry, Rng, parseComponent, selectEngine, syncPredictor, tf, withFeatureFrontEnd, type FeatureExtractorKind } from '@augprior/core';
import { createTfMfcc } from '../features/tf-mfcc.js';
import { FEATURE_FRONT_ENDS } from './feature-front-ends.js';
import { drawSpecPlan, SpecAugmentSchema, type SpecPlan } from './spec-plan.js';

// Entries take parsed arguments; build them the way the runner does (parseComponent fills the defaults).
const frontEnds = Registry.from<FeatureExtractorKind>('feature extractor', Object.entries(FEATURE_FRONT_ENDS));
const frontEnd = (kind: string) => {
  const { entry, args } = parseComponent(frontEnds, { kind }, 'student.features');
  return entry.create(args);
};

const SR = 16000;
function clips(n: number): Float32Array {
  const rng = Rng.derive(7);
  return Float32Array.from({ length: n * SR }, (_, i) => 0.3 * Math.sin((2 * Math.PI * (300 + 200 * Math.floor(i / SR)) * (i % SR)) / SR) + 0.01 * rng.normal());
}

describe('feature front ends on waveform batches', () => {
  beforeAll(async () => {
    await selectEngine({ backend: 'cpu' });
  });

  it('turn [n, 1, 16000, 1] into [n, frames, coefficients, 1] equal to the clip extractor, leaking nothing', () => {
    const data = clips(3);
    const x = tf.tensor4d(data, [3, 1, SR, 1]);
    const before = tf.memory().numTensors;
    const mfcc = frontEnd('mlperf_mfcc');
    expect(mfcc.outputShape([1, SR, 1])).toEqual([49, 10, 1]);
    const y = tf.tidy(() => mfcc.apply(x));
    expect(y.shape).toEqual([3, 49, 10, 1]);
    const reference = createTfMfcc().features(data);
    expect(Math.max(...Array.from(y.dataSync()).map((v, i) => Math.abs(v - reference[i]!)))).toBe(0);
    const logmel = frontEnd('logmel');
    expect(logmel.outputShape([1, SR, 1])).toEqual([98, 40, 1]);
    expect(() => logmel.outputShape([32, 32, 3])).toThrow(/takes waveform batches/);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('an empty plan changes nothing; masks and mixes land in both the teacher and the student features', () => {
    const data = clips(2);
    const x = tf.tensor4d(data, [2, 1, SR, 1]);
    const identity: SpecPlan = { kind: 'spec-augment/1', time: [[], []], freq: [[], []], mix: null };
    for (const name of ['mlperf_mfcc', 'logmel', 'mfcc'] as const) {
      const fe = frontEnd(name);
      const plain = fe.apply(x);
      const planned = fe.apply(x, identity as unknown as Readonly<Record<string, unknown>>);
      expect(Array.from(planned.dataSync()), name).toEqual(Array.from(plain.dataSync()));
      tf.dispose([plain, planned]);
    }
    // A time mask over 0.4-0.6 s silences exactly those frames: log-mel at the floor.
    const masked: SpecPlan = { kind: 'spec-augment/1', time: [[[0.4, 0.6]], []], freq: [[], []], mix: null };
    const logmel = frontEnd('logmel');
    const y = logmel.apply(x, masked as unknown as Readonly<Record<string, unknown>>).dataSync();
    const frameAt = (f: number) => y.subarray(f * 40, (f + 1) * 40);
    const centre = (f: number) => (f * 160 + 240) / SR;
    for (let f = 0; f < 98; f++) {
      const floorRow = Array.from(frameAt(f)).every((v) => Math.abs(v - Math.log(1e-6)) < 1e-4);
      expect(floorRow, `frame ${f}`).toBe(centre(f) >= 0.4 && centre(f) < 0.6);
    }
    // Cutmix over the second half: the student's (log-mel) and the teacher's (MFCC) late frames come from the partner.
    const cut: SpecPlan = { kind: 'spec-augment/1', time: [[], []], freq: [[], []], mix: { mode: 'cutmix', span: [0.5, 1], partner: [1, 0] } };
    const teacherFe = frontEnd('mlperf_mfcc');
    const plain = teacherFe.apply(x).dataSync();
    const mixed = teacherFe.apply(x, cut as unknown as Readonly<Record<string, unknown>>).dataSync();
    const row = (a: Float32Array | Uint8Array | Int32Array, i: number, f: number) => Array.from(a.subarray((i * 49 + f) * 10, (i * 49 + f + 1) * 10));
    expect(row(mixed, 0, 5)).toEqual(row(plain, 0, 5));
    expect(row(mixed, 0, 40)).toEqual(row(plain, 1, 40));
    x.dispose();
  });

  it('an audio teacher receives the batch plan through its front end, on both paths', async () => {
    const seen: number[][] = [];
    const inner = syncPredictor(
      (input: tf.Tensor) => {
        seen.push(input.shape as number[]);
        return tf.zeros([input.shape[0]!, 2]);
      },
      { description: 'probe', numClasses: 2, dispose: () => {} },
    );
    const teacher = withFeatureFrontEnd(inner, frontEnd('mlperf_mfcc'));
    const x = tf.tensor4d(clips(2), [2, 1, SR, 1]);
    const plan = drawSpecPlan(SpecAugmentSchema.parse({}), 2, 1, 8000, Rng.derive(1));
    const before = tf.memory().numTensors;
    const logits = tf.tidy(() => teacher.predictSync!(x, plan as unknown as Readonly<Record<string, unknown>>));
    const asynchronous = await teacher.predict(x, plan as unknown as Readonly<Record<string, unknown>>);
    expect(seen).toEqual([[2, 49, 10, 1], [2, 49, 10, 1]]);
    asynchronous.dispose();
    expect(tf.memory().numTensors).toBe(before + 1); // only `logits`
    expect(teacher.description).toMatch(/probe on TF MFCC/);
    tf.dispose([x, logits]);
  });
});
