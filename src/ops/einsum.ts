/**
 * keras.ops.einsum / numpy.einsum on the existing ops: each contraction of two operands becomes
 * one (batched) matmul between a transpose and a reshape, so attention's contractions run on the
 * GEMM kernel, and the gradient comes from those ops' own gradients.
 */
import type { Tensor } from "../tensor/tensor.js";
import { eye } from "../tensor/creation.js";
import { shapeText } from "../tensor/shape.js";
import { type Input, assertSameDType, toTensor } from "./engine.js";
import { matmul } from "./matmul.js";
import { mul } from "./math.js";
import { sum } from "./reduce.js";
import { expandDims, reshape, squeeze, transpose } from "./shape.js";
import * as sym from "./symbolic.js";

/** A tensor with one label per axis (letters, or "." + k for the k-th broadcast axis of "..."). */
interface Labelled {
  t: Tensor;
  labels: string[];
}

interface Parsed {
  inputs: string[][];
  output: string[];
}

const LETTER = /^[a-zA-Z]$/;

/** One term ("ab...c") as its letters and where "..." stands, checked for stray characters. */
function splitTerm(term: string, where: string): { letters: string[]; ellipsisAt: number } {
  const first = term.indexOf("...");
  if (first >= 0 && term.indexOf("...", first + 1) >= 0) throw new SyntaxError(`${where}: "${term}" has "..." more than once; use it at most once per operand`);
  const rest = first >= 0 ? term.slice(0, first) + term.slice(first + 3) : term;
  for (const ch of rest) {
    if (!LETTER.test(ch)) throw new SyntaxError(`${where}: "${term}" holds ${JSON.stringify(ch)}; subscripts are letters a-z, A-Z and "..."`);
  }
  return { letters: [...rest], ellipsisAt: first >= 0 ? [...term.slice(0, first)].length : -1 };
}

/** The equation as one label list per operand and for the output (numpy's implicit output when there is no "->"). */
function parse(equation: string, ranks: readonly number[], shapes: readonly (readonly number[])[]): Parsed {
  const where = `einsum("${equation}")`;
  const eq = equation.replace(/\s+/g, "");
  const arrows = eq.split("->");
  if (arrows.length > 2) throw new SyntaxError(`${where}: the equation has "->" more than once`);
  const terms = arrows[0].split(",");
  if (terms.length !== ranks.length) {
    throw new RangeError(`${where}: the equation names ${terms.length} operand(s) but ${ranks.length} were given`);
  }
  const split = terms.map((t) => splitTerm(t, where));
  // Broadcast axes of "..." are right-aligned across operands, as numpy aligns them.
  let ellipsisRank = 0;
  const inputs = split.map(({ letters, ellipsisAt }, i) => {
    const n = ranks[i] - letters.length;
    if (ellipsisAt < 0 && n !== 0) {
      throw new RangeError(`${where}: operand ${i} has shape ${shapeText(shapes[i])} (rank ${ranks[i]}) but its subscripts "${terms[i]}" name ${letters.length} axes; give one letter per axis, or "..." for the rest`);
    }
    if (n < 0) {
      throw new RangeError(`${where}: operand ${i} has shape ${shapeText(shapes[i])} (rank ${ranks[i]}) but its subscripts "${terms[i]}" name ${letters.length} axes besides "..."`);
    }
    ellipsisRank = Math.max(ellipsisRank, n);
    return { letters, ellipsisAt, n };
  }).map(({ letters, ellipsisAt, n }) => {
    if (ellipsisAt < 0) return letters;
    const dots = Array.from({ length: n }, (_, j) => `.${j - n}`);
    return [...letters.slice(0, ellipsisAt), ...dots, ...letters.slice(ellipsisAt)];
  });
  const dots = Array.from({ length: ellipsisRank }, (_, j) => `.${j - ellipsisRank}`);
  let output: string[];
  if (arrows.length === 1) {
    const counts = new Map<string, number>();
    for (const ls of inputs) for (const l of ls) if (!l.startsWith(".")) counts.set(l, (counts.get(l) ?? 0) + 1);
    // numpy's implicit output: the broadcast axes, then the letters used once, in ASCII order.
    const once = [...counts].filter(([, c]) => c === 1).map(([l]) => l).sort();
    output = [...dots, ...once];
  } else {
    const { letters, ellipsisAt } = splitTerm(arrows[1], where);
    if (new Set(letters).size !== letters.length) throw new SyntaxError(`${where}: the output "${arrows[1]}" repeats a subscript; each may appear once there`);
    const known = new Set(inputs.flat());
    for (const l of letters) {
      if (!known.has(l)) throw new RangeError(`${where}: the output subscript "${l}" appears in no operand`);
    }
    if (ellipsisAt < 0 && ellipsisRank > 0) {
      throw new RangeError(`${where}: the operands have axes under "..." but the output does not say where they go; add "..." to the output`);
    }
    output = ellipsisAt < 0 ? letters : [...letters.slice(0, ellipsisAt), ...dots, ...letters.slice(ellipsisAt)];
  }
  return { inputs, output };
}

