/**
 * ONNX teachers run by ONNX Runtime (onnxruntime-node, an optional dependency: its CPU build
 * ships inside the npm package). No tfjs model is built: batches go to the session as float32
 * and logits come back as a tfjs tensor. Execution providers default to CPU; CUDA or WebGPU are
 * used where the installed runtime has them and the teacher asks for them.
 */
import { AugpriorError, importOptional, tf, type Tensor } from '@augprior/core';

interface OrtTensor {
  data: Float32Array | BigInt64Array;
  dims: readonly number[];
  type: string;
}
interface OrtSession {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface OrtModule {
  InferenceSession: { create(path: string, options?: { executionProviders?: string[] }): Promise<OrtSession> };
  Tensor: new (type: string, data: Float32Array, dims: number[]) => OrtTensor;
}

/**
 * How an NHWC batch is fed: 'nchw' transposes images; 'nct' turns [n, time, features, 1] feature
 * batches into [n, features, time], the layout of 1-D convolutional audio models (NeMo's
 * MatchboxNet); 'as-is' passes the tensor unchanged.
 */
export type OnnxLayout = 'nhwc' | 'nchw' | 'nct' | 'as-is';

function feedLayout(x: Tensor, layout: OnnxLayout): Tensor {
  if (layout === 'nchw') return tf.transpose(x, x.rank === 4 ? [0, 3, 1, 2] : undefined);
  if (layout === 'nct') {
    if (x.rank !== 4 || x.shape[3] !== 1) throw new AugpriorError('teacher.input-shape', `the ONNX layout 'nct' takes [n, time, features, 1] batches, got [${x.shape.join(', ')}]`, 'give the teacher an audio feature front end (teacher kind audio)');
    return tf.tidy(() => tf.transpose(tf.squeeze(x, [3]), [0, 2, 1]));
  }
  return x;
}

export interface OnnxNetwork {
  session: OrtSession;
  inputName: string;
  outputName: string;
  run(x: Tensor): Promise<Tensor>;
  dispose(): Promise<void>;
}

async function loadOrt(): Promise<OrtModule> {
  const loaded = await importOptional('onnxruntime-node');
  if (!loaded.module) throw new AugpriorError('teacher.onnx-unavailable', `ONNX teachers need onnxruntime-node: ${loaded.detail}`, 'npm install onnxruntime-node (its CPU runtime ships in the package)');
  return loaded.module as unknown as OrtModule;
}

export async function openOnnx(path: string, options: { layout: OnnxLayout; providers?: string[] }): Promise<OnnxNetwork> {
  const ort = await loadOrt();
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(path, { executionProviders: options.providers ?? ['cpu'] });
  } catch (error) {
    throw new AugpriorError('teacher.corrupt', `${path} cannot be loaded by ONNX Runtime: ${(error as Error).message.split('\n')[0]}`);
  }
  const inputName = session.inputNames[0]!;
  const outputName = session.outputNames[0]!;
  return {
    session,
    inputName,
    outputName,
    async run(x) {
      const fed = feedLayout(x, options.layout);
      const data = (await fed.data()) as Float32Array;
      const shape = [...fed.shape];
      if (fed !== x) fed.dispose();
      const out = (await session.run({ [inputName]: new ort.Tensor('float32', data, shape) }))[outputName]!;
      const batch = out.dims[0]!;
      const values = out.data instanceof Float32Array ? out.data : Float32Array.from(out.data as unknown as ArrayLike<number>, Number);
      return tf.tensor2d(values, [batch, values.length / batch]);
    },
    dispose: () => session.release(),
  };
}
