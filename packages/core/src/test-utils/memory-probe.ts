/**
 * Runs 1,000 distillation steps on the torch engine in a plain Node process and prints, as JSON,
 * the live tfjs tensors, live native tensors, malloc'd native bytes and RSS after a full garbage
 * collection at steps 200, 600 and 1000. Spawned by torch-engine-memory.spec.ts so that the test
 * runner's own memory (RPC buffers, module graph) is not part of what is measured.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { tf } from '../tf.js';
import { importOptional } from '../engine/select-engine.js';
import { distil } from './distil.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const engine = (await importOptional('@augprior/engine-torch')).module as { loadNative(): { addon: { info(): { liveTensors: number; mallocInUseBytes: number } } } };
const samples: Record<number, { tensors: number; native: number; malloc: number; rss: number }> = {};
await distil('torch', 'resnet8', 1000, 16, async (step) => {
  if (![199, 599, 999].includes(step)) return;
  gc();
  await new Promise((resolve) => setImmediate(resolve)); // native finalizers run after the collection
  const info = engine.loadNative().addon.info();
  samples[step + 1] = { tensors: tf.memory().numTensors, native: info.liveTensors, malloc: info.mallocInUseBytes, rss: process.memoryUsage().rss };
});
console.log(JSON.stringify(samples));
