/**
 * A tfjs KernelBackend whose tensors live in ATen. Each tfjs dataId maps to one native handle;
 * reference counting follows tfjs' protocol (incRef / disposeData), and disposal frees the ATen
 * tensor at once rather than waiting for JavaScript's garbage collector.
 */
import * as tf from '@tensorflow/tfjs';
import type { NativeAddon, NativeHandle, NativeResult } from './native.js';

type DataId = object;
type DataType = tf.DataType;
type BackendValues = tf.backend_util.BackendValues;

interface Entry {
  handle: NativeHandle;
  dtype: DataType;
  shape: number[];
  refCount: number;
}

export const DTYPE_CODES: Record<string, number> = { float32: 0, int32: 1, bool: 2 };
const DTYPES: DataType[] = ['float32', 'int32', 'bool'];

export function toTypedArray(values: BackendValues | null, dtype: DataType, size: number): Float32Array | Int32Array | Uint8Array {
  const code = DTYPE_CODES[dtype];
  if (code === undefined) throw new Error(`the torch engine does not support ${dtype} tensors`);
  if (values === null) return dtype === 'float32' ? new Float32Array(size) : dtype === 'int32' ? new Int32Array(size) : new Uint8Array(size);
  if (dtype === 'float32') return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  if (dtype === 'int32') return values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
  return values instanceof Uint8Array ? values : Uint8Array.from(values as ArrayLike<number>);
}

export class TorchBackend extends tf.KernelBackend {
  private readonly data = new WeakMap<DataId, Entry>();
  private count = 0;

  constructor(
    readonly native: NativeAddon,
    readonly device: string,
  ) {
    super();
  }

  /** Registers a native result under a fresh dataId and returns the tfjs TensorInfo. */
  adopt(result: NativeResult): tf.TensorInfo {
    const [handle, code, ...shape] = result;
    const dtype = DTYPES[code]!;
    const dataId = {};
    this.data.set(dataId, { handle, dtype, shape, refCount: 1 });
    this.count++;
    return { dataId, shape, dtype };
  }

  handleOf(info: tf.TensorInfo): NativeHandle {
    const entry = this.data.get(info.dataId);
    if (!entry) throw new Error('tensor data is not on the torch backend');
    return entry.handle;
  }

  override refCount(dataId: DataId): number {
    return this.data.get(dataId)?.refCount ?? 0;
  }

  override incRef(dataId: DataId): void {
    const entry = this.data.get(dataId);
    if (entry) entry.refCount++;
  }

  override write(values: BackendValues | null, shape: number[], dtype: DataType): DataId {
    const size = shape.reduce((a, b) => a * b, 1);
    return this.adopt(this.native.fromBuffer(toTypedArray(values, dtype, size), shape, DTYPE_CODES[dtype]!)).dataId;
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    const size = shape.reduce((a, b) => a * b, 1);
    const [handle] = this.native.fromBuffer(toTypedArray(values, dtype, size), shape, DTYPE_CODES[dtype]!);
    this.data.set(dataId, { handle, dtype, shape, refCount });
    this.count++;
  }

  override readSync(dataId: DataId): BackendValues {
    const entry = this.data.get(dataId);
    if (!entry) throw new Error('readSync: tensor data is not on the torch backend');
    return this.native.toBuffer(entry.handle);
  }

  override async read(dataId: DataId): Promise<BackendValues> {
    return this.readSync(dataId);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const entry = this.data.get(dataId);
    if (!entry) return true;
    if (force) entry.refCount = 0;
    else entry.refCount--;
    if (entry.refCount > 0) return false;
    this.native.release(entry.handle);
    this.data.delete(dataId);
    this.count--;
    return true;
  }

  override numDataIds(): number {
    return this.count;
  }

  override memory(): { unreliable: boolean; reasons: string[] } {
    return { unreliable: true, reasons: ['bytes are counted by the tfjs engine; ATen allocations are not'] };
  }

  override timerAvailable(): boolean {
    return true;
  }

  override async time(f: () => void): Promise<tf.TimingInfo> {
    const start = performance.now();
    f();
    const ms = performance.now() - start;
    return { kernelMs: ms, wallMs: ms };
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override epsilon(): number {
    return 1e-7;
  }

  override dispose(): void {}
}
