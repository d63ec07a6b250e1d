/**
 * Optimizers with PyTorch's update rules (torch.optim.Adam / AdamW / SGD), written over tfjs
 * variables rather than using tfjs' own so that (a) AdamW exists, (b) the learning rate is an
 * argument of every step (schedules), and (c) the whole state is a flat map of named tensors plus
 * a step counter, which a checkpoint stores and restores bit for bit.
 */
import { z } from 'zod';
import { tf, type Tensor, type Variable } from '../tf.js';
import { Registry } from '../registry.js';

export type NamedVariables = ReadonlyArray<readonly [string, Variable]>;

/**
 * Kernel contract shared with @augprior/engine-torch: inputs {param, grad, expAvg, expAvgSq},
 * attrs {lr, beta1, beta2, eps, weightDecay, decoupled, step} -> [param, expAvg, expAvgSq],
 * computing exactly `Adam.update` below.
 */
export const ADAM_STEP_KERNEL = 'AugpriorAdamStep';

export interface Optimizer {
  readonly name: string;
  /** Applies one update; `grads` is keyed by parameter name. Grads are not disposed here. */
  step(params: NamedVariables, grads: Record<string, Tensor>, lr: number): void;
  /** Slot tensors keyed `<param>/<slot>` (owned by the optimizer). */
  slots(): Map<string, Tensor>;
  stepCount(): number;
  /** Restores slots and the step counter from a checkpoint (tensors are copied). */
  load(slots: Map<string, Tensor>, stepCount: number): void;
  dispose(): void;
}

abstract class SlotOptimizer implements Optimizer {
  protected readonly state = new Map<string, Variable>();
  protected t = 0;

  abstract readonly name: string;
  protected abstract readonly slotNames: readonly string[];
  protected abstract update(param: Variable, grad: Tensor, slot: (name: string) => Variable, lr: number): void;

  step(params: NamedVariables, grads: Record<string, Tensor>, lr: number): void {
    this.t += 1;
    for (const [name, param] of params) {
      const grad = grads[name];
      if (!grad) continue; // a parameter off the loss path (torch skips p.grad is None too)
      tf.tidy(() => this.update(param, grad, (slotName) => this.slot(name, slotName, param), lr));
    }
  }

  private slot(param: string, slotName: string, like: Tensor): Variable {
    const key = `${param}/${slotName}`;
    let v = this.state.get(key);
    if (!v) {
      v = tf.tidy(() => tf.variable(tf.zerosLike(like), false));
      this.state.set(key, v);
    }
    return v;
  }

  slots(): Map<string, Tensor> {
    return new Map(this.state);
  }

  stepCount(): number {
    return this.t;
  }

  load(slots: Map<string, Tensor>, stepCount: number): void {
    this.dispose();
    for (const [key, value] of slots) {
      const slotName = key.slice(key.lastIndexOf('/') + 1);
      if (!this.slotNames.includes(slotName)) throw new Error(`optimizer ${this.name} has no slot "${slotName}" (checkpoint key ${key})`);
      this.state.set(key, tf.variable(value.clone(), false));
    }
    this.t = stepCount;
  }

  dispose(): void {
    for (const v of this.state.values()) v.dispose();
    this.state.clear();
  }
}

export interface AdamOptions {
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

/** torch.optim.Adam (L2 weight decay added to the gradient) or, with `decoupled`, AdamW. */
export class Adam extends SlotOptimizer {
  readonly name: string;
  protected readonly slotNames = ['exp_avg', 'exp_avg_sq'] as const;

  constructor(
    private readonly options: AdamOptions,
    private readonly decoupled: boolean,
  ) {
    super();
    this.name = decoupled ? 'adamw' : 'adam';
  }

