/**
 * Reads PyTorch checkpoints written by `torch.save` without Python: the zip format (PyTorch >= 1.6)
 * and the legacy format (magic number, protocol, sys info, pickled object, storage keys, then raw
 * storages). The state dict may sit at the top level or under "state_dict" / "model" /
 * "model_state_dict"; a DataParallel "module." prefix is stripped. Only tensors and plain values
 * are read; see pickle.ts for why nothing in the file can execute.
 */
import { AugpriorError } from '@augprior/core';
import { PickleDict, PickleError, unpickle, type PickleGlobal } from './pickle.js';
import { isZip, readZip, ZipError } from './zip.js';

export interface NdArray {
  dtype: 'float32' | 'int32';
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface TorchCheckpoint {
  format: 'zip' | 'legacy';
  stateDict: Map<string, NdArray>;
  /** Non-tensor top-level entries (e.g. akamaster's best_prec1), for reports. */
  extras: Record<string, unknown>;
}

type StorageKind = { name: string; bytes: number; read: (view: DataView, offset: number) => number; integer: boolean };

const STORAGE_KINDS: Record<string, StorageKind> = {
  FloatStorage: { name: 'float32', bytes: 4, read: (v, o) => v.getFloat32(o, true), integer: false },
  DoubleStorage: { name: 'float64', bytes: 8, read: (v, o) => v.getFloat64(o, true), integer: false },
  HalfStorage: { name: 'float16', bytes: 2, read: (v, o) => halfToFloat(v.getUint16(o, true)), integer: false },
  BFloat16Storage: { name: 'bfloat16', bytes: 2, read: (v, o) => new Float32Array(new Uint32Array([v.getUint16(o, true) << 16]).buffer)[0]!, integer: false },
  LongStorage: { name: 'int64', bytes: 8, read: (v, o) => Number(v.getBigInt64(o, true)), integer: true },
  IntStorage: { name: 'int32', bytes: 4, read: (v, o) => v.getInt32(o, true), integer: true },
  ShortStorage: { name: 'int16', bytes: 2, read: (v, o) => v.getInt16(o, true), integer: true },
  CharStorage: { name: 'int8', bytes: 1, read: (v, o) => v.getInt8(o), integer: true },
  ByteStorage: { name: 'uint8', bytes: 1, read: (v, o) => v.getUint8(o), integer: true },
  BoolStorage: { name: 'bool', bytes: 1, read: (v, o) => v.getUint8(o), integer: true },
};

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

interface StorageRef {
  kind: StorageKind;
  key: string;
  numel: number;
  /** Set once the raw bytes are known. */
  bytes?: Uint8Array;
}

interface TensorRef {
  __tensor: true;
  storage: StorageRef;
  offset: number;
  size: number[];
  stride: number[];
}

function globals(): Record<string, unknown> {
  const rebuildTensor: PickleGlobal = (storage, offset, size, stride) => ({ __tensor: true, storage, offset, size, stride }) as TensorRef;
  const g: Record<string, unknown> = {
    'collections OrderedDict': () => new PickleDict(),
    'torch._utils _rebuild_tensor_v2': rebuildTensor,
    'torch._utils _rebuild_tensor': rebuildTensor,
    'torch._utils _rebuild_parameter': (data: unknown) => data,
    'torch._utils _rebuild_parameter_with_state': (data: unknown) => data,
    'torch.nn.parameter Parameter': (data: unknown) => data,
    'builtins set': (items: unknown) => new Set(items as unknown[]),
    '__builtin__ set': (items: unknown) => new Set(items as unknown[]),
    'torch.serialization _get_layout': (name: unknown) => name,
    'torch torch.strided': () => 'strided',
  };
  // Storage types are markers: persistent ids name them, nothing calls them.
  for (const kind of Object.values(STORAGE_KINDS)) g[`torch ${Object.keys(STORAGE_KINDS).find((k) => STORAGE_KINDS[k] === kind)}`] = kind;
  return g;
}

function storageKindOf(storageClass: unknown): StorageKind {
  if (Object.values(STORAGE_KINDS).includes(storageClass as StorageKind)) return storageClass as StorageKind;
  throw new PickleError('unknown storage type in a persistent id');
}

const globalsCache = globals();

function materialize(ref: TensorRef, source: string): NdArray {
  const { storage } = ref;
  if (!storage.bytes) throw new AugpriorError('teacher.corrupt', `${source}: storage ${storage.key} has no data (truncated file?)`);
  const view = new DataView(storage.bytes.buffer, storage.bytes.byteOffset, storage.bytes.byteLength);
  const shape = ref.size.map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  // tfjs has no int64: integer tensors become int32, or float32 when a value does not fit.
  let out: Int32Array | Float32Array = storage.kind.integer ? new Int32Array(count) : new Float32Array(count);
  const stride = ref.stride.map(Number);
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < count; i++) {
    let element = ref.offset;
    for (let d = 0; d < shape.length; d++) element += index[d]! * stride[d]!;
    const byte = element * storage.kind.bytes;
    if (byte + storage.kind.bytes > storage.bytes.length) throw new AugpriorError('teacher.corrupt', `${source}: tensor reads past the end of storage ${storage.key} (truncated file?)`);
    const value = storage.kind.read(view, byte);
    if (out instanceof Int32Array && (value > 2147483647 || value < -2147483648)) out = Float32Array.from(out);
    out[i] = value;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return { dtype: out instanceof Int32Array ? 'int32' : 'float32', shape, data: out };
}

function isTensorRef(v: unknown): v is TensorRef {
  return typeof v === 'object' && v !== null && (v as TensorRef).__tensor === true;
}

/** Finds the state dict inside whatever object was saved. */
function extractStateDict(root: unknown, source: string): { dict: PickleDict; extras: Record<string, unknown> } {
  if (!(root instanceof Map)) throw new AugpriorError('teacher.format', `${source}: the checkpoint holds a ${typeof root}, not a dict of tensors (a whole pickled nn.Module is not supported; save its state_dict())`);
  const extras: Record<string, unknown> = {};
  for (const key of ['state_dict', 'model_state_dict', 'model', 'net']) {
    const inner = root.get(key);
    if (inner instanceof Map && [...inner.values()].some(isTensorRef)) {
      for (const [k, v] of root) if (k !== key && !isTensorRef(v) && !(v instanceof Map)) extras[String(k)] = typeof v === 'bigint' ? Number(v) : v;
      return { dict: inner as PickleDict, extras };
    }
  }
  if ([...root.values()].some(isTensorRef)) return { dict: root as PickleDict, extras };
  throw new AugpriorError('teacher.format', `${source}: no state dict found (top-level keys: ${[...root.keys()].map(String).join(', ')})`);
}

function collect(dict: PickleDict, source: string): Map<string, NdArray> {
  const out = new Map<string, NdArray>();
  const names = [...dict.keys()].map(String);
  const strip = names.length > 0 && names.every((n) => n.startsWith('module.'));
  for (const [key, value] of dict) {
    if (!isTensorRef(value)) continue;
    out.set(strip ? String(key).slice('module.'.length) : String(key), materialize(value, source));
  }
  return out;
}

function readZipCheckpoint(bytes: Uint8Array, source: string): TorchCheckpoint {
  const entries = readZip(bytes);
  const pklName = [...entries.keys()].find((n) => n.endsWith('/data.pkl') || n === 'data.pkl');
  if (!pklName) throw new AugpriorError('teacher.format', `${source} is a zip file but not a torch.save archive (no data.pkl)`);
  const prefix = pklName.slice(0, -'data.pkl'.length);
  const byteorder = entries.get(`${prefix}byteorder`);
  if (byteorder && new TextDecoder().decode(byteorder).trim() !== 'little') throw new AugpriorError('teacher.format', `${source} was saved big-endian`);
  const storages = new Map<string, StorageRef>();
  const { value } = unpickle(entries.get(pklName)!, 0, {
    globals: globalsCache,
    persistentLoad: (pid) => {
      const [tag, storageClass, key, , numel] = pid as [string, unknown, string, string, number];
      if (tag !== 'storage') throw new PickleError(`unknown persistent id ${tag}`);
      let ref = storages.get(key);
      if (!ref) {
        const data = entries.get(`${prefix}data/${key}`);
        if (!data) throw new AugpriorError('teacher.corrupt', `${source}: storage data/${key} is missing from the archive`);
        ref = { kind: storageKindOf(storageClass), key, numel: Number(numel), bytes: data };
        storages.set(key, ref);
      }
      return ref;
    },
  });
  const { dict, extras } = extractStateDict(value, source);
  return { format: 'zip', stateDict: collect(dict, source), extras };
}

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

function readLegacyCheckpoint(bytes: Uint8Array, source: string): TorchCheckpoint {
  const opts = { globals: globalsCache };
  const magic = unpickle(bytes, 0, opts);
  if (BigInt(magic.value as number | bigint) !== LEGACY_MAGIC) throw new AugpriorError('teacher.format', `${source} is not a PyTorch checkpoint (wrong magic number)`);
  const protocol = unpickle(bytes, magic.end, opts);
  if (protocol.value !== 1001) throw new AugpriorError('teacher.format', `${source}: unsupported legacy protocol ${String(protocol.value)}`);
  const sysInfo = unpickle(bytes, protocol.end, opts);
  if (sysInfo.value instanceof Map && sysInfo.value.get('little_endian') === false) throw new AugpriorError('teacher.format', `${source} was saved big-endian`);
  const storages = new Map<string, StorageRef>();
  const main = unpickle(bytes, sysInfo.end, {
    globals: globalsCache,
    persistentLoad: (pid) => {
      const [tag, storageClass, key, , numel, viewMetadata] = pid as [string, unknown, string, string, number, unknown];
      if (tag !== 'storage') throw new PickleError(`unknown persistent id ${tag}`);
      if (viewMetadata) throw new AugpriorError('teacher.format', `${source}: legacy storage views are not supported`);
      let ref = storages.get(key);
      if (!ref) storages.set(key, (ref = { kind: storageKindOf(storageClass), key, numel: Number(numel) }));
      return ref;
    },
  });
  const keys = unpickle(bytes, main.end, opts);
  let pos = keys.end;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const key of keys.value as string[]) {
    const ref = storages.get(key);
    if (pos + 8 > bytes.length) throw new AugpriorError('teacher.corrupt', `${source} is truncated: storage ${key} is missing`);
    const numel = Number(view.getBigInt64(pos, true));
    pos += 8;
    const size = numel * (ref?.kind.bytes ?? 4);
    if (pos + size > bytes.length) throw new AugpriorError('teacher.corrupt', `${source} is truncated: storage ${key} needs ${size} bytes, ${bytes.length - pos} remain`);
    if (ref) ref.bytes = bytes.subarray(pos, pos + size);
    pos += size;
  }
  const { dict, extras } = extractStateDict(main.value, source);
  return { format: 'legacy', stateDict: collect(dict, source), extras };
}

export function readTorchCheckpoint(bytes: Uint8Array, source: string): TorchCheckpoint {
  try {
    if (isZip(bytes)) return readZipCheckpoint(bytes, source);
    if (bytes[0] === 0x80) return readLegacyCheckpoint(bytes, source);
  } catch (error) {
    if (error instanceof PickleError || error instanceof ZipError) throw new AugpriorError('teacher.corrupt', `${source} cannot be read as a PyTorch checkpoint: ${error.message}`);
    throw error;
  }
  throw new AugpriorError('teacher.format', `${source} is neither a torch.save zip archive nor a legacy pickle checkpoint`);
}
