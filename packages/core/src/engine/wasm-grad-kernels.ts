/**
 * Gradient kernels the stock tfjs wasm backend lacks, so that it can TRAIN convnets.
 *
 * tfjs-backend-wasm 4.22 registers Conv2DBackpropInput but not Conv2DBackpropFilter, nor either
 * depthwise backprop, so `variableGrads` through any conv layer throws on wasm. Each missing
 * gradient is rewritten here as a FORWARD convolution (the classic "gradient of a conv is a conv"
 * identities), which the wasm backend runs through XNNPACK:
 *
 *  - dW of a conv:  treat input channels as the batch and the batch as channels; the output
 *    gradient becomes the filter, applied with dilation = the forward stride.
 *  - dW of a depthwise conv: the same, with (batch x channel) folded into depthwise channels.
 *  - dX of a depthwise conv: a depthwise conv of the stride-dilated, padded output gradient
 *    with the spatially flipped filter.
 *
 * Kernels receive TensorInfos owned by the engine; `borrow` wraps one as a Tensor holding an extra
 * backend reference (released right after), and `handOver` passes the result's data to the engine
 * without a copy.
 */
import { tf, type Tensor } from '../tf.js';

type KernelBackend = tf.KernelBackend;
type TensorInfo = tf.TensorInfo;
type PadInfo = { top: number; bottom: number; left: number; right: number };

const { backend_util } = tf;

function borrow(info: TensorInfo, backend: KernelBackend): Tensor {
  backend.incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info, backend);
}

/** Runs `compute` on borrowed inputs and releases them before handing the result over. */
function runOnBorrowed(backend: KernelBackend, infos: TensorInfo[], compute: (...tensors: Tensor[]) => Tensor): TensorInfo {
  const tensors = infos.map((info) => borrow(info, backend));
  try {
    return handOver(compute(...tensors), backend);
  } finally {
    for (const t of tensors) t.dispose();
  }
}

function handOver(result: Tensor, backend: KernelBackend): TensorInfo {
  backend.incRef(result.dataId);
  const info: TensorInfo = { dataId: result.dataId, shape: result.shape, dtype: result.dtype };
  result.dispose();
  return info;
}

function pair(value: number | [number, number]): [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}

/** Pads (positive) or crops (negative) the two spatial axes of an NHWC tensor. */
function padOrCrop(x: Tensor, top: number, bottom: number, left: number, right: number): Tensor {
  const padded = tf.pad(x, [
    [0, 0],
    [Math.max(top, 0), Math.max(bottom, 0)],
    [Math.max(left, 0), Math.max(right, 0)],
    [0, 0],
  ]);
  const [n, h, w, c] = padded.shape as [number, number, number, number];
  const cropTop = Math.max(-top, 0);
  const cropLeft = Math.max(-left, 0);
  return tf.slice(padded, [0, cropTop, cropLeft, 0], [n, h - cropTop - Math.max(-bottom, 0), w - cropLeft - Math.max(-right, 0), c]);
}

