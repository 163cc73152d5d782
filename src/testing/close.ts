import assert from "node:assert/strict";
import { Tensor } from "../tensor/tensor.js";

type Scalar = number | bigint;
type Nested = readonly (Scalar | Nested)[];

/** A fixture as the JSON files under test/fixtures store arrays: row-major values and their shape. */
export interface ShapedValues {
  readonly shape: readonly number[];
  readonly data: ArrayLike<Scalar>;
}

/** What assertAllClose compares: a tensor, a fixture, flat values or nested arrays (compared flattened). */
export type CloseValues = Tensor | ShapedValues | ArrayLike<Scalar> | Nested;

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  /** Names the compared values in failure messages. */
  what?: string;
}

function flatten(values: ArrayLike<Scalar | Nested>, out: number[]): number[] {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "number" || typeof v === "bigint") out.push(Number(v));
    else flatten(v, out);
  }
  return out;
}

function isShaped(v: CloseValues): v is ShapedValues {
  return !Array.isArray(v) && !ArrayBuffer.isView(v) && "shape" in v && "data" in v;
}

function shapeAndValues(v: CloseValues): [readonly number[] | undefined, number[]] {
  if (v instanceof Tensor) return [v.shape, flatten(v.dataSync(), [])];
  if (isShaped(v)) return [v.shape, flatten(v.data, [])];
  return [undefined, flatten(v, [])];
}

/**
 * numpy.allclose: every element must satisfy |actual - expected| <= atol + rtol * |expected|
 * (not symmetric: the bound scales with the expected value). NaN is never close, and neither,
 * unlike numpy, are two equal infinities (their difference is NaN). Shapes are compared when both
 * sides carry one (a Tensor or a { shape, data } fixture); element counts always are.
 */
export function assertAllClose(actual: CloseValues, expected: CloseValues, options: CloseOptions = {}): void {
  const { rtol = 1e-5, atol = 1e-8, what = "assertAllClose" } = options;
  const [gotShape, got] = shapeAndValues(actual);
  const [wantShape, want] = shapeAndValues(expected);
  if (gotShape !== undefined && wantShape !== undefined) assert.deepEqual([...gotShape], [...wantShape], `${what}: shape`);
  assert.equal(got.length, want.length, `${what}: number of elements`);
  for (let i = 0; i < want.length; i++) {
    const a = got[i], e = want[i];
    const diff = Math.abs(a - e);
    const bound = atol + rtol * Math.abs(e);
    if (!(diff <= bound)) {
      assert.fail(`${what}: index ${i}: got ${a}, want ${e} (|diff| ${diff} > atol ${atol} + rtol ${rtol} * |want| = ${bound})`);
    }
  }
}

/** A multi-output model's outputs against a fixture's: the count, each output's dtype, then its values. */
export function assertOutputsClose(actual: readonly Tensor[], expected: readonly unknown[], dtypes: readonly string[], options: CloseOptions = {}): void {
  const what = options.what ?? "assertOutputsClose";
  assert.equal(actual.length, expected.length);
  actual.forEach((t, i) => {
    assert.equal(t.dtype, dtypes[i], `${what} output ${i} dtype`);
    assertAllClose(t, expected[i] as Nested, { ...options, what: `${what} output ${i}` });
  });
}

/** Keras-style logs or results: the same keys in the same order, each value close as assertAllClose has it. */
export function assertRecordClose(actual: Readonly<Record<string, number>>, expected: Readonly<Record<string, number>>, options: CloseOptions = {}): void {
  const what = options.what ?? "assertRecordClose";
  assert.deepEqual(Object.keys(actual), Object.keys(expected), `${what}: keys, in order`);
  for (const [k, v] of Object.entries(expected)) assertAllClose([actual[k]], [v], { ...options, what: `${what}: ${k}` });
}
