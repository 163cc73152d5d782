/**
 * A restricted reader of Python pickles (protocols 0-5), for numpy object arrays whose items are
 * lists of integers or 1-D integer arrays, as Keras' imdb.npz and reuters.npz store their
 * sequences, and for dicts of numpy arrays and lists, as CIFAR's Python-version batches hold them.
 * Only the objects numpy writes there are built (ndarray, dtype, _codecs.encode): any other global
 * is refused, so a pickle can never run code here, unlike Python's own loader. Python 2 strings
 * come back as bytes, as Python 3 loads them with `encoding="bytes"` (Keras' CIFAR loader does).
 */

/** A numpy array rebuilt from its pickled state: its items (objects) or raw bytes (numbers). */
export class PickledArray {
  shape: number[] = [];
  dtype: PickledDType | null = null;
  items: unknown[] | null = null;
  raw: Uint8Array | null = null;
  /** The raw bytes are in Fortran (column-major) order. */
  fortran = false;
}

/** A Python dict, its keys kept as pickled: str, bytes (Python 2 strings) or numbers. */
export class PickledDict {
  readonly entries = new Map<unknown, unknown>();

  /** The value of the key whose text (bytes decoded as UTF-8, as Keras decodes CIFAR's keys) is `name`. */
  get(name: string): unknown {
    for (const [k, v] of this.entries) if (keyText(k) === name) return v;
    return undefined;
  }

  /** The keys as text, for messages. */
  keyNames(): string[] {
    return [...this.entries.keys()].map(keyText);
  }
}

/** numpy.dtype("i8") and the byte order its state sets. */
export class PickledDType {
  order = "|";
  constructor(readonly code: string) {}
}

class Global {
  constructor(readonly module: string, readonly name: string) {}
}

const ALLOWED = new Set([
  "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct", "numpy.ndarray", "numpy.dtype", "_codecs.encode",
  "numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer",
]);

const MARK = Symbol("mark");

function fail(where: string, msg: string): never {
  throw new Error(`${where}: ${msg}`);
}

