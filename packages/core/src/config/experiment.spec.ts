import { describe, expect, it } from 'vitest';
import { sectionValidators } from '../data/registries.js';
import { configHash, parseExperiment } from './experiment.js';
import { applyOverrides } from './overrides.js';

const base = {
  name: 'unit',
  mode: 'distill',
  data: { kind: 'synthetic_single_image' },
  teacher: { kind: 'run', path: 'runs/x' },
  student: { arch: 'resnet8', numClasses: 10 },
  batchSize: 8,
  maxSteps: 10,
};

const parse = (raw: unknown) => parseExperiment(raw, sectionValidators, 'unit.json');

describe('parseExperiment', () => {
  it('fills defaults: KL loss for distill, Adam 1e-3, constant schedule, auto engine', () => {
    const e = parse(base);
    expect(e.loss).toEqual({ name: 'kl_divergence', args: { temperature: 8, scaleByTemperatureSquared: false, classBalancePower: 0 } });
    expect(e.optimizer).toMatchObject({ name: 'adam', lr: 1e-3, args: { betas: [0.9, 0.999] } });
    expect(e.engine.backend).toBe('auto');
    expect(e.data).toMatchObject({ kind: 'synthetic_single_image', imageSize: 16 });
  });
  it('names the file and field of every problem', () => {
    expect(() => parse({ ...base, batchSize: 'big' })).toThrow(/unit\.json: batchSize: .*number/);
    expect(() => parse({ ...base, student: { arch: 'resnet9', numClasses: 10 } })).toThrow(/student\.arch: unknown model "resnet9"; known: .*resnet20/);
    expect(() => parse({ ...base, optimizer: { name: 'adam', args: { beta: 0.9 } } })).toThrow(/optimizer\.args: .*beta/);
    expect(() => parse({ ...base, data: { kind: 'synthetic_single_image', imagesize: 3 } })).toThrow(/data: .*imagesize/);
    expect(() => parse({ ...base, lr: 0.1 })).toThrow(/Unrecognized key.*lr/);
    expect(() => parse({ ...base, maxSteps: undefined })).toThrow(/maxSteps: set maxSteps or maxMinutes/);
    expect(() => parse({ ...base, teacher: undefined })).toThrow(/teacher: distill mode needs a teacher/);
    expect(() => parse({ ...base, mode: 'supervised', loss: { name: 'kl_divergence' } })).toThrow(/loss\.name: kl_divergence needs a teacher/);
    expect(() => parse({ ...base, schedule: { name: 'cosine' }, maxSteps: undefined, maxMinutes: 5 })).toThrow(/cosine .*maxSteps/);
  });
  it('hashes the resolved config stably, whatever the key order', () => {
    const a = parse(base);
    const b = parse(Object.fromEntries(Object.entries(base).reverse()));
    expect(configHash(a)).toBe(configHash(b));
    expect(configHash(a)).not.toBe(configHash(parse({ ...base, seed: 1 })));
  });
});

describe('applyOverrides', () => {
  it('sets key?=value only where the config already has the field', () => {
    const base = { data: { kind: 'fake_videos', count: 2000 }, eval: { count: 800 } };
    expect(applyOverrides(base, ['data.count?=16', 'data.pool?=64', 'teacher.path?=x', 'eval.count=64'])).toEqual({ data: { kind: 'fake_videos', count: 16 }, eval: { count: 64 } });
    expect(applyOverrides({ data: { kind: 'synthetic_actions' } }, ['data.count?=16'])).toEqual({ data: { kind: 'synthetic_actions' } });
  });

  it('keeps a field the config holds as a string a string, even when the value looks like a number', () => {
    const out = applyOverrides({ dataset: { protocol: '12' }, name: 'a' }, ['dataset.protocol=10', 'name=2024', 'dataset.limit=5']);
    expect(out).toEqual({ dataset: { protocol: '10', limit: 5 }, name: '2024' });
    expect(applyOverrides({ name: 'a' }, ['name="quoted"'])).toEqual({ name: 'quoted' });
  });

  it('sets nested keys with JSON-typed values without touching the input', () => {
    const out = applyOverrides(base, ['optimizer.lr=0.01', 'student.arch=resnet20', 'maxSteps=5', 'data.flip=false', 'description=two words']);
    expect(out).toMatchObject({ optimizer: { lr: 0.01 }, student: { arch: 'resnet20', numClasses: 10 }, maxSteps: 5, data: { flip: false }, description: 'two words' });
    expect(base).not.toHaveProperty('optimizer');
  });
  it('goes through the same validation as the file', () => {
    expect(() => parse(applyOverrides(base, ['batchSize=-1']))).toThrow(/batchSize: .*>0/);
    expect(() => applyOverrides(base, ['noequals'])).toThrow(/key=value/);
    expect(() => applyOverrides(base, ['batchSize.x=1'])).toThrow(/"batchSize" is a number, not an object/);
  });
});
