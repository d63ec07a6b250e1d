/**
 * A restricted unpickler for PyTorch checkpoints: enough of the pickle protocol (0-5) to read
 * `torch.save` output, and NOTHING that executes code. A global (class or function) is usable
 * only if it is in the caller's allow-list; any other global stops the read with its name, which
 * is what makes reading an untrusted .pt/.th file safe here, unlike Python's `torch.load`.
 */
export type PickleGlobal = (...args: unknown[]) => unknown;

export class PickleDict extends Map<unknown, unknown> {}

export class PickleError extends Error {}

/** An instance of an allow-listed class built with NEWOBJ/BUILD (its state kept as data). */
export interface PickleObject {
  __class__: string;
  args: unknown[];
  state?: unknown;
}

const MARK = Symbol('mark');

export interface UnpickleOptions {
  /** "module name" -> a factory (called by REDUCE/NEWOBJ) or a marker value (e.g. a storage type). */
  globals: Record<string, unknown>;
  /** Resolves BINPERSID / PERSID references (torch storages). */
  persistentLoad?: (pid: unknown) => unknown;
}

export interface UnpickleResult {
  value: unknown;
  /** Offset just after the STOP opcode (legacy torch files hold several pickles back to back). */
  end: number;
}

export function unpickle(bytes: Uint8Array, offset: number, options: UnpickleOptions): UnpickleResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder('utf-8');
  const latin1 = new TextDecoder('latin1');
  let pos = offset;
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();

  const need = (n: number) => {
    if (pos + n > bytes.length) throw new PickleError(`truncated pickle: needed ${n} bytes at offset ${pos}, file has ${bytes.length}`);
  };
  const u8 = () => {
    need(1);
    return bytes[pos++]!;
  };
  const u16 = () => {
    need(2);
    const v = view.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = () => {
    need(4);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const i32 = () => {
    need(4);
    const v = view.getInt32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = () => {
    need(8);
    const v = Number(view.getBigUint64(pos, true));
    pos += 8;
    return v;
  };
  const take = (n: number) => {
    need(n);
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const line = () => {
    const start = pos;
    while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
    if (pos >= bytes.length) throw new PickleError('truncated pickle: unterminated line');
    return latin1.decode(bytes.subarray(start, pos++));
  };
  const popMark = (): unknown[] => {
    const items: unknown[] = [];
    for (;;) {
      if (!stack.length) throw new PickleError('pickle stack underflow (no MARK)');
      const v = stack.pop();
      if (v === MARK) return items.reverse();
      items.push(v);
    }
  };
  const top = () => {
    if (!stack.length) throw new PickleError('pickle stack underflow');
    return stack[stack.length - 1];
  };
  const pop = () => {
    if (!stack.length) throw new PickleError('pickle stack underflow');
    return stack.pop();
  };
  const littleInt = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  const resolveGlobal = (module: string, name: string): unknown => {
    const key = `${module} ${name}`;
    const factory = options.globals[key];
    if (factory === undefined) throw new PickleError(`refusing to load global ${module}.${name}: not on the allow-list of this reader`);
    return factory;
  };
  const call = (fn: unknown, args: unknown[]): unknown => {
    if (typeof fn !== 'function') throw new PickleError('pickle calls a value that is not an allowed function');
    return (fn as PickleGlobal)(...args);
  };
  const setItems = (target: unknown, items: unknown[]) => {
    if (!(target instanceof Map)) throw new PickleError('SETITEM(S) on a non-dict');
    for (let i = 0; i + 1 < items.length; i += 2) target.set(items[i], items[i + 1]);
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        return { value: pop(), end: pos };
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x49: { // INT (text)
        const s = line();
        stack.push(s === '01' ? true : s === '00' ? false : Number.parseInt(s, 10));
        break;
      }
      case 0x4a:
        stack.push(i32());
        break;
      case 0x4b:
        stack.push(u8());
        break;
      case 0x4d:
        stack.push(u16());
        break;
      case 0x4c: { // LONG (text)
        const s = line().replace(/L$/, '');
        const v = BigInt(s);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x8a:
        stack.push(littleInt(take(u8())));
        break;
      case 0x8b:
        stack.push(littleInt(take(i32())));
        break;
      case 0x46:
        stack.push(Number.parseFloat(line()));
        break;
      case 0x47: { // BINFLOAT (big-endian)
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      }
      case 0x53: { // STRING (text, quoted)
        const s = line();
        stack.push(s.slice(1, -1));
        break;
      }
      case 0x54:
        stack.push(latin1.decode(take(i32())));
        break;
      case 0x55:
        stack.push(latin1.decode(take(u8())));
        break;
      case 0x56:
        stack.push(line());
        break;
      case 0x58:
        stack.push(text.decode(take(u32())));
        break;
      case 0x8c:
        stack.push(text.decode(take(u8())));
        break;
      case 0x8d:
        stack.push(text.decode(take(u64())));
        break;
      case 0x42:
        stack.push(take(u32()).slice());
        break;
      case 0x43:
        stack.push(take(u8()).slice());
        break;
      case 0x8e:
        stack.push(take(u64()).slice());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x61: { // APPEND
        const v = pop();
        (top() as unknown[]).push(v);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        (top() as unknown[]).push(...items);
        break;
      }
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x29:
        stack.push([]);
        break;
      case 0x74:
        stack.push(popMark());
        break;
      case 0x85:
        stack.push([pop()]);
        break;
      case 0x86: {
        const b = pop();
        const a = pop();
        stack.push([a, b]);
        break;
      }
      case 0x87: {
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push([a, b, c]);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PickleDict());
        break;
      case 0x64: { // DICT
        const d = new PickleDict();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x73: { // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x8f:
        stack.push(new Set());
        break;
      case 0x90: {
        const items = popMark();
        for (const i of items) (top() as Set<unknown>).add(i);
        break;
      }
      case 0x91:
        stack.push(new Set(popMark()));
        break;
      case 0x63: { // GLOBAL
        const module = line();
        const name = line();
        stack.push(resolveGlobal(module, name));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop() as string;
        const module = pop() as string;
        stack.push(resolveGlobal(module, name));
        break;
      }
      case 0x52: // REDUCE
      case 0x81: { // NEWOBJ
        const args = pop() as unknown[];
        stack.push(call(pop(), args));
        break;
      }
      case 0x92: { // NEWOBJ_EX
        pop(); // kwargs
        const args = pop() as unknown[];
        stack.push(call(pop(), args));
        break;
      }
      case 0x62: { // BUILD: obj.__setstate__(state); state on dicts (OrderedDict._metadata) is kept aside
        const state = pop();
        const obj = top();
        if (obj && typeof obj === 'object' && !(obj instanceof Map)) (obj as PickleObject).state = state;
        break;
      }
      case 0x70: // PUT
        memo.set(Number.parseInt(line(), 10), top());
        break;
      case 0x71:
        memo.set(u8(), top());
        break;
      case 0x72:
        memo.set(u32(), top());
        break;
      case 0x94:
        memo.set(memo.size, top());
        break;
      case 0x67: // GET
        stack.push(memo.get(Number.parseInt(line(), 10)));
        break;
      case 0x68:
        stack.push(memo.get(u8()));
        break;
      case 0x6a:
        stack.push(memo.get(u32()));
        break;
      case 0x50: { // PERSID
        if (!options.persistentLoad) throw new PickleError('persistent id without a loader');
        stack.push(options.persistentLoad(line()));
        break;
      }
      case 0x51: { // BINPERSID
        if (!options.persistentLoad) throw new PickleError('persistent id without a loader');
        stack.push(options.persistentLoad(pop()));
        break;
      }
      default:
        throw new PickleError(`unsupported pickle opcode 0x${op.toString(16)} at offset ${pos - 1}`);
    }
  }
}