function latin1Bytes(s: string): Uint8Array {
  // A loop, not Uint8Array.from(s, fn): a CIFAR batch's pixels arrive as a 30-million-character string.
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** A str, or a Python 2 string (bytes), as text. */
export function textOf(v: unknown): string {
  return v instanceof Uint8Array ? new TextDecoder("utf-8").decode(v) : String(v);
}

function keyText(k: unknown): string {
  return typeof k === "string" || k instanceof Uint8Array ? textOf(k) : String(k);
}

function call(where: string, fn: unknown, args: unknown): unknown {
  if (!(fn instanceof Global) || !Array.isArray(args)) fail(where, "the pickle calls something other than a known global");
  const key = `${fn.module}.${fn.name}`;
  if (key.endsWith("._reconstruct")) return new PickledArray();
  if (key === "numpy.dtype") return new PickledDType(textOf(args[0]));
  if (key === "_codecs.encode") return latin1Bytes(textOf(args[0]));
  if (key.endsWith("._frombuffer")) {
    // Protocol 5's form of a numeric array: _frombuffer(bytes, dtype, shape, order).
    const [buf, dtype, shape, order] = args as [unknown, unknown, unknown, unknown];
    if (!(buf instanceof Uint8Array) || !(dtype instanceof PickledDType) || !Array.isArray(shape) || order !== "C") fail(where, "the pickle holds a numpy array in a form this reader does not handle");
    const a = new PickledArray();
    a.shape = shape.map(Number); a.dtype = dtype; a.raw = buf;
    return a;
  }
  return fail(where, `the pickle calls ${key}, which this reader does not build`);
}

function build(where: string, obj: unknown, state: unknown): void {
  if (obj instanceof PickledDType) {
    if (Array.isArray(state) && (typeof state[1] === "string" || state[1] instanceof Uint8Array)) obj.order = textOf(state[1]);
    return;
  }
  if (!(obj instanceof PickledArray) || !Array.isArray(state) || state.length < 5) fail(where, "the pickle sets the state of an object that is not a numpy array");
  const [, shape, dtype, fortran, data] = state as [unknown, unknown, unknown, unknown, unknown];
  if (!Array.isArray(shape) || !(dtype instanceof PickledDType)) fail(where, "a numpy array's pickled state has no shape and dtype");
  obj.shape = shape.map(Number);
  obj.dtype = dtype;
  obj.fortran = fortran === true || fortran === 1;
  if (Array.isArray(data)) obj.items = data;
  else if (data instanceof Uint8Array) obj.raw = data;
  else if (typeof data === "string") obj.raw = latin1Bytes(data);
  else fail(where, "a numpy array's pickled data is neither a list nor bytes");
}

/** Reads one pickled object (dicts, lists, tuples, ints, floats, strings, bytes, numpy arrays and dtypes). */
export function readPickle(bytes: Uint8Array, where: string): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  const text = new TextDecoder("utf-8");
  let p = 0;
  const need = (n: number): void => { if (p + n > bytes.length) fail(where, "the pickle is truncated"); };
  const u8 = (): number => { need(1); return bytes[p++]; };
  const u16 = (): number => { need(2); const v = view.getUint16(p, true); p += 2; return v; };
  const u32 = (): number => { need(4); const v = view.getUint32(p, true); p += 4; return v; };
  const u64 = (): number => { need(8); const v = view.getBigUint64(p, true); p += 8; if (v > BigInt(bytes.length)) fail(where, "the pickle is truncated"); return Number(v); };
  const take = (n: number): Uint8Array => { need(n); const v = bytes.subarray(p, p + n); p += n; return v; };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, p);
    if (end < 0) fail(where, "the pickle is truncated");
    const s = new TextDecoder("latin1").decode(bytes.subarray(p, end));
    p = end + 1;
    return s;
  };
  const popMark = (): unknown[] => {
    const k = stack.lastIndexOf(MARK);
    if (k < 0) fail(where, "the pickle has no MARK where one is needed");
    const items = stack.splice(k);
    return items.slice(1);
  };
  const pop = (): unknown => { if (stack.length === 0) fail(where, "the pickle pops an empty stack"); return stack.pop(); };
  const top = (): unknown => stack[stack.length - 1];
  const longInt = (b: Uint8Array): number => {
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b.length > 0 && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) fail(where, `the pickle holds the integer ${v}, beyond what a JavaScript number holds exactly`);
    return Number(v);
  };
  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: take(8); break; // FRAME
      case 0x2e: return pop(); // STOP
      case 0x28: stack.push(MARK); break; // MARK
      case 0x63: { const module = line(); const name = line(); pushGlobal(module, name); break; } // GLOBAL
      case 0x93: { const name = String(pop()); const module = String(pop()); pushGlobal(module, name); break; } // STACK_GLOBAL
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x70: memo.set(Number(line()), top()); break; // PUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(memo.get(u8())); break; // BINGET
      case 0x6a: stack.push(memo.get(u32())); break; // LONG_BINGET
      case 0x67: stack.push(memo.get(Number(line()))); break; // GET
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: need(4); stack.push(view.getInt32(p, true)); p += 4; break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: stack.push(longInt(take(u8()))); break; // LONG1
      case 0x8b: stack.push(longInt(take(u32()))); break; // LONG4
      case 0x49: { const s = line(); stack.push(s === "01" ? true : s === "00" ? false : Number(s)); break; } // INT
      case 0x4c: stack.push(Number(line().replace(/L$/, ""))); break; // LONG
      case 0x47: need(8); stack.push(view.getFloat64(p, false)); p += 8; break; // BINFLOAT
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x6c: stack.push(popMark()); break; // LIST
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push([a, b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push([a, b, c]); break; } // TUPLE3
      case 0x61: { const v = pop(); (top() as unknown[]).push(v); break; } // APPEND
      case 0x65: { const items = popMark(); (top() as unknown[]).push(...items); break; } // APPENDS
      case 0x55: stack.push(take(u8()).slice()); break; // SHORT_BINSTRING (Python 2 str: bytes)
      case 0x54: stack.push(take(u32()).slice()); break; // BINSTRING
      case 0x43: stack.push(take(u8()).slice()); break; // SHORT_BINBYTES
      case 0x42: stack.push(take(u32()).slice()); break; // BINBYTES
      case 0x8e: stack.push(take(u64()).slice()); break; // BINBYTES8
      case 0x96: stack.push(take(u64()).slice()); break; // BYTEARRAY8
      case 0x8c: stack.push(text.decode(take(u8()))); break; // SHORT_BINUNICODE
      case 0x58: stack.push(text.decode(take(u32()))); break; // BINUNICODE
      case 0x8d: stack.push(text.decode(take(u64()))); break; // BINUNICODE8
      case 0x7d: stack.push(new PickledDict()); break; // EMPTY_DICT
      case 0x64: { const d = new PickledDict(); setItems(where, d, popMark()); stack.push(d); break; } // DICT
      case 0x73: { const v = pop(); const k = pop(); setItems(where, top(), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(where, top(), items); break; } // SETITEMS
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x52: { const args = pop(); const fn = pop(); stack.push(call(where, fn, args)); break; } // REDUCE
      case 0x62: { const state = pop(); build(where, top(), state); break; } // BUILD
      default:
        fail(where, `the pickle uses opcode 0x${op.toString(16)} at byte ${p - 1}, which this reader (numpy arrays, dicts, lists and plain values) does not handle`);
    }
  }

  function pushGlobal(module: string, name: string): void {
    if (!ALLOWED.has(`${module}.${name}`)) fail(where, `the pickle names ${module}.${name}; only numpy arrays of integer lists are read, and dicts of numpy arrays and lists (CIFAR's batches): nothing else is built from a pickle`);
    stack.push(new Global(module, name));
  }
}

