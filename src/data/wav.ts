/**
 * A WAV reader that accepts and decodes what TensorFlow's tf.audio.decode_wav (wav_io.cc's
 * DecodeLin16WaveAsFloatVector) accepts: RIFF/WAVE, a 16- or 18-byte "fmt " chunk of 16-bit linear
 * PCM with consistent block align and byte rate, one "data" chunk. Samples become sample / 32768,
 * interleaved channels kept. Other encodings (24/32-bit, float, WAVE_FORMAT_EXTENSIBLE, compressed)
 * are refused, as TF refuses them, with the file's name and how to convert it.
 */

/** A decoded clip: `samples` frames of `channels` interleaved float32 values. */
export interface WavAudio { data: Float32Array; samples: number; channels: number; sampleRate: number }

/** Chunks TF skips before "fmt "; anything else there is an error in TF too. */
const SKIPPABLE_BEFORE_FMT = new Set(["JUNK", "bext", "iXML", "qlty", "mext", "levl", "link", "axml"]);

const CONVERT = "convert it to 16-bit PCM WAV (e.g. `ffmpeg -i in.wav -c:a pcm_s16le out.wav` or `sox in.wav -b 16 -e signed-integer out.wav`)";

/** Decodes a 16-bit PCM WAV file's bytes; `where` (the file's path) names it in errors. */
export function decodeWav(bytes: Uint8Array, where: string): WavAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string, fix = CONVERT): never => { throw new Error(`decodeWav: ${where}: ${why}; ${fix}`); };
  const truncated = (what: string): never => fail(`the file ends inside ${what} (${bytes.length} bytes): it is truncated`, "re-export or re-download it");
  const tag = (at: number): string => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
  if (bytes.length < 12 || tag(0) !== "RIFF" || tag(8) !== "WAVE") {
    if (bytes.length >= 4 && tag(0) === "RIFX") fail("is a big-endian RIFX file, which TensorFlow's decode_wav does not read");
    if (bytes.length < 12 && bytes.length >= 4 && tag(0) === "RIFF") truncated("the RIFF header");
    fail(`is not a WAV file (it does not start with "RIFF....WAVE")`, "audio datasets read .wav files only: convert other formats to 16-bit PCM WAV (e.g. `ffmpeg -i in.mp3 -c:a pcm_s16le out.wav`) or remove the file");
  }
  // Chunk headers are 8 bytes: a 4-letter id and a little-endian size. RIFF pads odd-sized chunks to even offsets.
  let at = 12;
  const next = (after: string): { id: string; size: number; body: number } => {
    if (at + 8 > bytes.length) truncated(`the chunk header after ${after}`);
    const id = tag(at), size = view.getUint32(at + 4, true), body = at + 8;
    at = body + size + (size & 1);
    return { id, size, body };
  };
  let chunk = next("the RIFF header");
  while (chunk.id !== "fmt ") {
    if (!SKIPPABLE_BEFORE_FMT.has(chunk.id)) fail(`has a ${JSON.stringify(chunk.id)} chunk where the "fmt " chunk should be, which TensorFlow's decode_wav refuses`);
    chunk = next(`the ${JSON.stringify(chunk.id)} chunk`);
  }
  if (chunk.size !== 16 && chunk.size !== 18) {
    const extensible = chunk.body + 2 <= bytes.length && view.getUint16(chunk.body, true) === 0xfffe;
    fail(`has a ${chunk.size}-byte format chunk${extensible ? " (WAVE_FORMAT_EXTENSIBLE)" : ""}; TensorFlow's decode_wav reads only the plain 16- or 18-byte PCM format chunk`);
  }
  if (chunk.body + 16 > bytes.length) truncated("the format chunk");
  const format = view.getUint16(chunk.body, true);
  const channels = view.getUint16(chunk.body + 2, true);
  const sampleRate = view.getUint32(chunk.body + 4, true);
  const byteRate = view.getUint32(chunk.body + 8, true);
  const blockAlign = view.getUint16(chunk.body + 12, true);
  const bits = view.getUint16(chunk.body + 14, true);
  if (format !== 1) {
    const name = format === 3 ? "32-bit float" : format === 6 ? "A-law" : format === 7 ? "mu-law" : format === 2 ? "ADPCM" : `format code ${format}`;
    fail(`is encoded as ${name}, not linear PCM (format 1), which TensorFlow's decode_wav does not read`);
  }
  if (channels < 1) fail("declares 0 channels", "re-export it");
  if (bits !== 16) fail(`holds ${bits}-bit samples; TensorFlow's decode_wav reads 16-bit PCM only`);
  if (blockAlign !== 2 * channels) fail(`declares ${blockAlign} bytes per frame where ${channels} channel(s) of 16 bits take ${2 * channels}: the header is corrupt`, "re-export it");
  if (byteRate !== blockAlign * sampleRate) fail(`declares ${byteRate} bytes per second where ${sampleRate} Hz x ${blockAlign} bytes per frame is ${blockAlign * sampleRate}: the header is corrupt`, "re-export it");

  let data: { size: number; body: number } | null = null;
  while (at < bytes.length) {
    const c = next(data === null ? "the format chunk" : "the data chunk");
    if (c.size > 0x7fffffff) fail(`has a ${JSON.stringify(c.id)} chunk of ${c.size} bytes, over TensorFlow's limit of 2^31 - 1 (a streamed file whose size was never written?)`, "re-export it");
    if (c.id !== "data") continue;
    if (data !== null) fail("has more than one data chunk", "re-export it with a single data chunk");
    data = c;
  }
  if (data === null) fail("has no data chunk (no samples)", "re-export it");
  const { size, body } = data as { size: number; body: number };
  const samples = Math.floor(size / blockAlign);
  const count = samples * channels;
  if (body + 2 * count > bytes.length) truncated(`its samples (the data chunk declares ${size} bytes, ${bytes.length - body} are there)`);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getInt16(body + 2 * i, true) / 32768;
  return { data: out, samples, channels, sampleRate };
}
