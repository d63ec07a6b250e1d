import { dataSources, evalSets, featureExtractors, teacherKinds } from '@augprior/core';
import { describe, expect, it } from 'vitest';
import { registerVideo } from './index.js';

describe('video front end registration', () => {
  it('registers into core registries without disturbing the built-ins', () => {
    const before = dataSources.list();
    const added = registerVideo({ dataSources, evalSets, teacherKinds, featureExtractors });
    expect(added).toEqual(['synthetic_actions', 'fake_videos', 'ucf101']);
    expect(dataSources.list()).toEqual([...before, 'synthetic_actions', 'fake_videos'].sort());
    expect(evalSets.list()).toContain('ucf101');
    expect(dataSources.list()).toContain('synthetic_single_image');
  });
});