function setItems(where: string, target: unknown, flat: unknown[]): void {
  if (!(target instanceof PickledDict)) fail(where, "the pickle sets items of an object that is not a dict");
  if (flat.length % 2 !== 0) fail(where, "the pickle gives a dict a key without a value");
  for (let i = 0; i < flat.length; i += 2) {
    const k = flat[i];
    // Python refuses unhashable keys; a list or dict key here means a damaged pickle.
    if (typeof k === "object" && k !== null && !(k instanceof Uint8Array)) fail(where, "the pickle gives a dict a key that is not a string, bytes or number");
    target.entries.set(k instanceof Uint8Array ? keyOfBytes(target, k) : k, flat[i + 1]);
  }
}

/** Two equal byte strings are one key, as in Python; Map compares Uint8Arrays by identity. */
function keyOfBytes(d: PickledDict, k: Uint8Array): Uint8Array {
  for (const existing of d.entries.keys()) {
    if (existing instanceof Uint8Array && existing.length === k.length && existing.every((b, i) => b === k[i])) return existing;
  }
  return k;
}

/** The integers of one item of an object array: a list of ints, or a 1-D numpy integer array. */
export function integersOf(item: unknown, where: string): number[] {
  if (Array.isArray(item)) {
    for (const v of item) if (typeof v !== "number" || !Number.isInteger(v)) fail(where, `an item holds ${typeof v === "object" ? "a nested object" : String(v)}, not an integer`);
    return item as number[];
  }
  if (item instanceof PickledArray && item.raw && item.dtype) {
    const m = /^[<>|=]?([iu])(\d)$/.exec(item.dtype.code);
    if (!m) fail(where, `an item is a numpy array of dtype ${item.dtype.code}, not of integers`);
    const size = Number(m[2]), signed = m[1] === "i", little = item.dtype.order !== ">";
    const v = new DataView(item.raw.buffer, item.raw.byteOffset, item.raw.byteLength);
    const n = item.raw.byteLength / size;
    return Array.from({ length: n }, (_, i) => {
      const o = i * size;
      switch (size) {
        case 1: return signed ? v.getInt8(o) : v.getUint8(o);
        case 2: return signed ? v.getInt16(o, little) : v.getUint16(o, little);
        case 4: return signed ? v.getInt32(o, little) : v.getUint32(o, little);
        case 8: return Number(signed ? v.getBigInt64(o, little) : v.getBigUint64(o, little));
        default: return fail(where, `an item is a numpy array of ${size}-byte integers`);
      }
    });
  }
  return fail(where, "an item is neither a list of integers nor a 1-D integer array");
}
