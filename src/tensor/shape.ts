export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Python-style shape text: (2, 3), (5,), (); an unknown dimension (null) prints as None, as Keras' (None, 28). */
export function shapeText(shape: readonly (number | null)[]): string {
  const dims = shape.map((d) => (d === null ? "None" : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(", ")})`;
}

export function assertShape(shape: readonly unknown[], where: string): number[] {
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new RangeError(`${where}: invalid shape [${shape.join(", ")}]: every dimension must be a non-negative integer`);
    }
  }
  return shape as number[];
}

/** NumPy broadcasting of two shapes; throws naming the op when they are incompatible. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else {
      throw new RangeError(
        `${op}: shapes ${shapeText(a)} and ${shapeText(b)} cannot be broadcast together ` +
          `(dimension ${i - n} is ${da} vs ${db}; each pair must be equal or one of them 1)`,
      );
    }
  }
  return out;
}

/** Axes of `out` along which an input of shape `inp` was broadcast (for reducing gradients back). */
export function broadcastedAxes(inp: Shape, out: Shape): number[] {
  const axes: number[] = [];
  const off = out.length - inp.length;
  for (let i = 0; i < out.length; i++) {
    if (i < off || (inp[i - off] === 1 && out[i] !== 1)) axes.push(i);
  }
  return axes;
}

/** Normalize possibly-negative axes against a rank; throws naming the op when out of range. */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new RangeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank} (valid: ${-rank}..${rank - 1})`);
  }
  return axis < 0 ? axis + rank : axis;
}

export function normalizeAxes(axis: number | readonly number[] | undefined | null, rank: number, op: string): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : [...axis];
  const res = list.map((a) => normalizeAxis(a, rank, op));
  if (new Set(res).size !== res.length) throw new RangeError(`${op}: repeated axis in [${list.join(", ")}]`);
  return res.sort((x, y) => x - y);
}
