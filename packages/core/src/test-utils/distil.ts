/** A small, fully seeded distillation loop for engine tests (teacher: a random ResNet-8). */
import { tf } from '../tf.js';
import { createModel } from '../models/index.js';
import { klDistillation } from '../losses/distillation.js';
import { Adam } from '../optim/optimizers.js';
import { Rng } from '../rng.js';
import { selectEngine } from '../engine/select-engine.js';

function batch(rng: Rng, n: number, size: number): tf.Tensor {
  return tf.tensor4d(rng.fillNormal(new Float32Array(n * size * size * 3)), [n, size, size, 3]);
}

/** Distils `arch` for `steps` steps on `engine`; returns the loss of every step. */
export async function distil(engine: 'cpu' | 'torch', arch: string, steps: number, size = 8, onStep?: (step: number) => void | Promise<void>): Promise<number[]> {
  await selectEngine({ backend: engine });
  const student = createModel(arch, { numClasses: 5 }, 1);
  const teacher = createModel('resnet8', { numClasses: 5 }, 2);
  const params = student.namedParameters();
  const nameOf = new Map(params.map(([n, v]) => [v.name, n]));
  const optimizer = new Adam({ betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 }, false);
  const rng = Rng.fromSeed(7);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const x = batch(rng, 8, size);
    const t = tf.tidy(() => teacher.forward(x, { training: false }));
    const { value, grads } = tf.variableGrads(() => klDistillation(student.forward(x, { training: true }), t, { temperature: 4, scaleByTemperatureSquared: true }), params.map(([, v]) => v));
    optimizer.step(params, Object.fromEntries(Object.entries(grads).map(([k, g]) => [nameOf.get(k)!, g])), 1e-3);
    losses.push((await value.data())[0]!);
    tf.dispose([x, t, value, ...Object.values(grads)]);
    await new Promise((resolve) => setImmediate(resolve)); // as the trainer does every step
    await onStep?.(step);
  }
  optimizer.dispose();
  student.dispose();
  teacher.dispose();
  return losses;
}