  protected update(param: Variable, gradIn: Tensor, slot: (name: string) => Variable, lr: number): void {
    const [b1, b2] = this.options.betas;
    const wd = this.options.weightDecay;
    if (tf.getKernel(ADAM_STEP_KERNEL, tf.getBackend()) !== undefined) {
      // One native call instead of ~10 tfjs ops per parameter (the torch engine provides it).
      const m = slot('exp_avg');
      const v = slot('exp_avg_sq');
      const attrs = { lr, beta1: b1, beta2: b2, eps: this.options.eps, weightDecay: wd, decoupled: this.decoupled, step: this.t };
      const [p2, m2, v2] = tf.engine().runKernel(ADAM_STEP_KERNEL, { param, grad: gradIn, expAvg: m, expAvgSq: v }, attrs as unknown as tf.NamedAttrMap) as Tensor[];
      param.assign(p2!);
      m.assign(m2!);
      v.assign(v2!);
      return;
    }
    let grad = gradIn;
    if (wd !== 0) {
      if (this.decoupled) param.assign(tf.mul(param, 1 - lr * wd));
      else grad = tf.add(grad, tf.mul(param, wd));
    }
    const m = slot('exp_avg');
    const v = slot('exp_avg_sq');
    m.assign(tf.add(tf.mul(m, b1), tf.mul(grad, 1 - b1)));
    v.assign(tf.add(tf.mul(v, b2), tf.mul(tf.square(grad), 1 - b2)));
    const bias1 = 1 - b1 ** this.t;
    const bias2 = 1 - b2 ** this.t;
    const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bias2)), this.options.eps);
    param.assign(tf.sub(param, tf.mul(tf.div(m, denom), lr / bias1)));
  }
}

export interface SgdOptions {
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

/** torch.optim.SGD with momentum (dampening 0) and optional Nesterov. */
export class Sgd extends SlotOptimizer {
  readonly name = 'sgd';
  protected readonly slotNames = ['momentum_buffer'] as const;

  constructor(private readonly options: SgdOptions) {
    super();
  }

  protected update(param: Variable, gradIn: Tensor, slot: (name: string) => Variable, lr: number): void {
    const { momentum, nesterov, weightDecay } = this.options;
    let grad = weightDecay !== 0 ? tf.add(gradIn, tf.mul(param, weightDecay)) : gradIn;
    if (momentum !== 0) {
      const buf = slot('momentum_buffer');
      // torch initialises the buffer with the first gradient rather than decaying a zero buffer.
      buf.assign(this.t === 1 ? grad : tf.add(tf.mul(buf, momentum), grad));
      grad = nesterov ? tf.add(grad, tf.mul(buf, momentum)) : buf;
    }
    param.assign(tf.sub(param, tf.mul(grad, lr)));
  }
}

export interface OptimizerEntry<S extends z.ZodType = z.ZodType> {
  /** Parsed once by parseComponent; `create` receives the parsed arguments (the section's `lr` is the schedule's). */
  args: S;
  create(args: z.output<S>): Optimizer;
}

const defineOptimizer = <S extends z.ZodType>(entry: OptimizerEntry<S>): OptimizerEntry<S> => entry;

const adamArgs = z.strictObject({
  betas: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).default([0.9, 0.999]),
  eps: z.number().positive().default(1e-8),
  weightDecay: z.number().min(0).default(0),
});
const adamwArgs = adamArgs.extend({ weightDecay: z.number().min(0).default(0.01) });
const sgdArgs = z.strictObject({
  momentum: z.number().min(0).max(1).default(0.9),
  nesterov: z.boolean().default(false),
  weightDecay: z.number().min(0).default(0),
});

export const optimizers = Registry.from<OptimizerEntry>('optimizer', [
  ['adam', defineOptimizer({ args: adamArgs, create: (args) => new Adam(args as AdamOptions, false) })],
  ['adamw', defineOptimizer({ args: adamwArgs, create: (args) => new Adam(args as AdamOptions, true) })],
  ['sgd', defineOptimizer({ args: sgdArgs, create: (args) => new Sgd(args) })],
]);
