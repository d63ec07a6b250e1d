import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Registry } from '../registry.js';
import { dataSources, evalSets, sectionValidators, teacherKinds, type DataSourceKind } from '../data/registries.js';
import { parseComponent } from './component.js';
import { parseExperiment } from './experiment.js';

// A data source whose schema counts how often it runs, to see where a section is parsed.
function countingRegistry() {
  const counter = { parses: 0 };
  const args = z.preprocess((v) => {
    counter.parses += 1;
    return v;
  }, z.strictObject({ size: z.number().int().positive().default(4) }));
  const data = new Registry<DataSourceKind>('data source');
  data.register('counted', { description: 'counts its parses', args, open: async () => { throw new Error('not opened here'); } });
  return { counter, validators: { data, eval: evalSets, teacher: teacherKinds } };
}

const config = (data: Record<string, unknown>) => ({ name: 'unit', mode: 'supervised', data, student: { kind: 'resnet8', numClasses: 10 }, batchSize: 8, maxSteps: 10 });

describe('parseComponent: where a config section is parsed', () => {
  it('parses a section once: what parseExperiment returns passes through the builders unparsed, with its defaults', () => {
    const { counter, validators } = countingRegistry();
    const e = parseExperiment(config({ kind: 'counted' }), validators, 'unit.json');
    expect(counter.parses).toBe(1);
    expect(e.data).toEqual({ kind: 'counted', size: 4 });
    const again = parseComponent(validators.data, e.data, 'data');
    expect(counter.parses).toBe(1);
    expect(again.args).toEqual({ size: 4 });
    // a section that did not come through a parse (built in code, or a copy) is parsed where it is built
    expect(parseComponent(validators.data, { ...e.data, size: 7 }, 'data').args).toEqual({ size: 7 });
    expect(counter.parses).toBe(2);
  });

  it('names the field, the file and the known kinds in its errors', () => {
    const { validators } = countingRegistry();
    expect(() => parseExperiment(config({ kind: 'counted', size: -1 }), validators, 'unit.json')).toThrow(/^unit\.json: data\.size: /);
    expect(() => parseExperiment(config({ kind: 'counted', colour: 1 }), validators, 'unit.json')).toThrow(/unit\.json: data: .*colour/);
    expect(() => parseComponent(validators.data, { kind: 'countd' }, 'data', { source: 'sweep.json' })).toThrow('sweep.json: data.kind: unknown data source "countd"; known: counted');
    expect(() => parseComponent(dataSources, { kind: 'eval_set', set: { kind: 'synthetic_shapes' }, maxSamples: 0 }, 'data')).toThrow(/data\.maxSamples/);
  });

  it('points a renamed kind at its new name', () => {
    const features = new Registry<{ args: z.ZodType }>('feature extractor');
    features.register('mlperf_mfcc', { args: z.strictObject({}) });
    expect(() => parseComponent(features, { kind: 'mlperf-mfcc' }, 'student.features')).toThrow(/renamed to "mlperf_mfcc"/);
  });

  it('keeps the extras that belong to the section, not to the entry (the optimizer lr)', () => {
    const e = parseExperiment(config({ kind: 'synthetic_shapes' }), sectionValidators);
    expect(e.optimizer).toEqual({ kind: 'adam', lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 });
  });
});
