/**
 * A minimal PyTorch-style module tree over tfjs variables. Parameter and buffer names are the
 * dotted paths of PyTorch's `state_dict` (`layer1.0.conv1.weight`, `bn1.running_mean`), which
 * makes them the stable layer ids of a model: checkpoints, teacher import from PyTorch and
 * per-layer reports all key on them. Tensors stay NHWC, so conv kernels are HWIO and linear
 * weights are [in, out]; importers transpose from PyTorch's OIHW / [out, in].
 */
import { tf, type Tensor, type Variable } from '../tf.js';

export interface ForwardOptions {
  /** Batch statistics + running-stat updates in batch norm. */
  training: boolean;
}

export abstract class Module {
  private readonly ownParams = new Map<string, Variable>();
  private readonly ownBuffers = new Map<string, Variable>();
  private readonly children = new Map<string, Module>();

  abstract forward(x: Tensor, options: ForwardOptions): Tensor;

  protected addParameter(name: string, initial: Tensor): Variable {
    return this.addVariable(this.ownParams, name, initial, true);
  }

  protected addBuffer(name: string, initial: Tensor): Variable {
    return this.addVariable(this.ownBuffers, name, initial, false);
  }

  protected addModule<M extends Module>(name: string, child: M): M {
    if (this.children.has(name) || this.ownParams.has(name) || this.ownBuffers.has(name)) {
      throw new Error(`duplicate member "${name}" in ${this.constructor.name}`);
    }
    this.children.set(name, child);
    return child;
  }

  private addVariable(into: Map<string, Variable>, name: string, initial: Tensor, trainable: boolean): Variable {
    if (into.has(name) || this.children.has(name)) throw new Error(`duplicate member "${name}" in ${this.constructor.name}`);
    // The initial tensor is handed over: the variable keeps its own copy.
    const variable = tf.variable(initial, trainable);
    initial.dispose();
    into.set(name, variable);
    return variable;
  }

  /** Trainable variables by dotted name, in registration order. */
  namedParameters(prefix = ''): Array<[string, Variable]> {
    return this.collect(prefix, (m) => m.ownParams);
  }

  /** Non-trainable state (batch-norm running statistics) by dotted name. */
  namedBuffers(prefix = ''): Array<[string, Variable]> {
    return this.collect(prefix, (m) => m.ownBuffers);
  }

  /** Parameters then buffers: everything a checkpoint must hold to restore the model. */
  stateDict(): Map<string, Variable> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /** This module and every descendant, depth first. */
  modules(): Module[] {
    return [this, ...[...this.children.values()].flatMap((child) => child.modules())];
  }

  parameterCount(): number {
    return this.namedParameters().reduce((sum, [, v]) => sum + v.size, 0);
  }

  private collect(prefix: string, pick: (m: Module) => Map<string, Variable>): Array<[string, Variable]> {
    const out: Array<[string, Variable]> = [];
    for (const [name, v] of pick(this)) out.push([prefix + name, v]);
    for (const [name, child] of this.children) out.push(...child.collect(`${prefix}${name}.`, pick));
    return out;
  }

  dispose(): void {
    for (const [, v] of this.namedParameters()) v.dispose();
    for (const [, v] of this.namedBuffers()) v.dispose();
  }
}

/** An ordered container whose children are named 0, 1, 2... like torch.nn.Sequential. */
export class Sequential extends Module {
  private readonly layers: Module[] = [];

  constructor(layers: Module[]) {
    super();
    layers.forEach((layer, i) => this.layers.push(this.addModule(String(i), layer)));
  }

  forward(x: Tensor, options: ForwardOptions): Tensor {
    let out = x;
    for (const layer of this.layers) out = layer.forward(out, options);
    return out;
  }
}
