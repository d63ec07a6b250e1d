/**
 * The reference throughput workload: student ResNet-20 + teacher ResNet-56 (CIFAR, option-A),
 * 32x32x3 input, batch 128, KL at T=8, Adam 1e-3. One step = teacher forward + student forward,
 * backward and update; the figure is the median step after warm-up. Eval = teacher forward at
 * batch 500. Runs on whatever engine is active; the caller runs one engine per process so peak
 * RSS belongs to that engine alone.
 */
import { z } from 'zod';
import { tf, type Tensor } from '../tf.js';
import { Rng } from '../rng.js';
import { RNG_STREAMS } from '../rng-streams.js';
import { createModel } from '../models/index.js';
import { klDistillation } from '../losses/distillation.js';
import { Adam } from '../optim/optimizers.js';

export const BenchWorkloadSchema = z.strictObject({
  student: z.string().default('resnet20'),
  teacher: z.string().default('resnet56'),
  numClasses: z.number().int().positive().default(10),
  inputSize: z.number().int().positive().default(32),
  batchSize: z.number().int().positive().default(128),
  evalBatchSize: z.number().int().positive().default(500),
  steps: z.number().int().positive().default(10),
  warmup: z.number().int().min(0).default(3),
  evalRepeats: z.number().int().positive().default(3),
  temperature: z.number().positive().default(8),
  lr: z.number().positive().default(1e-3),
  seed: z.number().int().min(0).default(0),
});
export type BenchWorkload = z.infer<typeof BenchWorkloadSchema>;

export interface EngineThroughput {
  train_img_s: number;
  eval_img_s: number;
  step_ms_median: number;
  eval_ms_median: number;
  peak_rss_mb: number;
  steps: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function randomBatch(rng: Rng, n: number, size: number): Tensor {
  return tf.tensor4d(rng.fillNormal(new Float32Array(n * size * size * 3)), [n, size, size, 3]);
}

export async function measureThroughput(workload: BenchWorkload): Promise<EngineThroughput> {
  const w = workload;
  const student = createModel(w.student, { numClasses: w.numClasses }, w.seed);
  const teacher = createModel(w.teacher, { numClasses: w.numClasses }, w.seed + 1);
  const params = student.namedParameters();
  const nameOf = new Map(params.map(([name, v]) => [v.name, name]));
  const optimizer = new Adam({ betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 }, false);
  const rng = Rng.derive(w.seed, RNG_STREAMS.bench);
  const stepMs: number[] = [];
  try {
    for (let i = 0; i < w.warmup + w.steps; i++) {
      const x = randomBatch(rng, w.batchSize, w.inputSize);
      const started = performance.now();
      const teacherLogits = tf.tidy(() => teacher.forward(x, { training: false }));
      const { value, grads } = tf.variableGrads(() => klDistillation(student.forward(x, { training: true }), teacherLogits, { temperature: w.temperature, scaleByTemperatureSquared: false }), params.map(([, v]) => v));
      const named: Record<string, Tensor> = {};
      for (const [k, g] of Object.entries(grads)) named[nameOf.get(k)!] = g;
      optimizer.step(params, named, w.lr);
      await value.data(); // the step is done when its loss can be read
      // Reading one parameter back forces the (possibly asynchronous) update to finish too.
      await params[0]![1].data();
      if (i >= w.warmup) stepMs.push(performance.now() - started);
      tf.dispose([x, teacherLogits, value, ...Object.values(grads)]);
    }
    const evalMs: number[] = [];
    for (let i = 0; i < w.evalRepeats + 1; i++) {
      const x = randomBatch(rng, w.evalBatchSize, w.inputSize);
      const started = performance.now();
      const logits = tf.tidy(() => teacher.forward(x, { training: false }));
      await logits.data();
      if (i > 0) evalMs.push(performance.now() - started);
      tf.dispose([x, logits]);
    }
    const stepMedian = median(stepMs);
    const evalMedian = median(evalMs);
    return {
      train_img_s: round((w.batchSize * 1000) / stepMedian),
      eval_img_s: round((w.evalBatchSize * 1000) / evalMedian),
      step_ms_median: round(stepMedian),
      eval_ms_median: round(evalMedian),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      steps: stepMs.length,
    };
  } finally {
    optimizer.dispose();
    student.dispose();
    teacher.dispose();
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
