import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeWav } from "./wav.js";

interface WavSpec {
  samples: number[]; // interleaved int16 values
  channels?: number;
  rate?: number;
  bits?: number;
  format?: number;
  fmtSize?: number;
  blockAlign?: number;
  byteRate?: number;
  before?: [string, number][]; // chunks (id, size) before "fmt "
  after?: [string, number][]; // chunks after "fmt ", before "data"
  cut?: number; // bytes removed from the end
}

function chunk(id: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length & 1));
  out.set([...id].map((c) => c.charCodeAt(0)), 0);
  new DataView(out.buffer).setUint32(4, body.length, true);
  out.set(body, 8);
  return out;
}

/** A WAV file written field by field from the RIFF/WAVE layout (not by the reader under test). */
export function wavBytes(s: WavSpec): Uint8Array {
  const channels = s.channels ?? 1, rate = s.rate ?? 16000, bits = s.bits ?? 16;
  const fmt = new Uint8Array(s.fmtSize ?? 16);
  const f = new DataView(fmt.buffer);
  const align = s.blockAlign ?? (channels * bits) / 8;
  f.setUint16(0, s.format ?? 1, true);
  f.setUint16(2, channels, true);
  f.setUint32(4, rate, true);
  f.setUint32(8, s.byteRate ?? align * rate, true);
  f.setUint16(12, align, true);
  f.setUint16(14, bits, true);
  const data = new Uint8Array(2 * s.samples.length);
  s.samples.forEach((v, i) => new DataView(data.buffer).setInt16(2 * i, v, true));
  const parts = [
    ...(s.before ?? []).map(([id, n]) => chunk(id, new Uint8Array(n).fill(7))),
    chunk("fmt ", fmt),
    ...(s.after ?? []).map(([id, n]) => chunk(id, new Uint8Array(n).fill(7))),
    chunk("data", data),
  ];
  const size = 12 + parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(size);
  out.set([..."RIFF"].map((c) => c.charCodeAt(0)), 0);
  new DataView(out.buffer).setUint32(4, size - 8, true);
  out.set([..."WAVE"].map((c) => c.charCodeAt(0)), 8);
  let at = 12;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out.subarray(0, size - (s.cut ?? 0));
}

test("decodeWav: 16-bit PCM becomes sample / 32768 (tf.audio.decode_wav), [samples, channels] interleaved", () => {
  const mono = decodeWav(wavBytes({ samples: [0, 16384, -32768, 32767, -1, 100], rate: 8000 }), "m.wav");
  assert.equal(mono.channels, 1);
  assert.equal(mono.samples, 6);
  assert.equal(mono.sampleRate, 8000);
  // 32767 / 32768 and +-1/32768 are exact in float32: the range is [-1, 1).
  assert.deepEqual(Array.from(mono.data), [0, 0.5, -1, 0.999969482421875, -0.000030517578125, 0.0030517578125]);
  const stereo = decodeWav(wavBytes({ samples: [1024, -1024, 2048, -2048, 4096, -4096], channels: 2, rate: 44100 }), "s.wav");
  assert.equal(stereo.channels, 2);
  assert.equal(stereo.samples, 3);
  assert.deepEqual(Array.from(stereo.data), [0.03125, -0.03125, 0.0625, -0.0625, 0.125, -0.125]);
});

test("decodeWav skips what TF skips: an 18-byte fmt chunk, JUNK/bext before fmt, other chunks (odd size padded) after it", () => {
  const w = decodeWav(wavBytes({ samples: [8192, -8192], fmtSize: 18, before: [["JUNK", 28], ["bext", 3]], after: [["LIST", 5], ["fact", 4]] }), "x.wav");
  assert.deepEqual(Array.from(w.data), [0.25, -0.25]);
});

test("decodeWav refuses other encodings, corrupt headers and truncated files, naming the file and the fix", () => {
  const refuse = (s: WavSpec | Uint8Array, msg: RegExp): void => {
    assert.throws(() => decodeWav(s instanceof Uint8Array ? s : wavBytes(s), "dir/clip.wav"), (e: Error) => msg.test(e.message) && e.message.includes("dir/clip.wav"));
  };
  refuse({ samples: [0, 0, 0], bits: 24, blockAlign: 3 }, /24-bit samples.*16-bit PCM only.*ffmpeg -i in\.wav -c:a pcm_s16le/);
  refuse({ samples: [0, 0], bits: 32, format: 3, blockAlign: 4 }, /32-bit float, not linear PCM/);
  refuse({ samples: [0, 0], format: 7 }, /mu-law/);
  refuse({ samples: [0, 0], format: 0xfffe, fmtSize: 40 }, /40-byte format chunk \(WAVE_FORMAT_EXTENSIBLE\)/);
  refuse({ samples: [0, 0], blockAlign: 4 }, /4 bytes per frame where 1 channel\(s\) of 16 bits take 2/);
  refuse({ samples: [0, 0], byteRate: 1234 }, /1234 bytes per second where 16000 Hz x 2 bytes per frame is 32000/);
  refuse({ samples: [0, 0], before: [["LIST", 4]] }, /"LIST" chunk where the "fmt " chunk should be/);
  refuse({ samples: [1, 2, 3, 4], cut: 3 }, /ends inside its samples .*truncated; re-export or re-download/);
  refuse(wavBytes({ samples: [1] }).subarray(0, 30), /ends inside the format chunk|truncated/);
  refuse(new TextEncoder().encode("ID3 this is an mp3"), /not a WAV file.*\.wav files only.*ffmpeg/);
  refuse(new Uint8Array(0), /not a WAV file/);
  const noData = wavBytes({ samples: [] }).subarray(0, 36); // RIFF header + fmt chunk only
  refuse(noData, /no data chunk/);
});
