import { Tensor } from "../tensor/tensor.js";
import { broadcastShapes, shapeText, shapesEqual, sizeOf } from "../tensor/shape.js";
import { constant } from "../tensor/creation.js";
import { generatorFor } from "../tensor/random.js";
import { type Input, assertFloat, backend, emptyTensor, num, raw, record, toTensor } from "./engine.js";
import { mul } from "./math.js";
import { valueText } from "../tensor/value_text.js";

export interface DropoutOptions {
  /**
   * Shape of the random keep/drop mask, broadcast against x (e.g. [batch, 1, 1, channels] drops
   * whole feature maps). A null entry takes x's size along that axis. Defaults to x's shape.
   */
  noiseShape?: readonly (number | null)[];
  /** Seed for a repeatable mask; without it the global generator (tf.random.setSeed) is used. */
  seed?: number;
}

function resolveNoiseShape(x: Tensor, noiseShape: readonly (number | null)[] | undefined): number[] {
  if (noiseShape === undefined) return [...x.shape];
  const off = x.rank - noiseShape.length;
  const resolved = noiseShape.map((d, i) => (d === null ? (i + off >= 0 ? x.shape[i + off] : 1) : d));
  const bad = resolved.some((d) => !Number.isInteger(d) || d < 0);
  let ok = !bad && off >= 0;
  if (ok) {
    try {
      ok = shapesEqual(broadcastShapes(resolved, x.shape, "dropout"), x.shape);
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw new RangeError(
      `dropout: noiseShape [${noiseShape.join(", ")}] does not broadcast to x ${shapeText(x.shape)}; ` +
        `each entry must equal x's size along that axis or be 1 (or null for x's size)`,
    );
  }
  return resolved;
}

/**
 * tf.nn.dropout(x, rate, { noiseShape, seed }): keeps each element with probability 1 - rate
 * and scales the kept ones by 1 / (1 - rate), so the expected value is unchanged; dropped ones
 * become 0. The mask has noiseShape (broadcast over x) and comes from the seedable generator.
 * The gradient passes through the same mask with the same scale. rate 0 returns x itself.
 */
export function dropout(xIn: Input, rate: number, opts: DropoutOptions = {}): Tensor {
  const op = "dropout";
  const x = toTensor(xIn, op);
  assertFloat(op, x);
  if (typeof rate !== "number" || !(rate >= 0 && rate < 1)) {
    throw new RangeError(`${op}: rate must be a number in [0, 1) (the fraction of elements to drop), got ${valueText(rate)}`);
  }
  const noiseShape = resolveNoiseShape(x, opts.noiseShape);
  if (rate === 0) return x;
  const g = generatorFor(opts.seed);
  const n = sizeOf(noiseShape);
  // One uniform draw in [0, 1) (32 random bits) per mask element; keep where u >= rate, as TF.
  const keep = new Uint8Array(n);
  for (let i = 0; i < n; i++) keep[i] = g.nextUint32() * 2.3283064365386963e-10 >= rate ? 1 : 0;
  // As TF: out = keep ? x * scale : 0, with the scale rounded to x's dtype.
  const scaleValue = x.dtype === "float32" ? Math.fround(1 / (1 - rate)) : 1 / (1 - rate);
  const scale = constant(scaleValue, [], x.dtype);
  const scaled = emptyTensor(x.shape, x.dtype);
  backend().binary("mul", raw(x), x.shape, raw(scale), scale.shape, raw(scaled), x.shape);
  const zero = constant(0, [], x.dtype);
  const out = emptyTensor(x.shape, x.dtype);
  // With a full-size mask every shape is the same, so the select can run as one flat row.
  const full = shapesEqual(noiseShape, x.shape);
  const xShape = full ? [x.size] : x.shape;
  backend().select(keep, full ? xShape : noiseShape, num(scaled), xShape, num(zero), zero.shape, num(out), xShape);
  // The gradient goes through the same mask with the same scale: dy * (keep ? scale : 0).
  record(op, [x], out, ([dy]) => {
    const maskScale = emptyTensor(noiseShape, x.dtype);
    const ms = num(maskScale);
    for (let i = 0; i < n; i++) ms[i] = keep[i] ? scaleValue : 0;
    return [mul(dy, maskScale)];
  });
  return out;
}
