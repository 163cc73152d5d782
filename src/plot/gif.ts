/**
 * Animated GIFs of grayscale frames: what the keras.io examples write with
 * `imageio.mimsave("animation.gif", frames, fps=1)`. One global palette of the 256 grays, each
 * frame's pixels (0..255, as uint8 images hold them) LZW-coded as GIF89a wants, looping forever.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Tensor } from "../tensor/tensor.js";
import { isTensor, numbersOf } from "./images.js";

export interface GifOptions {
  /** Frames per second (imageio's fps); the GIF stores the delay in hundredths of a second. Default 10. */
  fps?: number;
  /** How many times to play: 0 (the default, as imageio) loops forever. */
  loop?: number;
}

const GRAY_CODE_SIZE = 8; // 256 palette entries: codes 0..255 are pixels, 256 clears, 257 ends
const MAX_CODE = 4096; // GIF codes are at most 12 bits

/** The frames' shape as [n, h, w], refusing anything but grayscale batches. */
function frameShape(frames: Tensor, where: string): [number, number, number] {
  const s = frames.shape;
  const gray = s.length === 3 || (s.length === 4 && s[3] === 1);
  if (!gray) {
    throw new RangeError(`${where}: expected grayscale frames [n, height, width] or [n, height, width, 1], got shape [${s.join(", ")}]; for RGB frames convert to gray first (e.g. tf.image.rgbToGrayscale)`);
  }
  const [n, h, w] = s;
  if (n === 0 || h === 0 || w === 0) throw new RangeError(`${where}: no pixels to write (shape [${s.join(", ")}])`);
  if (h > 0xffff || w > 0xffff) throw new RangeError(`${where}: a GIF frame is at most 65535 pixels a side, got ${h} x ${w}`);
  return [n, h, w];
}

/** Packs variable-width codes least significant bit first, as GIF's LZW stream is read. */
class CodeWriter {
  readonly bytes: number[] = [];
  private acc = 0;
  private bits = 0;

  write(code: number, width: number): void {
    this.acc |= code << this.bits;
    this.bits += width;
    while (this.bits >= 8) {
      this.bytes.push(this.acc & 0xff);
      this.acc >>>= 8;
      this.bits -= 8;
    }
  }

  flush(): number[] {
    if (this.bits > 0) this.bytes.push(this.acc & 0xff);
    this.acc = 0;
    this.bits = 0;
    return this.bytes;
  }
}

/** GIF's variable-width LZW of one frame's palette indices (minimum code size 8). */
export function lzwEncode(indices: ArrayLike<number>): number[] {
  const clear = 1 << GRAY_CODE_SIZE;
  const end = clear + 1;
  const out = new CodeWriter();
  let width = GRAY_CODE_SIZE + 1;
  let next = end + 1;
  let table = new Map<number, number>();
  out.write(clear, width);
  let prefix = indices[0];
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i];
    const key = prefix * 256 + k;
    const code = table.get(key);
    if (code !== undefined) {
      prefix = code;
      continue;
    }
    out.write(prefix, width);
    if (next === MAX_CODE) {
      // The table is full: start over, as decoders expect after a clear code.
      out.write(clear, width);
      table = new Map();
      next = end + 1;
      width = GRAY_CODE_SIZE + 1;
    } else {
      // The decoder adds its entries one code behind the encoder, so it widens when this code is
      // the first that no longer fits.
      if (next >= 1 << width) width++;
      table.set(key, next++);
    }
    prefix = k;
  }
  out.write(prefix, width);
  out.write(end, width);
  return out.flush();
}

/** Data split into GIF sub-blocks (a length byte, at most 255 bytes) and the empty terminator block. */
function subBlocks(data: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length; i += 255) {
    const chunk = data.slice(i, i + 255);
    out.push(chunk.length, ...chunk);
  }
  out.push(0);
  return out;
}

const u16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];

/**
 * The bytes of an animated GIF of `frames` ([n, h, w] or [n, h, w, 1], values 0..255: rounded and
 * clipped, as a uint8 image would hold them).
 */
export function gifBytes(frames: Tensor, opts: GifOptions = {}): Uint8Array {
  const where = "plot.gifBytes";
  if (!isTensor(frames)) throw new TypeError(`${where}: frames must be a tensor of grayscale images`);
  const [n, h, w] = frameShape(frames, where);
  const fps = opts.fps ?? 10;
  if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`${where}: fps must be a positive number, got ${fps}`);
  const loop = opts.loop ?? 0;
  if (!Number.isInteger(loop) || loop < 0 || loop > 0xffff) throw new RangeError(`${where}: loop must be an integer 0..65535 (0 loops forever), got ${loop}`);
  const delay = Math.round(100 / fps); // hundredths of a second

  const out: number[] = [];
  out.push(...Array.from("GIF89a", (c) => c.charCodeAt(0)));
  // Logical screen: a global color table of 2^(7+1) = 256 entries (packed 0xf7), background 0.
  out.push(...u16(w), ...u16(h), 0xf7, 0, 0);
  for (let g = 0; g < 256; g++) out.push(g, g, g);
  // NETSCAPE2.0 application extension: the loop count.
  out.push(0x21, 0xff, 11, ...Array.from("NETSCAPE2.0", (c) => c.charCodeAt(0)), 3, 1, ...u16(loop), 0);

  const values = numbersOf(frames);
  const per = h * w;
  for (let f = 0; f < n; f++) {
    // Graphic control extension: the frame's delay, no transparency; then the image descriptor
    // (whole screen, no local color table) and its LZW data.
    out.push(0x21, 0xf9, 4, 0, ...u16(delay), 0, 0);
    out.push(0x2c, 0, 0, 0, 0, ...u16(w), ...u16(h), 0);
    const indices = new Uint8Array(per);
    for (let i = 0; i < per; i++) {
      const v = values[f * per + i];
      indices[i] = Number.isNaN(v) ? 0 : Math.min(255, Math.max(0, Math.round(v)));
    }
    out.push(GRAY_CODE_SIZE);
    for (const b of subBlocks(lzwEncode(indices))) out.push(b); // a loop: a big frame's bytes overflow push(...spread)
  }
  out.push(0x3b);
  return Uint8Array.from(out);
}

/**
 * Writes `frames` as an animated GIF to `file` (imageio.mimsave(file, frames, fps=...)), through a
 * temporary file renamed into place as Figure.save does, so a reader never sees half a GIF.
 */
export function saveGif(file: string, frames: Tensor, opts: GifOptions = {}): void {
  const bytes = gifBytes(frames, opts);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}
