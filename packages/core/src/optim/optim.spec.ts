import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { useEngine } from '../test-utils/backends.js';
import { Adam, Sgd, optimizers } from './optimizers.js';
import { schedules } from './schedules.js';
import { parseComponent, type ComponentSection } from '../config/component.js';

beforeAll(() => useEngine('cpu'));

function stepOnce(opt: Adam | Sgd, p0: number, grads: number[], lr: number): number[] {
  const p = tf.variable(tf.scalar(p0));
  const trace: number[] = [];
  for (const g of grads) {
    const grad = tf.scalar(g);
    opt.step([['p', p]], { p: grad }, lr);
    grad.dispose();
    trace.push(p.dataSync()[0]!);
  }
  p.dispose();
  opt.dispose();
  return trace;
}

// Entries take parsed arguments; parseComponent is what the trainer builds them through.
const adam = () => {
  const { entry, args } = parseComponent(optimizers, { kind: 'adam' }, 'optimizer');
  return entry.create(args);
};
const schedule = (section: ComponentSection, context: { baseLr: number; totalSteps: number | undefined }) => {
  const { entry, args } = parseComponent(schedules, section, 'schedule');
  return entry.create(args, context);
};

describe('optimizers follow torch.optim', () => {
  it('Adam: first step moves by lr * sign(g), second by the bias-corrected ratio', () => {
    // t=1: m=0.1g, v=0.001g^2 -> mhat=g, vhat=g^2 -> step lr*g/(|g|+eps)
    // t=2 with g2: m=0.09g1+0.1g2, v=0.000999g1^2+0.001g2^2, bc1=0.19, bc2=0.001999
    const [a, b] = stepOnce(new Adam({ betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 }, false), 1, [0.5, -1], 0.1);
    expect(a).toBeCloseTo(1 - 0.1, 6);
    const m = 0.09 * 0.5 + 0.1 * -1;
    const v = 0.000999 * 0.25 + 0.001 * 1;
    expect(b).toBeCloseTo(0.9 - (0.1 * (m / 0.19)) / (Math.sqrt(v / 0.001999) + 1e-8), 5);
  });
  it('AdamW decays the weight before the Adam step; Adam adds L2 to the gradient', () => {
    const [w] = stepOnce(new Adam({ betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.5 }, true), 2, [0.1], 0.1);
    expect(w).toBeCloseTo(2 * (1 - 0.1 * 0.5) - 0.1, 5);
    const [l2] = stepOnce(new Adam({ betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.5 }, false), 2, [-0.5], 0.1);
    // g + wd*p = -0.5 + 1 = 0.5 > 0, so the first step is -lr
    expect(l2).toBeCloseTo(2 - 0.1, 5);
  });
  it('SGD with momentum and nesterov', () => {
    // plain momentum: buf1=g1, p1=p0-lr*g1; buf2=0.9*g1+g2, p2=p1-lr*buf2
    expect(stepOnce(new Sgd({ momentum: 0.9, nesterov: false, weightDecay: 0 }), 1, [1, 2], 0.1)).toEqual([expect.closeTo(0.9, 6), expect.closeTo(0.9 - 0.1 * 2.9, 6)]);
    // nesterov: update = g + 0.9*buf
    expect(stepOnce(new Sgd({ momentum: 0.9, nesterov: true, weightDecay: 0 }), 1, [1, 2], 0.1)).toEqual([expect.closeTo(1 - 0.1 * 1.9, 6), expect.closeTo(0.81 - 0.1 * (2 + 0.9 * 2.9), 6)]);
  });
  it('exposes and restores its state exactly', () => {
    const opt = adam();
    const p = tf.variable(tf.tensor1d([1, 2, 3]));
    opt.step([['p', p]], { p: tf.tensor1d([0.1, -0.2, 0.3]) }, 0.01);
    const saved = new Map([...opt.slots()].map(([k, v]) => [k, v.clone()]));
    const restored = adam();
    restored.load(saved, opt.stepCount());
    expect(restored.stepCount()).toBe(1);
    expect([...restored.slots().keys()].sort()).toEqual(['p/exp_avg', 'p/exp_avg_sq']);
    expect(Array.from(restored.slots().get('p/exp_avg')!.dataSync())).toEqual(Array.from(opt.slots().get('p/exp_avg')!.dataSync()));
  });
});

describe('schedules', () => {
  it('constant with warm-up ramps linearly then holds', () => {
    const lr = schedule({ kind: 'constant', warmupSteps: 4 }, { baseLr: 1, totalSteps: 10 });
    expect([1, 2, 4, 5, 10].map(lr)).toEqual([0.25, 0.5, 1, 1, 1]);
  });
  it('step decays by gamma after each milestone', () => {
    const lr = schedule({ kind: 'step', milestones: [3, 6], gamma: 0.5 }, { baseLr: 1, totalSteps: 10 });
    expect([1, 3, 4, 6, 7].map(lr)).toEqual([1, 1, 0.5, 0.5, 0.25]);
  });
  it('cosine reaches minLr at the last step and the midpoint value halfway', () => {
    const lr = schedule({ kind: 'cosine', warmupSteps: 0, minLr: 0.1 }, { baseLr: 1.1, totalSteps: 100 });
    expect(lr(100)).toBeCloseTo(0.1, 9);
    expect(lr(50)).toBeCloseTo(0.6, 9);
    expect(() => schedule({ kind: 'cosine' }, { baseLr: 1, totalSteps: undefined })).toThrow(/maxSteps/);
  });
  it('linear decays from the peak after warm-up to minLr at the last step', () => {
    const lr = schedule({ kind: 'linear', warmupSteps: 10, minLr: 0 }, { baseLr: 2, totalSteps: 110 });
    expect([5, 10, 60, 110, 200].map(lr)).toEqual([1, 2, 1, 0, 0]);
  });
  it('budget schedules hold the peak while the step budget is still unknown (Infinity), warm-up included', () => {
    for (const kind of ['cosine', 'linear']) {
      const lr = schedule({ kind, warmupSteps: 4 }, { baseLr: 1, totalSteps: Number.POSITIVE_INFINITY });
      expect([2, 4, 5, 1000].map(lr)).toEqual([0.5, 1, 1, 1]);
      expect(schedules.get(kind).decaysToBudget).toBe(true);
    }
    expect(schedules.get('constant').decaysToBudget).toBe(false);
  });
});
