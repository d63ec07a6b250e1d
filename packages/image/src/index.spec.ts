import { dataSources, evalSets, teacherKinds } from '@augprior/core';
import { describe, expect, it } from 'vitest';
import { registerImage } from './index.js';

describe('image front end shell', () => {
  it('registers into core registries without disturbing the built-ins', () => {
    const before = dataSources.list();
    const added = registerImage({ dataSources, evalSets, teacherKinds });
    expect(dataSources.list()).toEqual([...before, ...added].sort());
    expect(dataSources.list()).toContain('synthetic_single_image');
  });
});
