/**
 * tf.tree against Keras 3.5's keras.tree: every expected value below was printed by Keras 3.5
 * (keras.tree on the same Python structures, tuples written as arrays), except where noted.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "./index.js";

const { tree } = tf;
const S = { b: [1, { z: 2, a: 3 }], a: [4, null], c: [] };

test("isNested and flatten sort object keys and keep null as a leaf, as Keras", () => {
  assert.deepEqual(tree.flatten(S), [4, null, 1, 3, 2]);
  assert.deepEqual([tree.isNested([]), tree.isNested({}), tree.isNested(1), tree.isNested(null)], [true, true, false, false]);
  assert.deepEqual(tree.flatten(null), [null]);
  assert.deepEqual(tree.flatten([[], {}]), []);
  // A class instance (a tensor) is a leaf, not a dict.
  const t = tf.constant([1, 2]);
  assert.deepEqual(tree.flatten({ x: t }), [t]);
});

test("mapStructure keeps each object's own key order and pairs leaves by key", () => {
  const out = tree.mapStructure((x) => (x === null ? null : (x as number) * 10), S);
  assert.deepEqual(out, { b: [10, { z: 20, a: 30 }], a: [40, null], c: [] });
  assert.deepEqual(Object.keys(out as object), ["b", "a", "c"]);
  const two = tree.mapStructure((x, y) => (x as number) + (y as number), { b: 1, a: 2 }, { a: 10, b: 20 }) as Record<string, number>;
  assert.deepEqual(Object.entries(two), [["b", 21], ["a", 12]]);
  assert.throws(() => tree.mapStructure((x) => x, [1, 2], [1]), /don't nest alike/);
});

test("packSequenceAs fills objects in sorted key order", () => {
  assert.deepEqual(tree.packSequenceAs({ b: [0, 0], a: 0 }, [1, 2, 3]), { b: [2, 3], a: 1 });
  assert.equal(tree.packSequenceAs(5, ["x"]), "x");
  assert.throws(() => tree.packSequenceAs([0, 0], [1]), /structure has 2 leaves but flatSequence has 1/);
});

test("mapStructureUpTo passes the subtrees at the shallow structure's leaves", () => {
  const out = tree.mapStructureUpTo({ a: 0, b: [0, 0] }, (x, y) => [x, y], { a: [1, 2], b: [3, [4, 5]] }, { a: "A", b: ["B", "C", 9] });
  assert.deepEqual(out, { a: [[1, 2], "A"], b: [[3, "B"], [[4, 5], "C"]] });
  assert.throws(() => tree.mapStructureUpTo({ a: 0, q: 0 }, (x) => x, { a: 1 }), /could not find key "q"/);
});

test("mapShapeStructure treats arrays of integers and nulls (the empty one too) as leaves", () => {
  assert.deepEqual(tree.mapShapeStructure((s) => (s as unknown[]).length, { x: [null, 3], y: [[2, 2], []] }), { x: 2, y: [2, 0] });
});

test("traverse: top down, bottom up, and replacing subtrees", () => {
  const s = [[1, 2], [3], { a: 4 }];
  const seen: unknown[] = [];
  assert.deepEqual(tree.traverse((x) => { seen.push(x); }, s), s);
  assert.deepEqual(seen, [[[1, 2], [3], { a: 4 }], [1, 2], 1, 2, [3], 3, { a: 4 }, 4]);
  const up: unknown[] = [];
  tree.traverse((x) => { up.push(x); }, s, false);
  assert.deepEqual(up, [1, 2, [1, 2], 3, [3], 4, { a: 4 }, [[1, 2], [3], { a: 4 }]]);
  assert.deepEqual(tree.traverse((x) => (Array.isArray(x) && x.length === 1 ? "X" : undefined), s), [[1, 2], "X", { a: 4 }]);
  const doubled = tree.traverse((x) => (typeof x === "number" ? x * 2 : undefined), [[1, 2], [3], { b: 4, a: 5 }], false);
  assert.deepEqual(doubled, [[2, 4], [6], { b: 8, a: 10 }]);
  // null replaces, as Keras' _MAP_TO_NONE sentinel does.
  assert.deepEqual(tree.traverse((x) => (x === 3 ? null : undefined), [1, [3]]), [1, [null]]);
});

test("assertSameStructure: nesting, then leaf types (optree's check_types)", () => {
  assert.throws(() => tree.assertSameStructure([1, [2]], [1, 2]), /don't have the same structure/);
  assert.throws(() => tree.assertSameStructure({ a: 1 }, { b: 1 }), /don't have the same structure/);
  // Keras' optree backend compares type(x) is type(y) leaf by leaf: str against int fails.
  assert.throws(() => tree.assertSameStructure([1, "a"], [1, 2]), /type of the leaves/);
  tree.assertSameStructure([1, "a"], [1, 2], false);
  tree.assertSameStructure({ b: [1], a: null }, { a: null, b: [7] });
});

test("listsToTuples copies the nesting with the same leaves (JavaScript has no tuples)", () => {
  const s = [1, [2, { a: [3] }]];
  const out = tree.listsToTuples(s);
  assert.deepEqual(out, s);
  assert.notEqual(out, s);
});

test("flattenWithPath pairs each leaf with its indices and sorted keys (Keras 3.15's flatten_with_path)", () => {
  assert.deepEqual(tree.flattenWithPath([{ foo: 42 }]), [[[0, "foo"], 42]]);
  assert.deepEqual(tree.flattenWithPath({ b: [1, null], a: 2 }), [[["a"], 2], [["b", 0], 1], [["b", 1], null]]);
  assert.deepEqual(tree.flattenWithPath(7), [[[], 7]]);
  assert.deepEqual(tree.flattenWithPath([[], {}]), []);
});

test("assertSamePaths compares leaf paths only and names the paths each side lacks", () => {
  tree.assertSamePaths([0, 1], [2, 3]);
  tree.assertSamePaths({ a: [1], b: 2 }, { b: "x", a: ["y"] });
  assert.throws(() => tree.assertSamePaths({ a: 1, b: [2, 3] }, { a: 1, b: [2], c: 4 }),
    /^RangeError: tree\.assertSamePaths: `a` and `b` don't have the same paths\.\nPaths in `a` missing in `b`:\n\["b",1\]\nPaths in `b` missing in `a`:\n\["c"\]$/);
});

test("traverse replaces a subtree with null when func returns MAP_TO_NONE, top down and bottom up", () => {
  const drop = (s: unknown): unknown => (Array.isArray(s) && s.length === 1 ? tree.MAP_TO_NONE : undefined);
  assert.deepEqual(tree.traverse(drop, [[1, 2], [3], { a: [4] }]), [[1, 2], null, { a: null }]);
  assert.deepEqual(tree.traverse(drop, [[1, 2], [3]], false), [[1, 2], null]);
});
