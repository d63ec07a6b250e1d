import { describe, expect, it } from 'vitest';
import { sectionValidators } from '../data/registries.js';
import { configHash, parseExperiment } from './experiment.js';
import { Registry } from '../registry.js';
import { migrateExperimentConfig } from './migrate.js';
import { applyOverrides } from './overrides.js';

const base = {
  name: 'unit',
  mode: 'distill',
  data: { kind: 'synthetic_single_image' },
  teacher: { kind: 'run', path: 'runs/x' },
  student: { kind: 'resnet8', numClasses: 10 },
  batchSize: 8,
  maxSteps: 10,
};

const parse = (raw: unknown) => parseExperiment(raw, sectionValidators, 'unit.json');

describe('parseExperiment', () => {
  it('fills defaults: KL loss for distill, Adam 1e-3, constant schedule, auto engine', () => {
    const e = parse(base);
    expect(e.loss).toEqual({ kind: 'kl_divergence', temperature: 8, scaleByTemperatureSquared: false, classBalancePower: 0 });
    expect(e.optimizer).toMatchObject({ kind: 'adam', lr: 1e-3, betas: [0.9, 0.999] });
    expect(e.schedule).toEqual({ kind: 'constant', warmupSteps: 0 });
    expect(e.engine.backend).toBe('auto');
    expect(e.data).toMatchObject({ kind: 'synthetic_single_image', imageSize: 16 });
  });
  it('names the file and field of every problem', () => {
    expect(() => parse({ ...base, batchSize: 'big' })).toThrow(/unit\.json: batchSize: .*number/);
    expect(() => parse({ ...base, student: { kind: 'resnet9', numClasses: 10 } })).toThrow(/student\.kind: unknown model "resnet9"; known: .*resnet20/);
    expect(() => parse({ ...base, optimizer: { kind: 'adam', beta: 0.9 } })).toThrow(/optimizer: .*beta/);
    expect(() => parse({ ...base, student: { kind: 'resnet8', numClasses: 10, width: 2 } })).toThrow(/student: unrecognized key\(s\) "width"/);
    expect(() => parse({ ...base, data: { kind: 'synthetic_single_image', imagesize: 3 } })).toThrow(/data: .*imagesize/);
    expect(() => parse({ ...base, lr: 0.1 })).toThrow(/Unrecognized key.*lr/);
    expect(() => parse({ ...base, maxSteps: undefined })).toThrow(/maxSteps: set maxSteps or maxMinutes/);
    expect(() => parse({ ...base, teacher: undefined })).toThrow(/teacher: distill mode needs a teacher/);
    expect(() => parse({ ...base, mode: 'supervised', loss: { kind: 'kl_divergence' } })).toThrow(/loss\.kind: kl_divergence needs a teacher/);
    // A wall-clock budget is enough for a decaying schedule now: the trainer plans its steps.
    expect(parse({ ...base, schedule: { kind: 'cosine' }, maxSteps: undefined, maxMinutes: 5 }).schedule.kind).toBe('cosine');
  });
  it('refuses the old shape, naming each old field and the migrate command', () => {
    const old = { ...base, student: { arch: 'resnet8', numClasses: 10 }, loss: { name: 'kl_divergence', args: { temperature: 4 } }, eval: { kind: 'cifar10-bin', path: 'x' } };
    expect(() => parse(old)).toThrow(/unit\.json has the config shape from before .*student\.arch is now student\.kind; loss\.name is now loss\.kind; loss\.args\.temperature is now loss\.temperature; eval\.kind: "cifar10-bin" is now "cifar10_bin"/);
    expect(() => parse(old)).toThrow(expect.objectContaining({ code: 'config.old-shape', hint: expect.stringMatching(/augprior config migrate unit\.json/) }));
    const { config, changes } = migrateExperimentConfig(old);
    expect(changes).toHaveLength(4);
    expect(config).toMatchObject({ student: { kind: 'resnet8' }, loss: { kind: 'kl_divergence', temperature: 4 }, eval: { kind: 'cifar10_bin' } });
    expect(migrateExperimentConfig(config)).toEqual({ config, changes: [] });
  });
  it('says a renamed kind was renamed, also where a registry is asked directly', () => {
    expect(() => parse({ ...base, student: { kind: 'resnet8', numClasses: 10, features: { kind: 'mlperf-mfcc' } } })).toThrow(/student\.features\.kind: "mlperf-mfcc" is now "mlperf_mfcc"/);
    const sets = Registry.from('eval set', [['cifar10_bin', 1]]);
    expect(() => sets.get('cifar10-bin')).toThrow(/eval set "cifar10-bin" was renamed to "cifar10_bin"/);
    expect(() => sets.get('cifar11')).toThrow(/unknown eval set "cifar11"; known: cifar10_bin/);
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
    const out = applyOverrides(base, ['optimizer.lr=0.01', 'student.kind=resnet20', 'maxSteps=5', 'data.flip=false', 'description=two words']);
    expect(out).toMatchObject({ optimizer: { lr: 0.01 }, student: { kind: 'resnet20', numClasses: 10 }, maxSteps: 5, data: { flip: false }, description: 'two words' });
    expect(base).not.toHaveProperty('optimizer');
  });
  it('goes through the same validation as the file', () => {
    expect(() => parse(applyOverrides(base, ['batchSize=-1']))).toThrow(/batchSize: .*>0/);
    expect(() => applyOverrides(base, ['noequals'])).toThrow(/key=value/);
    expect(() => applyOverrides(base, ['batchSize.x=1'])).toThrow(/"batchSize" is a number, not an object/);
  });
});
