/**
 * The string hashes TensorFlow's bucketing ops use, which Keras' Hashing and HashedCrossing call:
 * FarmHash's Fingerprint64 (farmhashna::Hash64; tf.strings.to_hash_bucket_fast), SipHash-2-4 with
 * a 128-bit key (tf.strings.to_hash_bucket_strong) and TensorFlow's FingerprintCat64
 * (tf.sparse.cross_hashed). Unsigned 64-bit arithmetic on BigInt; strings hash as UTF-8 bytes.
 */

const MASK = (1n << 64n) - 1n;
const u64 = (x: bigint): bigint => x & MASK;
const mul = (a: bigint, b: bigint): bigint => (a * b) & MASK;
const rotr = (x: bigint, r: number): bigint => (r === 0 ? x : ((x >> BigInt(r)) | (x << BigInt(64 - r))) & MASK);
const rotl = (x: bigint, r: number): bigint => ((x << BigInt(r)) | (x >> BigInt(64 - r))) & MASK;
const shiftMix = (x: bigint): bigint => x ^ (x >> 47n);

const K0 = 0xc3a5c85c97cb3127n;
const K1 = 0xb492b66fbe98f273n;
const K2 = 0x9ae16a3b2f90404fn;

const encoder = new TextEncoder();
export const utf8 = (s: string): Uint8Array => encoder.encode(s);

function fetch64(s: Uint8Array, i: number): bigint {
  let v = 0n;
  for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(s[i + k]);
  return v;
}
function fetch32(s: Uint8Array, i: number): bigint {
  return BigInt((s[i] | (s[i + 1] << 8) | (s[i + 2] << 16) | (s[i + 3] << 24)) >>> 0);
}

/** Murmur-style mix of two words with a multiplier. */
function hashLen16(u: bigint, v: bigint, m: bigint): bigint {
  let a = mul(u ^ v, m);
  a ^= a >> 47n;
  let b = mul(v ^ a, m);
  b ^= b >> 47n;
  return mul(b, m);
}

function hashLen0to16(s: Uint8Array, len: number): bigint {
  if (len >= 8) {
    const m = u64(K2 + BigInt(len * 2));
    const a = u64(fetch64(s, 0) + K2);
    const b = fetch64(s, len - 8);
    const c = u64(mul(rotr(b, 37), m) + a);
    const d = mul(u64(rotr(a, 25) + b), m);
    return hashLen16(c, d, m);
  }
  if (len >= 4) {
    const m = u64(K2 + BigInt(len * 2));
    const a = fetch32(s, 0);
    return hashLen16(u64(BigInt(len) + (a << 3n)), fetch32(s, len - 4), m);
  }
  if (len > 0) {
    // 32-bit arithmetic for y and z, then 64-bit products.
    const y = BigInt((s[0] + (s[len >> 1] << 8)) >>> 0);
    const z = BigInt((len + (s[len - 1] << 2)) >>> 0);
    return mul(shiftMix(mul(y, K2) ^ mul(z, K0)), K2);
  }
  return K2;
}

function hashLen17to32(s: Uint8Array, len: number): bigint {
  const m = u64(K2 + BigInt(len * 2));
  const a = mul(fetch64(s, 0), K1);
  const b = fetch64(s, 8);
  const c = mul(fetch64(s, len - 8), m);
  const d = mul(fetch64(s, len - 16), K2);
  return hashLen16(u64(rotr(u64(a + b), 43) + rotr(c, 30) + d), u64(a + rotr(u64(b + K2), 18) + c), m);
}

function hashLen33to64(s: Uint8Array, len: number): bigint {
  const m = u64(K2 + BigInt(len * 2));
  const a = mul(fetch64(s, 0), K2);
  const b = fetch64(s, 8);
  const c = mul(fetch64(s, len - 8), m);
  const d = mul(fetch64(s, len - 16), K2);
  const y = u64(rotr(u64(a + b), 43) + rotr(c, 30) + d);
  const z = hashLen16(y, u64(a + rotr(u64(b + K2), 18) + c), m);
  const e = mul(fetch64(s, 16), m);
  const f = fetch64(s, 24);
  const g = mul(u64(y + fetch64(s, len - 32)), m);
  const h = mul(u64(z + fetch64(s, len - 24)), m);
  return hashLen16(u64(rotr(u64(e + f), 43) + rotr(g, 30) + h), u64(e + rotr(u64(f + a), 18) + g), m);
}

