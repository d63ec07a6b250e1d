import { dataSources, evalSets, teacherKinds } from '@augprior/core';
import { describe, expect, it } from 'vitest';
import { registerAudio } from './index.js';

describe('audio front end shell', () => {
  it('registers into core registries without disturbing the built-ins', () => {
    const before = dataSources.list();
    const added = registerAudio({ dataSources, evalSets, teacherKinds });
    expect(dataSources.list()).toEqual([...before, ...added].sort());
    expect(dataSources.list()).toContain('synthetic_single_image');
  });
});
