/*
 * The JS backend's GEMM macro-kernel as a WebAssembly SIMD function, assembled here from bytes (no
 * toolchain, nothing downloaded or generated at build time).
 *
 * It does exactly what gemm-kernel.ts's TypeScript macro-kernel does, two lanes at a time: every
 * element of a C tile is the float64 sum, in ascending p, of the rounded products a*b, started from
 * zero (WebAssembly never fuses a multiply and an add), so its results are bit-identical to the
 * TypeScript kernel's. V8 keeps the scalar kernel's 16 accumulators in 8 SIMD registers instead of
 * spilling them, which is what limited the TypeScript kernel.
 *
 * Memory layout (float64): the packed A block [MC x KC] at aBase, the packed B panel [KC x NC] at
 * bBase, and the tile of sums [MC x NC] (row stride NC) at tBase, the panels packed exactly as
 * gemm-kernel.ts packs them: MR-tall row panels and NR-wide column panels, p-major inside a panel.
 */

/** Where the kernel's buffers sit in its memory, and the views gemm-kernel.ts packs into. */
export interface SimdMacroKernel {
  packA: Float64Array;
  packB: Float64Array;
  tile: Float64Array;
  /** Sums for the (mc rounded up to MR) x (nc rounded up to NR) tile over kc steps of p, into `tile`. */
  run(mc: number, nc: number, kc: number): void;
}

const I32 = 0x7f, V128 = 0x7b;
const op = {
  block: 0x02, loop: 0x03, end: 0x0b, brIf: 0x0d,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Const: 0x41, i32Eqz: 0x45, i32LtU: 0x49, i32Add: 0x6a, i32Mul: 0x6c, i32Shl: 0x74, i32ShrU: 0x76,
} as const;
const SIMD = 0xfd;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];

/** v128.load / v128.store / v128.load64_splat with an 8-byte alignment hint and a byte offset. */
const v128Load = (offset: number): number[] => [SIMD, ...uleb(0x00), 3, ...uleb(offset)];
const v128Store = (offset: number): number[] => [SIMD, ...uleb(0x0b), 3, ...uleb(offset)];
const load64Splat = (offset: number): number[] => [SIMD, ...uleb(0x0a), 3, ...uleb(offset)];
const f64x2Add = [SIMD, ...uleb(0xf0)];
const f64x2Mul = [SIMD, ...uleb(0xf2)];
const v128Zero = [SIMD, ...uleb(0x0c), ...new Array<number>(16).fill(0)];

/**
 * The module's bytes: one exported memory "m" and one exported function "k"(mc, nc, kc) for a
 * MR = NR = 4 register tile. Loops run over column panels of B (outer; one stays in L1) and row
 * panels of A (inner; the A block stays in L2).
 */
