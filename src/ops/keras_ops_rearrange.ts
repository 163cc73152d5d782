/**
 * keras.ops.rearrange (keras/src/ops/einops.py): einops-style "b (h h1) w c -> b h (w h1) c" patterns,
 * as Keras takes them: named axes and parenthesised groups on both sides, group lengths from
 * axesLengths (at most one name per input group left to infer). One reshape to split the input's
 * groups, one transpose, one reshape to merge the output's: gradients come from those ops.
 */
import type { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { type Input, toTensor } from "./engine.js";
import * as shp from "./shape.js";
import * as sym from "./symbolic.js";

/** One side of a pattern: each axis as the list of names it is made of (one name, or a group's). */
function parseSide(side: string, pattern: string): string[][] {
  const axes: string[][] = [];
  const re = /\(([^()]*)\)|([A-Za-z_]\w*)|(\S)/g;
  for (let mt = re.exec(side); mt !== null; mt = re.exec(side)) {
    if (mt[3] !== undefined) throw new SyntaxError(`ops.rearrange: pattern ${valueText(pattern)} has ${valueText(mt[3])}, which is not an axis name or a parenthesised group; write e.g. "b (h w) c -> b h w c"`);
    if (mt[1] !== undefined) {
      const names = mt[1].trim().split(/\s+/).filter((n) => n.length > 0);
      if (!names.every((n) => /^[A-Za-z_]\w*$/.test(n))) throw new SyntaxError(`ops.rearrange: group (${mt[1]}) in pattern ${valueText(pattern)} must hold axis names only`);
      axes.push(names);
    } else axes.push([mt[2]]);
  }
  return axes;
}

function rearrangeEager(tensor: Input, pattern: string, axesLengths: Readonly<Record<string, number>> = {}): Tensor {
  const x = toTensor(tensor, "rearrange", "tensor");
  if (typeof pattern !== "string") throw new TypeError(`ops.rearrange: pattern must be a string like "b h w c -> b c h w", got ${valueText(pattern)}`);
  const sides = pattern.split("->");
  if (sides.length !== 2) throw new SyntaxError(`ops.rearrange: pattern ${valueText(pattern)} must have one "->" between the input's axes and the output's`);
  const lhs = parseSide(sides[0], pattern), rhs = parseSide(sides[1], pattern);
  if (lhs.length !== x.rank) throw new RangeError(`ops.rearrange: the input side of ${valueText(pattern)} names ${lhs.length} axes but tensor ${shapeText(x.shape)} has ${x.rank}`);
  const inNames = lhs.flat(), outNames = rhs.flat();
  const dup = (names: string[]): string | undefined => names.find((n, i) => names.indexOf(n) !== i);
  const twice = dup(inNames) ?? dup(outNames);
  if (twice !== undefined) throw new SyntaxError(`ops.rearrange: axis ${valueText(twice)} appears twice on one side of ${valueText(pattern)}`);
  const missing = inNames.find((n) => !outNames.includes(n)) ?? outNames.find((n) => !inNames.includes(n));
  if (missing !== undefined) throw new SyntaxError(`ops.rearrange: axis ${valueText(missing)} is on one side of ${valueText(pattern)} but not the other; rearrange only moves, splits and merges axes`);
  const length = new Map<string, number>();
  lhs.forEach((group, i) => {
    const dim = x.shape[i];
    const known = group.filter((n) => axesLengths[n] !== undefined);
    const unknown = group.filter((n) => axesLengths[n] === undefined);
    if (unknown.length > 1) throw new RangeError(`ops.rearrange: group (${group.join(" ")}) of axis ${i} (length ${dim}) leaves ${unknown.join(" and ")} unknown; give all but one in axesLengths`);
    const prod = known.reduce((p, n) => p * axesLengths[n], 1);
    const inferred = unknown.length === 1 ? dim / prod : prod;
    if (!Number.isInteger(inferred) || (unknown.length === 0 ? prod !== dim : false)) {
      throw new RangeError(`ops.rearrange: axis ${i} of tensor ${shapeText(x.shape)} has length ${dim}, which group (${group.join(" ")}) with ${valueText(axesLengths)} cannot split`);
    }
    for (const n of group) length.set(n, axesLengths[n] ?? inferred);
  });
  const split = shp.reshape(x, inNames.map((n) => length.get(n) as number));
  const moved = shp.transpose(split, outNames.map((n) => inNames.indexOf(n)));
  return shp.reshape(moved, rhs.map((group) => group.reduce((p, n) => p * (length.get(n) as number), 1)));
}

/** keras.ops.rearrange(tensor, pattern, axesLengths): Keras' **axes_lengths as one object. */
export const rearrange = sym.withSymbolic(rearrangeEager, (tensor, pattern, axesLengths = {}) => sym.symbolicOp("Rearrange", [tensor, pattern], {}, { ...axesLengths }));
