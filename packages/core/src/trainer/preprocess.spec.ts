import { describe, expect, it } from 'vitest';
import { frontEndFor } from './preprocess.js';
import type { FeatureExtractor } from './types.js';

const extractor = (description: string): FeatureExtractor => ({
  description,
  outputShape: () => [4, 4, 1],
  apply: () => {
    throw new Error('not called');
  },
});

describe('frontEndFor', () => {
  const mfcc = extractor('MFCC 49x10');
  const waveforms = { description: 'clips' };
  const features = { description: 'int8 set', inputFeatures: 'MFCC 49x10' };

  it('keeps the model front end on waveform sets, and a model without one as it is', () => {
    expect(frontEndFor(mfcc, waveforms, 'the student')).toBe(mfcc);
    expect(frontEndFor(undefined, waveforms, 'the student')).toBeUndefined();
    expect(frontEndFor(undefined, features, 'the teacher')).toBeUndefined();
  });

  it('skips a front end that computes exactly the features the set holds', () => {
    expect(frontEndFor(mfcc, features, 'the student')).toBeUndefined();
  });

  it('refuses a front end computing other features, naming the set and both front ends', () => {
    expect(() => frontEndFor(extractor('log-mel 49x40'), features, 'the student of run r')).toThrow(/int8 set holds MFCC 49x10 features, but the student of run r computes log-mel 49x40/);
  });
});