/** The pair (a + z, b + c) FarmHash's long loop folds 32 bytes and two seeds into. */
function weakHash32(s: Uint8Array, i: number, a0: bigint, b0: bigint): [bigint, bigint] {
  const w = fetch64(s, i), x = fetch64(s, i + 8), y = fetch64(s, i + 16), z = fetch64(s, i + 24);
  let a = u64(a0 + w);
  let b = rotr(u64(b0 + a + z), 21);
  const c = a;
  a = u64(a + x + y);
  b = u64(b + rotr(a, 44));
  return [u64(a + z), u64(b + c)];
}

/** FarmHash Fingerprint64 (farmhashna::Hash64) of bytes: TensorFlow's Fingerprint64. */
export function fingerprint64(s: Uint8Array): bigint {
  const len = s.length;
  if (len <= 16) return hashLen0to16(s, len);
  if (len <= 32) return hashLen17to32(s, len);
  if (len <= 64) return hashLen33to64(s, len);
  const seed = 81n;
  let x = seed;
  let y = u64(seed * K1 + 113n);
  let z = mul(shiftMix(u64(mul(y, K2) + 113n)), K2);
  let v: [bigint, bigint] = [0n, 0n];
  let w: [bigint, bigint] = [0n, 0n];
  x = u64(mul(x, K2) + fetch64(s, 0));
  const end = Math.floor((len - 1) / 64) * 64;
  const last64 = len - 64;
  let p = 0;
  do {
    x = mul(rotr(u64(x + y + v[0] + fetch64(s, p + 8)), 37), K1);
    y = mul(rotr(u64(y + v[1] + fetch64(s, p + 48)), 42), K1);
    x ^= w[1];
    y = u64(y + v[0] + fetch64(s, p + 40));
    z = mul(rotr(u64(z + w[0]), 33), K1);
    v = weakHash32(s, p, mul(v[1], K1), u64(x + w[0]));
    w = weakHash32(s, p + 32, u64(z + w[1]), u64(y + fetch64(s, p + 16)));
    [z, x] = [x, z];
    p += 64;
  } while (p !== end);
  const m = u64(K1 + ((z & 0xffn) << 1n));
  p = last64;
  w[0] = u64(w[0] + BigInt((len - 1) & 63));
  v[0] = u64(v[0] + w[0]);
  w[0] = u64(w[0] + v[0]);
  x = mul(rotr(u64(x + y + v[0] + fetch64(s, p + 8)), 37), m);
  y = mul(rotr(u64(y + v[1] + fetch64(s, p + 48)), 42), m);
  x ^= mul(w[1], 9n);
  y = u64(y + mul(v[0], 9n) + fetch64(s, p + 40));
  z = mul(rotr(u64(z + w[0]), 33), m);
  v = weakHash32(s, p, mul(v[1], m), u64(x + w[0]));
  w = weakHash32(s, p + 32, u64(z + w[1]), u64(y + fetch64(s, p + 16)));
  [z, x] = [x, z];
  return hashLen16(u64(hashLen16(v[0], w[0], m) + mul(shiftMix(y), K0) + z), u64(hashLen16(v[1], w[1], m) + x), m);
}

/** SipHash-2-4 of bytes with the key (k0, k1) as two unsigned 64-bit words: TensorFlow's StrongKeyedHash. */
export function sipHash24(s: Uint8Array, k0: bigint, k1: bigint): bigint {
  let v0 = k0 ^ 0x736f6d6570736575n, v1 = k1 ^ 0x646f72616e646f6dn, v2 = k0 ^ 0x6c7967656e657261n, v3 = k1 ^ 0x7465646279746573n;
  const round = (): void => {
    v0 = u64(v0 + v1); v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
    v2 = u64(v2 + v3); v3 = rotl(v3, 16); v3 ^= v2;
    v0 = u64(v0 + v3); v3 = rotl(v3, 21); v3 ^= v0;
    v2 = u64(v2 + v1); v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
  };
  const len = s.length, full = len - (len % 8);
  const absorb = (m: bigint): void => {
    v3 ^= m;
    round(); round();
    v0 ^= m;
  };
  for (let i = 0; i < full; i += 8) absorb(fetch64(s, i));
  let last = BigInt(len & 0xff) << 56n;
  for (let k = len - 1; k >= full; k--) last |= BigInt(s[k]) << BigInt(8 * (k - full));
  absorb(last);
  v2 ^= 0xffn;
  round(); round(); round(); round();
  return v0 ^ v1 ^ v2 ^ v3;
}

/** TensorFlow's FingerprintCat64: folds one more 64-bit hash into a running one (sparse crosses). */
export function fingerprintCat64(fp1: bigint, fp2: bigint): bigint {
  const kMul = 0xc6a4a7935bd1e995n;
  let r = fp1 ^ kMul;
  r ^= mul(shiftMix(mul(fp2, kMul)), kMul);
  r = mul(r, kMul);
  r = mul(shiftMix(r), kMul);
  return shiftMix(r);
}
