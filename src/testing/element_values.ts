/** data.Dataset elements as plain values for tests: tensors as arraySync(), nested in arrays and objects as the element. */
import { Tensor } from "../tensor/tensor.js";
import type { Element } from "../data/element.js";

/** An element as plain values, nested as the element. */
export function plain(e: Element): unknown {
  if (e instanceof Tensor) return e.arraySync();
  if (Array.isArray(e)) return e.map(plain);
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, plain(v)]));
}

/** Every element of a dataset as plain values, in order. */
export async function values(ds: AsyncIterable<Element>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of ds) out.push(plain(e));
  return out;
}
