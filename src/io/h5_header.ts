/**
 * Checks the start of a file before HDF5 sees it: that it is an HDF5 file at all (and if not, what
 * it looks like), that its superblock is intact (versions 2 and 3 carry a checksum) and that it is
 * not shorter than the end-of-file address the superblock records (a truncated copy). HDF5 itself
 * reports these cases as a stack of library diagnostics; this gives one sentence instead.
 */

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // \x89HDF\r\n\x1a\n

/** What the file looks like when it is not HDF5 (for the error message). */
export function describeForeignBytes(head: Uint8Array): string {
  const starts = (sig: readonly number[]): boolean => sig.every((b, i) => head[i] === b);
  if (head.length === 0) return "the file is empty";
  if (starts([0x89, 0x50, 0x4e, 0x47])) return "it is a PNG image";
  if (starts([0xff, 0xd8, 0xff])) return "it is a JPEG image";
  if (starts([0x50, 0x4b, 0x03, 0x04]) || starts([0x50, 0x4b, 0x05, 0x06])) return "it is a zip archive (a .keras file is a zip: name it .keras)";
  if (starts([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return "it is a NumPy .npy file";
  if (starts([0x1f, 0x8b])) return "it is a gzip file";
  if (starts([0x80]) && head.length > 1 && head[1] <= 5) return "it looks like a Python pickle (a PyTorch or joblib file?)";
  const text = new TextDecoder("utf-8", { fatal: false }).decode(head.subarray(0, 64)).trimStart();
  if (text.startsWith("{") || text.startsWith("[")) return "it is a JSON text file";
  if (head.subarray(0, 64).every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))) return "it is a text file";
  return `it starts with bytes ${Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join(" ")}`;
}

/** Offset of the HDF5 signature (0, or after a user block of 512, 1024, 2048... bytes), or -1. */
export function findSignature(readAt: (offset: number, length: number) => Uint8Array, fileSize: number): number {
  for (let offset = 0; offset + 8 <= fileSize; offset = offset === 0 ? 512 : offset * 2) {
    const b = readAt(offset, 8);
    if (SIGNATURE.every((x, i) => b[i] === x)) return offset;
  }
  return -1;
}

/**
 * The problem with the superblock at `sb` (bytes from the signature on), or null when it looks
 * whole: unknown version, bad checksum, or a recorded end of file past the real one.
 */
export function superblockProblem(sb: Uint8Array, sbOffset: number, fileSize: number): string | null {
  const version = sb[8];
  if (version === undefined) return "the file is truncated inside its HDF5 superblock";
  const view = new DataView(sb.buffer, sb.byteOffset, sb.byteLength);
  let offsetSize: number, eofAt: number, baseAt: number;
  if (version === 0 || version === 1) {
    offsetSize = sb[13];
    baseAt = version === 0 ? 24 : 28;
    eofAt = baseAt + 2 * offsetSize;
  } else if (version === 2 || version === 3) {
    offsetSize = sb[9];
    baseAt = 12;
    eofAt = 12 + 2 * offsetSize;
    const checksumAt = 12 + 4 * offsetSize;
    if (sb.length < checksumAt + 4) return "the file is truncated inside its HDF5 superblock";
    const stored = view.getUint32(checksumAt, true);
    if (lookup3(sb.subarray(0, checksumAt)) !== stored) return "its HDF5 superblock is corrupted (checksum mismatch)";
  } else {
    return `its HDF5 superblock has version ${version}, which no HDF5 library writes (the file is corrupted)`;
  }
  if (![2, 4, 8].includes(offsetSize)) return `its HDF5 superblock records ${offsetSize}-byte addresses (the file is corrupted)`;
  if (sb.length < eofAt + offsetSize) return "the file is truncated inside its HDF5 superblock";
  const readAddress = (at: number): number | null => {
    let value = 0;
    let undefinedAddress = true;
    for (let i = offsetSize - 1; i >= 0; i--) {
      const byte = sb[at + i];
      if (byte !== 0xff) undefinedAddress = false;
      value = value * 256 + byte;
    }
    return undefinedAddress ? null : value;
  };
  const base = readAddress(baseAt) ?? sbOffset;
  const eof = readAddress(eofAt);
  if (eof !== null && base + eof > fileSize) {
    return `the file is truncated: it has ${fileSize} bytes but its HDF5 superblock says it ends at byte ${base + eof}`;
  }
  return null;
}

/** Bob Jenkins' lookup3 hashlittle with seed 0, the checksum HDF5 uses for its metadata. */
export function lookup3(key: Uint8Array): number {
  let length = key.length;
  let a = (0xdeadbeef + length) >>> 0;
  let b = a;
  let c = a;
  const rot = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;
  let i = 0;
  const word = (at: number): number => (key[at] | (key[at + 1] << 8) | (key[at + 2] << 16) | (key[at + 3] << 24)) >>> 0;
  while (length > 12) {
    a = (a + word(i)) >>> 0;
    b = (b + word(i + 4)) >>> 0;
    c = (c + word(i + 8)) >>> 0;
    a = (a - c) >>> 0; a ^= rot(c, 4); c = (c + b) >>> 0;
    b = (b - a) >>> 0; b ^= rot(a, 6); a = (a + c) >>> 0;
    c = (c - b) >>> 0; c ^= rot(b, 8); b = (b + a) >>> 0;
    a = (a - c) >>> 0; a ^= rot(c, 16); c = (c + b) >>> 0;
    b = (b - a) >>> 0; b ^= rot(a, 19); a = (a + c) >>> 0;
    c = (c - b) >>> 0; c ^= rot(b, 4); b = (b + a) >>> 0;
    length -= 12;
    i += 12;
  }
  if (length === 0) return c;
  const at = (k: number): number => (k < length ? key[i + k] : 0);
  c = (c + ((at(8) | (at(9) << 8) | (at(10) << 16) | (at(11) << 24)) >>> 0)) >>> 0;
  b = (b + ((at(4) | (at(5) << 8) | (at(6) << 16) | (at(7) << 24)) >>> 0)) >>> 0;
  a = (a + ((at(0) | (at(1) << 8) | (at(2) << 16) | (at(3) << 24)) >>> 0)) >>> 0;
  c ^= b; c = (c - rot(b, 14)) >>> 0;
  a ^= c; a = (a - rot(c, 11)) >>> 0;
  b ^= a; b = (b - rot(a, 25)) >>> 0;
  c ^= b; c = (c - rot(b, 16)) >>> 0;
  a ^= c; a = (a - rot(c, 4)) >>> 0;
  b ^= a; b = (b - rot(a, 14)) >>> 0;
  c ^= b; c = (c - rot(b, 24)) >>> 0;
  return c >>> 0;
}
