import { describe, expect, it } from 'vitest';
import { EpochSampler } from './data/epoch-sampler.js';
import { Rng } from './rng.js';
import { RNG_STREAMS, streamTag } from './rng-streams.js';

describe('named random streams', () => {
  it('keep the tags the project has always drawn from (so seeds give the same data as before)', () => {
    expect(RNG_STREAMS.imageEpoch).toBe(0x65706f6368);
    expect(RNG_STREAMS.clipEpoch).toBe(0x65706f);
    expect(RNG_STREAMS.train).toBe(0x747261696e);
    expect(RNG_STREAMS.deadLeaves).toBe(0x6c6561766573);
    expect(RNG_STREAMS.modelInit).toBe(0x6d6f64);
  });
  it('are all distinct exact integers', () => {
    const tags = Object.values(RNG_STREAMS);
    expect(new Set(tags).size).toBe(tags.length);
    expect(tags.every(Number.isSafeInteger)).toBe(true);
    expect(() => streamTag('toolongname')).toThrow(/1-6 printable/);
  });
});

describe('EpochSampler', () => {
  it('serves each epoch as one seeded permutation, whatever the batch size or starting step', () => {
    const sampler = new EpochSampler(7, RNG_STREAMS.imageEpoch, 10);
    const first = Array.from({ length: 10 }, (_, p) => sampler.at(p));
    expect([...first].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(first).toEqual([...Rng.derive(7, RNG_STREAMS.imageEpoch, 0).permutation(10)]);
    // Step 3 with batch 4 = positions 8..11: the last two of epoch 0, the first two of epoch 1.
    const again = new EpochSampler(7, RNG_STREAMS.imageEpoch, 10);
    const epoch1 = [...Rng.derive(7, RNG_STREAMS.imageEpoch, 1).permutation(10)];
    expect([...again.batch(3, 4)]).toEqual([first[8], first[9], epoch1[0], epoch1[1]]);
  });
});