function moduleBytes(mcMax: number, kcMax: number, ncMax: number): { bytes: Uint8Array; aBase: number; bBase: number; tBase: number } {
  const aBase = 0;
  const bBase = aBase + mcMax * kcMax * 8;
  const tBase = bBase + kcMax * ncMax * 8;
  const end = tBase + mcMax * ncMax * 8;
  const pages = Math.ceil(end / 65536);
  const rowBytes = ncMax * 8; // the tile's row stride

  // Locals: params 0 mc, 1 nc, 2 kc; i32 3 i0, 4 j0, 5 ai, 6 bi, 7 aEnd, 8 panelBytes (kc*32);
  // v128 9..16 accumulators (row r: 9 + 2r low lanes, 10 + 2r high lanes), 17 bLo, 18 bHi, 19 a.
  const [mc, nc, kc, i0, j0, ai, bi, aEnd, panel] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const acc = (r: number, hi: number): number => 9 + 2 * r + hi;
  const [bLo, bHi, av] = [17, 18, 19];
  const get = (l: number): number[] => [op.localGet, ...uleb(l)];
  const set = (l: number): number[] => [op.localSet, ...uleb(l)];
  const i32 = (v: number): number[] => [op.i32Const, ...sleb(v)];

  const body: number[] = [];
  const emit = (...parts: number[][]): void => { for (const p of parts) body.push(...p); };
  // panel = kc * 32 (bytes of one packed 4-wide panel); leave when there is nothing to do.
  emit(get(kc), i32(5), [op.i32Shl], set(panel));
  emit([op.block, 0x40]);
  emit(get(panel), [op.i32Eqz], [op.brIf, 0]);
  emit(get(mc), [op.i32Eqz], [op.brIf, 0]);
  emit(get(nc), [op.i32Eqz], [op.brIf, 0]);
  emit(i32(0), set(j0));
  emit([op.loop, 0x40]); // over column panels of B
  emit(i32(0), set(i0));
  emit([op.loop, 0x40]); // over row panels of A
  for (let r = 0; r < 4; r++) for (let h = 0; h < 2; h++) emit(v128Zero, set(acc(r, h)));
  // ai = aBase + (i0 / 4) * panel; bi = bBase + (j0 / 4) * panel; aEnd = ai + panel
  emit(get(i0), i32(2), [op.i32ShrU], get(panel), [op.i32Mul], i32(aBase), [op.i32Add], [op.localTee, ...uleb(ai)]);
  emit(get(panel), [op.i32Add], set(aEnd));
  emit(get(j0), i32(2), [op.i32ShrU], get(panel), [op.i32Mul], i32(bBase), [op.i32Add], set(bi));
  emit([op.loop, 0x40]); // over p
  emit(get(bi), v128Load(0), set(bLo));
  emit(get(bi), v128Load(16), set(bHi));
  for (let r = 0; r < 4; r++) {
    emit(get(ai), load64Splat(8 * r), set(av));
    for (let h = 0; h < 2; h++) emit(get(acc(r, h)), get(av), get(h === 0 ? bLo : bHi), f64x2Mul, f64x2Add, set(acc(r, h)));
  }
  emit(get(bi), i32(32), [op.i32Add], set(bi));
  emit(get(ai), i32(32), [op.i32Add], [op.localTee, ...uleb(ai)], get(aEnd), [op.i32LtU], [op.brIf, 0]);
  emit([op.end]);
  // Store the 4x4 sums at tile[(i0 + r) * ncMax + j0 ...]: base = tBase + (i0 * ncMax + j0) * 8
  emit(get(i0), i32(ncMax), [op.i32Mul], get(j0), [op.i32Add], i32(3), [op.i32Shl], i32(tBase), [op.i32Add], set(ai));
  for (let r = 0; r < 4; r++) for (let h = 0; h < 2; h++) emit(get(ai), get(acc(r, h)), v128Store(r * rowBytes + 16 * h));
  emit(get(i0), i32(4), [op.i32Add], [op.localTee, ...uleb(i0)], get(mc), [op.i32LtU], [op.brIf, 0]);
  emit([op.end]);
  emit(get(j0), i32(4), [op.i32Add], [op.localTee, ...uleb(j0)], get(nc), [op.i32LtU], [op.brIf, 0]);
  emit([op.end]);
  emit([op.end]); // block
  emit([op.end]); // function

  const locals = vec([[...uleb(6), I32], [...uleb(11), V128]]);
  const code = [...locals, ...body];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32]]), ...vec([])]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x01, ...uleb(pages), ...uleb(pages)]])),
    ...section(7, vec([[...name("m"), 0x02, 0], [...name("k"), 0x00, 0]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ];
  return { bytes: Uint8Array.from(bytes), aBase, bBase, tBase };
}

/**
 * The SIMD macro-kernel for mr x nr register tiles (4 x 4 only) and blocks of at most mcMax x kcMax (A)
 * and kcMax x ncMax (B), or null where WebAssembly SIMD is unavailable (the TypeScript kernel is then used).
 */
export function createSimdMacroKernel(mr: number, nr: number, mcMax: number, kcMax: number, ncMax: number): SimdMacroKernel | null {
  if (mr !== 4 || nr !== 4) throw new Error(`gemm-simd: the SIMD macro-kernel is written for 4 x 4 register tiles, got ${mr} x ${nr}; change moduleBytes with the packers`);
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined) return null;
  try {
    const { bytes, aBase, bBase, tBase } = moduleBytes(mcMax, kcMax, ncMax);
    const { exports } = new wasm.Instance(new wasm.Module(bytes), {});
    const buffer = (exports.m as { buffer: ArrayBuffer }).buffer;
    const k = exports.k as (mc: number, nc: number, kc: number) => void;
    return {
      packA: new Float64Array(buffer, aBase, mcMax * kcMax),
      packB: new Float64Array(buffer, bBase, kcMax * ncMax),
      tile: new Float64Array(buffer, tBase, mcMax * ncMax),
      run: (mc, nc, kc) => k(mc, nc, kc),
    };
  } catch {
    // No SIMD in this engine (the module fails to compile): the TypeScript kernel is used.
    return null;
  }
}

/** The part of the WebAssembly API used here (the compiler's lib has no DOM/WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
