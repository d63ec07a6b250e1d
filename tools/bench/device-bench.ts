/**
 * Bundled (esbuild) entry for GPU machines that have no node_modules: runs augprior's reference
 * throughput workload on the torch engine (`DEVICE=cuda|cpu`) or on tfjs-backend-webgpu
 * (`ENGINE=webgpu`, Dawn through the `webgpu` package) and prints one JSON object.
 * Used by tools/bench/device-check.sh; the workload is core's `measureThroughput`.
 */
import { BenchWorkloadSchema, measureThroughput, tf } from '@augprior/core';
import { registerTorchBackend } from '@augprior/engine-torch';

const engine = process.env['ENGINE'] ?? 'torch';
const workload = BenchWorkloadSchema.parse(JSON.parse(process.env['WORKLOAD'] ?? '{}'));
let detail: unknown;
if (engine === 'torch') {
  const device = (process.env['DEVICE'] ?? 'cuda') as 'cpu' | 'cuda';
  detail = registerTorchBackend({ device, threads: Number(process.env['THREADS'] ?? 0) });
  await tf.setBackend('torch');
} else {
  const dawn = (await import(process.env['WEBGPU_MODULE'] ?? 'webgpu')) as { create(flags: string[]): unknown; globals: object };
  Object.assign(globalThis, dawn.globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: dawn.create([]) }, configurable: true });
  // tfjs-backend-webgpu registers itself only if navigator.gpu exists when it is imported.
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not initialise the webgpu backend');
  const adapter = (await (globalThis as unknown as { navigator: { gpu: { requestAdapter(): Promise<{ info?: { description?: string; vendor?: string } } | null> } } }).navigator.gpu.requestAdapter());
  detail = { adapter: adapter?.info ?? null };
}
await tf.ready();
const measured = await measureThroughput(workload);
console.log(JSON.stringify({ engine, backend: tf.getBackend(), detail, workload, ...measured }));
process.exit(0);