/** Inserts (stride-1) zeros between spatial samples: [n,oh,ow,c] -> [n,(oh-1)*sh+1,(ow-1)*sw+1,c]. */
function dilateSpatial(x: Tensor, sh: number, sw: number): Tensor {
  if (sh === 1 && sw === 1) return x;
  const [n, oh, ow, c] = x.shape as [number, number, number, number];
  const spread = tf.pad(tf.reshape(x, [n, oh, 1, ow, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return tf.slice(tf.reshape(spread, [n, oh * sh, ow * sw, c]), [0, 0, 0, 0], [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, c]);
}

/** Takes every `step`-th position along the spatial axes, starting at 0, `count` of them. */
function subsampleSpatial(x: Tensor, dh: number, dw: number, kh: number, kw: number): Tensor {
  const [n, , , c] = x.shape as [number, number, number, number];
  if (dh === 1 && dw === 1) return tf.slice(x, [0, 0, 0, 0], [n, kh, kw, c]);
  const rows = tf.gather(x, tf.range(0, kh * dh, dh, 'int32'), 1);
  return tf.gather(rows, tf.range(0, kw * dw, dw, 'int32'), 2);
}

/** dW[kh,kw,ci,co] = sum_{n,oh,ow} xpad[n, oh*sh+kh, ow*sw+kw, ci] * dy[n,oh,ow,co]. */
export function conv2dBackpropFilterAsConv(x: Tensor, dy: Tensor, filterShape: [number, number, number, number], strides: [number, number], padInfo: PadInfo): Tensor {
  return tf.tidy(() => {
    const [kh, kw] = filterShape;
    const [sh, sw] = strides;
    const channelsAsBatch = tf.transpose(x, [3, 1, 2, 0]); // [ci, h, w, n]
    const gradAsFilter = tf.transpose(dy, [1, 2, 0, 3]); // [oh, ow, n, co]
    const explicit: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [padInfo.top, padInfo.bottom],
      [padInfo.left, padInfo.right],
      [0, 0],
    ];
    const full = tf.conv2d(channelsAsBatch as tf.Tensor4D, gradAsFilter as tf.Tensor4D, 1, explicit, 'NHWC', [sh, sw]);
    const [ci, , , co] = full.shape;
    const cropped = tf.slice(full, [0, 0, 0, 0], [ci, kh, kw, co]); // [ci, kh, kw, co]
    return tf.transpose(cropped, [1, 2, 0, 3]);
  });
}

/** dW[kh,kw,c,m] = sum_{n,oh,ow} xpad[n, oh*sh+kh*dh, ow*sw+kw*dw, c] * dy[n,oh,ow,c*M+m]. */
export function depthwiseBackpropFilterAsConv(
  x: Tensor,
  dy: Tensor,
  filterShape: [number, number, number, number],
  strides: [number, number],
  dilations: [number, number],
  padInfo: PadInfo,
): Tensor {
  return tf.tidy(() => {
    const [kh, kw, c, m] = filterShape;
    const [n, , , ] = x.shape as [number, number, number, number];
    const [, oh, ow] = dy.shape as [number, number, number, number];
    const xpad = padOrCrop(x, padInfo.top, padInfo.bottom, padInfo.left, padInfo.right);
    const [, hp, wp] = xpad.shape as [number, number, number, number];
    // Fold batch into channels: [1, hp, wp, n*c], each (n, c) pair a depthwise channel.
    const folded = tf.reshape(tf.transpose(xpad, [1, 2, 0, 3]), [1, hp, wp, n * c]);
    const perMultiplier: Tensor[] = [];
    const dyByMultiplier = tf.reshape(dy, [n, oh, ow, c, m]);
    for (let j = 0; j < m; j++) {
      const dyj = tf.reshape(tf.slice(dyByMultiplier, [0, 0, 0, 0, j], [n, oh, ow, c, 1]), [n, oh, ow, c]);
      const filter = tf.reshape(tf.transpose(dyj, [1, 2, 0, 3]), [oh, ow, n * c, 1]);
      const full = tf.depthwiseConv2d(folded as tf.Tensor4D, filter as tf.Tensor4D, 1, 'valid', 'NHWC', [strides[0], strides[1]]);
      const taps = subsampleSpatial(full, dilations[0], dilations[1], kh, kw); // [1, kh, kw, n*c]
      perMultiplier.push(tf.sum(tf.reshape(taps, [kh, kw, n, c]), 2)); // [kh, kw, c]
    }
    return tf.stack(perMultiplier, 3); // [kh, kw, c, m]
  });
}

/** dX of a depthwise conv as a depthwise conv of the dilated gradient with the flipped filter. */
export function depthwiseBackpropInputAsConv(
  dy: Tensor,
  filter: Tensor,
  inputShape: [number, number, number, number],
  strides: [number, number],
  dilations: [number, number],
  padInfo: PadInfo,
): Tensor {
  return tf.tidy(() => {
    const [kh, kw, c, m] = filter.shape as [number, number, number, number];
    const [n, h, w] = inputShape;
    const [, oh, ow] = dy.shape as [number, number, number, number];
    const [dh, dw] = dilations;
    const flipped = tf.reverse(filter, [0, 1]);
    const dyByMultiplier = tf.reshape(dy, [n, oh, ow, c, m]);
    let total: Tensor | undefined;
    for (let j = 0; j < m; j++) {
      const dyj = tf.reshape(tf.slice(dyByMultiplier, [0, 0, 0, 0, j], [n, oh, ow, c, 1]), [n, oh, ow, c]);
      const spread = dilateSpatial(dyj, strides[0], strides[1]);
      const [, sh, sw] = spread.shape as [number, number, number, number];
      const padTop = (kh - 1) * dh - padInfo.top;
      const padLeft = (kw - 1) * dw - padInfo.left;
      const padded = padOrCrop(spread, padTop, h + (kh - 1) * dh - padTop - sh, padLeft, w + (kw - 1) * dw - padLeft - sw);
      const fj = tf.slice(flipped, [0, 0, 0, j], [kh, kw, c, 1]);
      const part = tf.depthwiseConv2d(padded as tf.Tensor4D, fj as tf.Tensor4D, 1, 'valid', 'NHWC', [dh, dw]);
      total = total === undefined ? part : tf.add(total, part);
    }
    return total!;
  });
}

function computePadInfo(
  inputShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: [number, number],
  dilations: [number, number],
  pad: tf.backend_util.ExplicitPadding | 'valid' | 'same' | number,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
  depthwise: boolean,
): PadInfo {
  const info = backend_util.computeConv2DInfo(inputShape, filterShape, strides, dilations, pad, dimRoundingMode, depthwise);
  return info.padInfo;
}

let registered = false;

/** Registers the missing gradient kernels on the 'wasm' backend (idempotent). */
export function registerWasmGradientKernels(): string[] {
  if (registered) return [];
  const added: string[] = [];
  const add = (config: tf.KernelConfig) => {
    if (tf.getKernel(config.kernelName, 'wasm') === undefined) {
      tf.registerKernel(config);
      added.push(config.kernelName);
    }
  };

  add({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only');
      const s = pair(strides);
      const padInfo = computePadInfo(x.shape as [number, number, number, number], filterShape, s, [1, 1], pad, dimRoundingMode, false);
      return runOnBorrowed(backend as KernelBackend, [x, dy], (xt, dyt) => conv2dBackpropFilterAsConv(xt!, dyt!, filterShape, s, padInfo));
    },
  });

  add({
    kernelName: 'DepthwiseConv2dNativeBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
      const s = pair(strides);
      const d = pair(dilations);
      const padInfo = computePadInfo(x.shape as [number, number, number, number], filterShape, s, d, pad, dimRoundingMode, true);
      return runOnBorrowed(backend as KernelBackend, [x, dy], (xt, dyt) => depthwiseBackpropFilterAsConv(xt!, dyt!, filterShape, s, d, padInfo));
    },
  });

  add({
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
      const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
      const s = pair(strides);
      const d = pair(dilations);
      const filterShape = filter.shape as [number, number, number, number];
      const padInfo = computePadInfo(inputShape, filterShape, s, d, pad, dimRoundingMode, true);
      return runOnBorrowed(backend as KernelBackend, [dy, filter], (dyt, ft) => depthwiseBackpropInputAsConv(dyt!, ft!, inputShape, s, d, padInfo));
    },
  });

  registered = true;
  return added;
}
