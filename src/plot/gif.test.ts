import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gifBytes, lzwEncode, saveGif } from "./gif.js";

/**
 * GIF's LZW decoder as the GIF89a specification (appendix F) describes it, written here apart from
 * the encoder: codes LSB first, the table grown one entry per code, the width raised when the next
 * entry no longer fits, 256 clearing and 257 ending.
 */
function lzwDecode(bytes: readonly number[]): number[] {
  let pos = 0;
  const read = (width: number): number => {
    let v = 0;
    for (let b = 0; b < width; b++, pos++) v |= ((bytes[pos >> 3] >> (pos & 7)) & 1) << b;
    return v;
  };
  const out: number[] = [];
  let table: number[][] = [];
  let width = 9;
  let prev: number[] | null = null;
  for (;;) {
    const code = read(width);
    if (code === 256) {
      table = Array.from({ length: 258 }, (_, i) => [i]);
      width = 9;
      prev = null;
      continue;
    }
    if (code === 257) return out;
    let entry: number[];
    if (code < table.length) entry = table[code];
    else if (code === table.length && prev !== null) entry = [...prev, prev[0]];
    else throw new Error(`bad code ${code} with ${table.length} entries`);
    out.push(...entry);
    if (prev !== null && table.length < 4096) table.push([...prev, entry[0]]);
    if (table.length === 1 << width && width < 12) width++;
    prev = entry;
  }
}

test("lzwEncode: four equal pixels code as 256, 0, 258, 0, 257 at 9 bits (worked by hand)", () => {
  // Bits LSB first: 256 sets bit 8; 258 sets bits 19 and 26; 257 sets bits 36 and 44.
  assert.deepEqual(lzwEncode([0, 0, 0, 0]), [0x00, 0x01, 0x08, 0x04, 0x10, 0x10]);
});

test("lzwEncode: random frames decode back through the specification's decoder, past 12-bit codes and the table reset", () => {
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) >>> 8) & 0xff;
  for (const n of [1, 2, 300, 10_000, 40_000]) {
    const pixels = Array.from({ length: n }, () => (n === 40_000 ? rand() & 3 : rand()));
    assert.deepEqual(lzwDecode(lzwEncode(pixels)), pixels, `${n} pixels`);
  }
});

test("gifBytes: a 1x1 frame at fps 1 is the GIF89a file laid out by hand", () => {
  const bytes = Array.from(gifBytes(tf.constant([[[7]]], [1, 1, 1], "uint8"), { fps: 1 }));
  const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
  const palette = Array.from({ length: 256 }, (_, g) => [g, g, g]).flat();
  const expected = [
    ...ascii("GIF89a"), 1, 0, 1, 0, 0xf7, 0, 0, ...palette,
    0x21, 0xff, 11, ...ascii("NETSCAPE2.0"), 3, 1, 0, 0, 0, // loop forever
    0x21, 0xf9, 4, 0, 100, 0, 0, 0, // 1 fps: 100 hundredths of a second
    0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0,
    // codes 256, 7, 257 at 9 bits: bit 8; bits 9-11; bits 18 and 26.
    8, 4, 0x00, 0x0f, 0x04, 0x04, 0,
    0x3b,
  ];
  assert.deepEqual(bytes, expected);
});

test("gifBytes: values are rounded and clipped to 0..255; colour frames are refused with the fix", () => {
  const one = (v: number): number[] => {
    // A one-frame file's LZW data begins after 13 header, 768 palette, 19 loop, 8 delay and 10
    // descriptor bytes, the minimum code size and the sub-block's length byte.
    const b = Array.from(gifBytes(tf.constant([v], [1, 1, 1, 1])));
    return lzwDecode(b.slice(820, 820 + b[819]));
  };
  assert.deepEqual(one(300), [255]);
  assert.deepEqual(one(-4), [0]);
  assert.deepEqual(one(6.6), [7]);
  assert.throws(() => gifBytes(tf.zeros([2, 4, 4, 3])), /grayscale frames.*\[2, 4, 4, 3\].*rgbToGrayscale/);
  assert.throws(() => gifBytes(tf.zeros([1, 2, 2]), { fps: 0 }), /fps must be a positive number/);
});

test("saveGif: writes gifBytes' bytes, creating the folder and leaving no temporary file", () => {
  const dir = mkdtempSync(join(tmpdir(), "lamina-gif-"));
  try {
    const frames = tf.constant([0, 64, 128, 255, 255, 128, 64, 0], [2, 2, 2]);
    const file = join(dir, "sub", "a.gif");
    saveGif(file, frames, { fps: 4 });
    assert.deepEqual(new Uint8Array(readFileSync(file)), gifBytes(frames, { fps: 4 }));
    assert.deepEqual(readdirSync(join(dir, "sub")), ["a.gif"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
