import type { DType, TypedArray } from "./dtype.js";
import { shapeText } from "./shape.js";

// NumPy's printing defaults: summarize above 1000 elements, 3 items at each edge, 75 columns.
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 75;

/** `tf.Tensor([[1 2 3]\n [4 5 6]], shape=(2, 3), dtype=int32)`, the way TensorFlow prints. */
export function formatTensor(data: TypedArray, shape: readonly number[], dtype: DType, head: string): string {
  const body = formatArray(data, shape, dtype, head.length + 1);
  // TensorFlow starts the array on a new line only when the array spans several lines.
  const sep = body.includes("\n") ? "\n" : "";
  return `${head}(${sep}${body}, shape=${shapeText(shape)}, dtype=${dtype})`;
}

/** The numpy `str()` of an array: `[[1 2 3]\n [4 5 6]]`. */
export function formatArray(data: TypedArray, shape: readonly number[], dtype: DType, _indent = 0): string {
  const summarize = data.length > THRESHOLD;
  const shown = collectShown(data.length, shape, summarize);
  const fmt = makeFormatter(shown.map((i) => data[i]), dtype);
  if (shape.length === 0) return fmt(data[0]).trim();
  return recurse(data, shape, 0, 0, fmt, summarize, 1);
}

function collectShown(n: number, shape: readonly number[], summarize: boolean): number[] {
  if (!summarize) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  const walk = (dim: number, offset: number): void => {
    if (dim === shape.length) {
      out.push(offset);
      return;
    }
    let stride = 1;
    for (let d = dim + 1; d < shape.length; d++) stride *= shape[d];
    for (const i of edgeIndices(shape[dim], true)) if (i >= 0) walk(dim + 1, offset + i * stride);
  };
  walk(0, 0);
  return out;
}

function edgeIndices(n: number, summarize: boolean): number[] {
  if (!summarize || n <= 2 * EDGE_ITEMS) return Array.from({ length: n }, (_, i) => i);
  const head = Array.from({ length: EDGE_ITEMS }, (_, i) => i);
  const tail = Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i);
  return [...head, -1, ...tail];
}

function recurse(
  data: TypedArray, shape: readonly number[], dim: number, offset: number,
  fmt: (v: number | bigint) => string, summarize: boolean, indent: number,
): string {
  let stride = 1;
  for (let d = dim + 1; d < shape.length; d++) stride *= shape[d];
  const idx = edgeIndices(shape[dim], summarize);
  if (dim === shape.length - 1) {
    const items = idx.map((i) => (i < 0 ? "..." : fmt(data[offset + i])));
    return "[" + wrapItems(items, indent) + "]";
  }
  const separator = "\n".repeat(shape.length - dim - 1) + " ".repeat(indent);
  const parts = idx.map((i) => (i < 0 ? "..." : recurse(data, shape, dim + 1, offset + i * stride, fmt, summarize, indent + 1)));
  return "[" + parts.join(separator) + "]";
}

function wrapItems(items: string[], indent: number): string {
  const lines: string[] = [];
  let line = "";
  for (const it of items) {
    const candidate = line === "" ? it : line + " " + it;
    if (line !== "" && candidate.length + indent + 1 > LINE_WIDTH) {
      lines.push(line.trimEnd());
      line = it;
    } else line = candidate;
  }
  lines.push(line);
  return lines.join("\n" + " ".repeat(indent));
}

function makeFormatter(values: (number | bigint)[], dtype: DType): (v: number | bigint) => string {
  if (dtype === "bool") {
    return (v) => (v !== 0 ? "True" : "False").padStart(5);
  }
  if (dtype !== "float32" && dtype !== "float64") {
    const w = Math.max(1, ...values.map((v) => String(v).length));
    return (v) => String(v).padStart(w);
  }
  return makeFloatFormatter(values as number[], dtype);
}

/** Shortest decimal that reads back as the same float32/float64 (numpy's unique repr). */
export function shortestRepr(v: number, dtype: "float32" | "float64", maxDigits = 17): string {
  if (dtype === "float64") return String(Number(v.toPrecision(Math.min(maxDigits, 17))));
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

function makeFloatFormatter(values: number[], dtype: "float32" | "float64"): (v: number | bigint) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  const nonSpecial = (v: number): string | null =>
    Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : null;
  const abs = finite.map(Math.abs).filter((v) => v !== 0);
  const maxAbs = abs.length ? Math.max(...abs) : 0;
  const minAbs = abs.length ? Math.min(...abs) : 0;
  const scientific = abs.length > 0 && (maxAbs >= 1e16 || minAbs < 1e-4 || maxAbs / minAbs > 1e3);
  if (scientific) {
    const parts = finite.map((v) => expParts(v, dtype));
    const mant = Math.max(0, ...parts.map((p) => p.frac.length));
    const expW = Math.max(2, ...parts.map((p) => p.exp.length));
    const strs = (v: number): string => {
      const sp = nonSpecial(v);
      if (sp !== null) return sp;
      const p = expParts(v, dtype);
      return `${p.int}.${p.frac.padEnd(mant, "0")}e${p.sign}${p.exp.padStart(expW, "0")}`;
    };
    const w = Math.max(1, ...values.map((v) => strs(v).length));
    return (v) => strs(Number(v)).padStart(w);
  }
  // Fixed notation: at most 8 fractional digits, trailing zeros dropped, columns padded right.
  const fixedParts = (v: number): { int: string; frac: string } => {
    let s = shortestRepr(v, dtype);
    if ((s.split(".")[1] ?? "").length > 8) s = v.toFixed(8).replace(/0+$/, "");
    // numpy keeps the sign of a negative zero ("-0."); JavaScript's number to string drops it.
    if (Object.is(v, -0)) s = "-0";
    const [int, frac = ""] = s.split(".");
    return { int, frac };
  };
  const parts = finite.map(fixedParts);
  const fracW = Math.max(0, ...parts.map((p) => p.frac.length));
  const specialW = Math.max(0, ...values.filter((v) => !Number.isFinite(v)).map((v) => nonSpecial(v)!.length));
  const intW = Math.max(1, ...parts.map((p) => p.int.length), specialW - 1 - fracW);
  return (x) => {
    const v = Number(x);
    const sp = nonSpecial(v);
    if (sp !== null) return sp.padStart(intW + 1 + fracW);
    const p = fixedParts(v);
    return p.int.padStart(intW) + "." + p.frac.padEnd(fracW, " ");
  };
}

/**
 * A float's mantissa and exponent as numpy writes them in scientific mode (floatmode "maxprec",
 * precision 8): the shortest digits that read back as the same value, at most 8 after the point
 * (then rounded there, trailing zeros dropped).
 */
function expParts(v: number, dtype: "float32" | "float64"): { int: string; frac: string; sign: string; exp: string } {
  let best = v.toExponential(8).replace(/\.?0+e/, "e");
  for (let p = 0; p <= 8; p++) {
    const s = v.toExponential(p);
    const back = Number(s);
    if (dtype === "float32" ? Math.fround(back) === v : back === v) {
      best = s;
      break;
    }
  }
  const m = /^(-?\d)(?:\.(\d+))?e([+-])(\d+)$/.exec(best)!;
  return { int: Object.is(v, -0) ? "-0" : m[1], frac: m[2] ?? "", sign: m[3], exp: m[4] };
}
