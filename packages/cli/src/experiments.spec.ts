/** Every experiment config in experiments/ must validate: names, arguments and budgets. */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExperiment, readConfigFile, sectionValidators } from '@augprior/core';
import { registerFrontEnds } from './wire.js';

const EXPERIMENTS = resolve(import.meta.dirname, '../../../experiments');
const files = readdirSync(EXPERIMENTS).flatMap((dir) =>
  readdirSync(join(EXPERIMENTS, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(dir, f)),
);

describe('experiment configs', () => {
  it('exist for every modality', () => {
    expect(new Set(files.map((f) => f.split('/')[0]))).toEqual(new Set(['audio', 'core', 'image', 'video']));
  });

  it.each(files)('%s validates', (file) => {
    registerFrontEnds();
    const experiment = parseExperiment(readConfigFile(join(EXPERIMENTS, file)), sectionValidators, file);
    expect(experiment.name).toMatch(/^[A-Za-z0-9]/);
  });
});