/** Sizes of every label, checking that each pair of sizes is equal or one of them is 1 (numpy broadcasts that 1). */
function labelSizes(ops: readonly Labelled[], equation: string): Map<string, number> {
  const sizes = new Map<string, number>();
  ops.forEach(({ t, labels }, i) => {
    labels.forEach((l, a) => {
      const d = t.shape[a];
      const was = sizes.get(l);
      if (was === undefined || was === 1) sizes.set(l, d);
      else if (d !== 1 && d !== was) {
        const name = l.startsWith(".") ? `a broadcast axis of "..."` : `subscript "${l}"`;
        throw new RangeError(`einsum("${equation}"): ${name} has size ${was} in one operand but ${d} in operand ${i} ${shapeText(t.shape)}; the sizes must match (or be 1)`);
      }
    });
  });
  return sizes;
}

/** Takes the diagonal of each label repeated within the operand ("ii->i"), as x * eye summed over the second axis. */
function diagonals(op: Labelled, equation: string): Labelled {
  let { t, labels } = op;
  for (;;) {
    const j = labels.findIndex((l, k) => labels.indexOf(l) !== k);
    if (j < 0) return { t, labels };
    const i = labels.indexOf(labels[j]);
    const n = t.shape[i];
    if (t.shape[j] !== n) {
      throw new RangeError(`einsum("${equation}"): subscript "${labels[i]}" is repeated in one operand over axes of sizes ${n} and ${t.shape[j]} (shape ${shapeText(t.shape)}); a diagonal needs equal sizes`);
    }
    const maskShape = t.shape.map((_, k) => (k === i || k === j ? n : 1));
    const mask = reshape(eye(n, n, t.dtype), maskShape);
    t = sum(mul(t, mask), j);
    labels = labels.filter((_, k) => k !== j);
  }
}

/** Drops a size-1 axis whose label is larger elsewhere (broadcasting means the operand is constant along it). */
function dropBroadcast(op: Labelled, sizes: Map<string, number>): Labelled {
  const drop = op.labels.flatMap((l, a) => (op.t.shape[a] === 1 && sizes.get(l)! > 1 ? [a] : []));
  if (drop.length === 0) return op;
  return { t: squeeze(op.t, drop), labels: op.labels.filter((_, a) => !drop.includes(a)) };
}

/** Sums out the labels that no other operand and not the output need. */
function sumUnneeded(op: Labelled, needed: ReadonlySet<string>): Labelled {
  const axes = op.labels.flatMap((l, a) => (needed.has(l) ? [] : [a]));
  if (axes.length === 0) return op;
  return { t: sum(op.t, axes), labels: op.labels.filter((l) => needed.has(l)) };
}

function permuted(op: Labelled, order: readonly string[]): Tensor {
  const perm = order.map((l) => op.labels.indexOf(l));
  return perm.every((p, i) => p === i) ? op.t : transpose(op.t, perm);
}

const inOrder = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((l, i) => l === b[i]);

/**
 * One contraction of two operands as a matmul: [batch, m, k] x [batch, k, n], the shared labels
 * the rest still needs as batch axes, the others shared summed as k. `rank` orders the labels
 * the result should come out in (the output's order), to spare a final transpose.
 */
