import { dataSources, evalSets, featureExtractors, modalities, teacherKinds } from '@augprior/core';
import { describe, expect, it } from 'vitest';
import { registerImage } from './index.js';

describe('image front end shell', () => {
  it('registers its evaluation sets into core registries without disturbing the built-ins', () => {
    const before = evalSets.list();
    const added = registerImage({ dataSources, evalSets, teacherKinds, featureExtractors, modalities });
    expect(added).toEqual(['cifar10', 'cifar100', 'cifar10_bin', 'cifar100_bin', 'imagenet', 'image_patches']);
    expect(evalSets.list()).toEqual([...before, ...added.slice(0, 5)].sort());
    expect(dataSources.list()).toContain('image_patches');
    expect(dataSources.list()).toContain('synthetic_single_image');
  });
});
