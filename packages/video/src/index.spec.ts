import { dataSources, evalSets, featureExtractors, teacherKinds } from '@augprior/core';
import { describe, expect, it } from 'vitest';
import { registerVideo } from './index.js';

describe('video front end registration', () => {
  it('registers into core registries without disturbing the built-ins', () => {
    const before = dataSources.list();
    const added = registerVideo({ dataSources, evalSets, teacherKinds, featureExtractors });
    expect(dataSources.list()).toEqual([...before, ...added].sort());
    expect(dataSources.list()).toContain('synthetic_single_image');
  });
});
