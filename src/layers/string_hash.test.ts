import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fingerprint64, fingerprintCat64, sipHash24, utf8 } from "./string_hash.js";

const fixture = JSON.parse(readFileSync(new URL("./farmhash_selftest.fixture.json", import.meta.url), "utf8")) as { hash64: string[] };

/** The bytes of FarmHash's self-test (its Setup() generator). */
function selfTestData(n: number): Uint8Array {
  const M = (1n << 64n) - 1n, k0 = 0xc3a5c85c97cb3127n;
  const data = new Uint8Array(n);
  let a = 9n, b = 777n;
  for (let i = 0; i < n; i++) {
    a = (a + b) & M;
    b = (b + a) & M;
    a = ((a ^ (a >> 41n)) * k0) & M;
    b = (((b ^ (b >> 41n)) * k0) + BigInt(i)) & M;
    data[i] = Number((b >> 37n) & 0xffn);
  }
  return data;
}

test("fingerprint64 is FarmHash's Fingerprint64: farmhash.cc's self-test values for every length 0..298", () => {
  const data = selfTestData(298 * 298 + 298);
  fixture.hash64.forEach((hex, len) => {
    assert.equal(fingerprint64(data.subarray(len * len, len * len + len)).toString(16).padStart(16, "0"), hex, `length ${len}`);
  });
});

test("fingerprint64 gives TensorFlow's published Fingerprint64 and to_hash_bucket_fast values", () => {
  // tensorflow/core/platform/fingerprint_test.cc (IsForeverFrozen)
  assert.equal(fingerprint64(utf8("Hello")), 15404698994557526151n);
  assert.equal(fingerprint64(utf8("World")), 18308117990299812472n);
  // string_to_hash_bucket_op_test.py
  assert.deepEqual(["a", "b", "c", "d"].map((s) => fingerprint64(utf8(s))), [12917804110809363939n, 11795596070477164822n, 11430444447143000872n, 4470636696479570465n]);
  // tf.strings.to_hash_bucket_fast(["Hello", "TensorFlow", "2.x"], 3) -> [0, 2, 2] (its docstring)
  assert.deepEqual(["Hello", "TensorFlow", "2.x"].map((s) => fingerprint64(utf8(s)) % 3n), [0n, 2n, 2n]);
});

test("sipHash24 is SipHash-2-4: the reference vectors and TensorFlow's StrongKeyedHash values", () => {
  const k0 = 0x0706050403020100n, k1 = 0x0f0e0d0c0b0a0908n;
  // the SipHash paper's vectors_sip64, key 00..0f, messages 00 01 .. n-1
  const expected = [
    0x726fdb47dd0e0e31n, 0x74f839c593dc67fdn, 0x0d6c8009d9a94f5an, 0x85676696d7fb7e2dn, 0xcf2794e0277187b7n, 0x18765564cd99a68dn,
    0xcbc9466e58fee3cen, 0xab0200f58b01d137n, 0x93f5f5799a932462n, 0x9e0082df0ba9e4b0n, 0x7a5dbbc594ddb9f3n, 0xf4b32f46226bada7n,
    0x751e8fbc860ee5fbn, 0x14ea5627c0843d90n, 0xf723ca908e7af2een, 0xa129ca6149be45e5n, 0x3f2acc7f57c29bdbn,
  ];
  expected.forEach((h, n) => assert.equal(sipHash24(Uint8Array.from({ length: n }, (_, i) => i), k0, k1), h, `length ${n}`));
  // string_to_hash_bucket_op_test.py: StrongKeyedHash([98765, 132], "a" / "b" / "c")
  assert.deepEqual(["a", "b", "c"].map((s) => sipHash24(utf8(s), 98765n, 132n)), [7157389809176466784n, 15805638358933211562n, 18100027895074076528n]);
  // tf.strings.to_hash_bucket_strong(["Hello", "TF"], 3, [1, 2]) -> [2, 0] (its docstring)
  assert.deepEqual(["Hello", "TF"].map((s) => sipHash24(utf8(s), 1n, 2n) % 3n), [2n, 0n]);
});

test("fingerprintCat64 crosses as tf.sparse.cross_hashed does (sparse_cross_op_test.py values)", () => {
  const cross = (key: bigint): bigint => ["batch1-FC1-F1", "batch1-FC2-F1", "batch1-FC3-F1"].reduce((h, s) => fingerprintCat64(h, fingerprint64(utf8(s))), key);
  const DEFAULT_KEY = 0xdecafcaffen;
  const M = (1n << 63n) - 1n;
  assert.equal(cross(DEFAULT_KEY) % M, 1971693436396284976n);
  assert.equal(cross(DEFAULT_KEY) % 100n, 83n);
  assert.equal(cross(DEFAULT_KEY + 1n) % M, 4847552627144134031n);
});