function contract(x: Labelled, y: Labelled, keep: ReadonlySet<string>, rank: (l: string) => number, sizes: Map<string, number>): Labelled {
  const byRank = (ls: string[]): string[] => ls.sort((p, q) => rank(p) - rank(q));
  let a = sumUnneeded(x, new Set([...keep, ...y.labels]));
  let b = sumUnneeded(y, new Set([...keep, ...x.labels]));
  let aFree = byRank(a.labels.filter((l) => !b.labels.includes(l)));
  let bFree = byRank(b.labels.filter((l) => !a.labels.includes(l)));
  if (aFree.length > 0 && bFree.length > 0 && rank(bFree[0]) < rank(aFree[0])) {
    [a, b, aFree, bFree] = [b, a, bFree, aFree];
  }
  const shared = a.labels.filter((l) => b.labels.includes(l));
  const batch = byRank(shared.filter((l) => keep.has(l)));
  // The summed labels in a's order or b's, whichever spares more transposes.
  const choices = [a.labels, b.labels].map((ls) => ls.filter((l) => shared.includes(l) && !keep.has(l)));
  const plan = choices.map((k) => {
    const aT = inOrder(a.labels, [...batch, ...k, ...aFree]);
    const aN = inOrder(a.labels, [...batch, ...aFree, ...k]);
    const bT = inOrder(b.labels, [...batch, ...bFree, ...k]);
    const bN = inOrder(b.labels, [...batch, ...k, ...bFree]);
    return { k, transA: aT && !aN, transB: bT && !bN, cost: (aT || aN ? 0 : 1) + (bT || bN ? 0 : 1) };
  });
  const { k, transA, transB } = plan[0].cost <= plan[1].cost ? plan[0] : plan[1];
  const size = (ls: readonly string[]): number => ls.reduce((n, l) => n * sizes.get(l)!, 1);
  const batchDims = batch.map((l) => sizes.get(l)!);
  const m = size(aFree), kk = size(k), n = size(bFree);
  const at = permuted(a, transA ? [...batch, ...k, ...aFree] : [...batch, ...aFree, ...k]);
  const bt = permuted(b, transB ? [...batch, ...bFree, ...k] : [...batch, ...k, ...bFree]);
  const am = reshape(at, [...batchDims, ...(transA ? [kk, m] : [m, kk])]);
  const bm = reshape(bt, [...batchDims, ...(transB ? [n, kk] : [kk, n])]);
  const out = matmul(am, bm, transA, transB);
  const labels = [...batch, ...aFree, ...bFree];
  return { t: reshape(out, labels.map((l) => sizes.get(l)!)), labels };
}

/**
 * keras.ops.einsum(equation, ...operands) (numpy.einsum): sums of products over the labelled
 * axes, e.g. "ij,jk->ik" (matmul), "bqhd,bkhd->bhqk" (attention scores), "...ij->...ji", "ii"
 * (trace), "ij" with no "->" (numpy's implicit output: the letters used once, in ASCII order).
 * Sizes of 1 broadcast as in numpy. Differentiable.
 */
function einsumEager(equation: string, ...operandsIn: Input[]): Tensor {
  if (typeof equation !== "string") throw new TypeError(`einsum: the first argument must be the equation string, e.g. einsum("ij,jk->ik", a, b)`);
  if (operandsIn.length === 0) throw new RangeError(`einsum("${equation}"): give at least one operand`);
  const operands = operandsIn.map((o) => toTensor(o, "einsum"));
  for (let i = 1; i < operands.length; i++) assertSameDType("einsum", operands[0], operands[i]);
  const { inputs, output } = parse(equation, operands.map((t) => t.rank), operands.map((t) => t.shape));
  let ops: Labelled[] = operands.map((t, i) => diagonals({ t, labels: inputs[i] }, equation));
  const sizes = labelSizes(ops, equation);
  ops = ops.map((op) => dropBroadcast(op, sizes));
  const rankOf = new Map(output.map((l, i) => [l, i]));
  const order = [...new Set(ops.flatMap((o) => o.labels))];
  const rank = (l: string): number => rankOf.get(l) ?? output.length + order.indexOf(l);
  let acc = ops[0];
  for (let i = 1; i < ops.length; i++) {
    const keep = new Set([...output, ...ops.slice(i + 1).flatMap((o) => o.labels)]);
    acc = contract(acc, ops[i], keep, rank, sizes);
  }
  acc = sumUnneeded(acc, new Set(output));
  // An output label every operand had at size 1 was kept; one dropped everywhere comes back as size 1.
  for (const l of output) {
    if (!acc.labels.includes(l)) acc = { t: expandDims(acc.t, acc.t.rank), labels: [...acc.labels, l] };
  }
  return permuted(acc, output);
}
export const einsum = sym.withSymbolic(einsumEager, (equation, ...operands) => sym.symbolicOp("Einsum", operands, { subscripts: equation }));
