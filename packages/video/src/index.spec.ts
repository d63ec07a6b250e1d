import { dataSources, evalSets, featureExtractors, modalities, teacherKinds } from '@augprior/core';
import { describe, expect, it } from 'vitest';
import { registerVideo } from './index.js';

describe('video front end registration', () => {
  it('registers into core registries without disturbing the built-ins', () => {
    const before = dataSources.list();
    const added = registerVideo({ dataSources, evalSets, teacherKinds, featureExtractors, modalities });
    expect(added).toEqual(['synthetic_actions', 'fake_videos', 'ucf101']);
    expect(dataSources.list()).toEqual([...before, 'synthetic_actions', 'fake_videos'].sort());
    expect(evalSets.list()).toContain('ucf101');
    // As a test set the benchmark must default to its test split (the train split's first clips are the teacher's first batches).
    expect((evalSets.get('synthetic_actions').args.parse({}) as { split: string }).split).toBe('test');
    expect((dataSources.get('synthetic_actions').args.parse({}) as { split: string }).split).toBe('train');
    expect(dataSources.list()).toContain('synthetic_single_image');
    // The modality is a name the front end registers, and every entry it adds names a registered one.
    expect(modalities.list()).toEqual(['image', 'video']);
    for (const name of ['synthetic_actions', 'ucf101']) expect(modalities.has(evalSets.get(name).modality)).toBe(true);
  });
});
