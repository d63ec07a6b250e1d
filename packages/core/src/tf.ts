/**
 * The one place tfjs is imported. `@tensorflow/tfjs` (not bare tfjs-core) is used because its
 * Node bundle registers every gradient and chained op into the shared engine; tfjs-core's own
 * Node entry registers none, and its ESM files cannot be loaded by Node directly.
 * tfjs keeps its engine and registries on globalThis, so backends imported elsewhere
 * (wasm, cpu, tfjs-node, the native torch engine) all register into this same engine.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
export type Tensor = tf.Tensor;
export type Variable = tf.Variable;
export type Rank = tf.Rank;
