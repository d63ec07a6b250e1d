/** Every experiment config in experiments/ must validate: names, arguments and budgets. */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalSets, parseComponent, parseExperiment, readConfigFile, sectionValidators } from '@augprior/core';
import { registerFrontEnds } from '@augprior/runner';

const EXPERIMENTS = resolve(import.meta.dirname, '../../../experiments');
const files = readdirSync(EXPERIMENTS).flatMap((dir) =>
  readdirSync(join(EXPERIMENTS, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(dir, f)),
);
// `<name>.eval.json` files are `augprior eval --config` inputs ({model, dataset, ...}), not experiments.
const evalConfigs = files.filter((f) => f.endsWith('.eval.json'));
const experiments = files.filter((f) => !f.endsWith('.eval.json'));

describe('experiment configs', () => {
  it('exist for every modality', () => {
    expect(new Set(experiments.map((f) => f.split('/')[0]))).toEqual(new Set(['audio', 'core', 'image', 'video']));
  });

  it.each(experiments)('%s validates', (file) => {
    registerFrontEnds();
    const experiment = parseExperiment(readConfigFile(join(EXPERIMENTS, file)), sectionValidators, file);
    expect(experiment.name).toMatch(/^[A-Za-z0-9]/);
  });

  it.each(evalConfigs)('%s names a registered dataset with valid arguments', (file) => {
    registerFrontEnds();
    const config = readConfigFile(join(EXPERIMENTS, file)) as { model: string; dataset: { kind: string } & Record<string, unknown> };
    expect(config.model).toMatch(/\S/);
    expect(() => parseComponent(evalSets, config.dataset, 'dataset', { source: file })).not.toThrow();
  });

  // The source ranking (RESULTS.md) compares sources under ONE recipe: a source config may differ from
  // the default only in what names and describes it and in where its patches come from.
  it.each(['cifar10-city-resnet20.json', 'cifar10-noise-resnet20.json', 'cifar10-deadleaves-resnet20.json'])(
    'image/%s runs the default recipe (cifar10-animals-resnet20.json) on another source',
    (file) => {
      const strip = (c: Record<string, unknown>) => {
        const { name: _n, description: _d, data, ...rest } = c;
        const { source: _s, proceduralSize: _p, ...dataRest } = data as Record<string, unknown>;
        return { ...rest, data: dataRest };
      };
      const base = readConfigFile(join(EXPERIMENTS, 'image', 'cifar10-animals-resnet20.json')) as Record<string, unknown>;
      const other = readConfigFile(join(EXPERIMENTS, 'image', file)) as Record<string, unknown>;
      expect(strip(other)).toEqual(strip(base));
    },
  );

  // A noise control is the recipe with another recording: nothing else may drift between the two.
  it.each([['kws-noise-matchboxnet.json', 'kws-ljspeech-matchboxnet.json']])('audio/%s is audio/%s on another recording', (control, recipe) => {
    const strip = (c: Record<string, unknown>) => {
      const { name: _n, description: _d, data, ...rest } = c;
      const { sources: _s, ...dataRest } = data as Record<string, unknown>;
      return { ...rest, data: dataRest };
    };
    const base = readConfigFile(join(EXPERIMENTS, 'audio', recipe)) as Record<string, unknown>;
    const other = readConfigFile(join(EXPERIMENTS, 'audio', control)) as Record<string, unknown> & { data: { sources: string[] } };
    expect(other.data.sources).toEqual(['noise:pink']);
    expect(strip(other)).toEqual(strip(base));
  });
});
