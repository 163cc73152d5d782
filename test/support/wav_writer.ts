/** Writes WAV files field by field from the RIFF/WAVE layout, for tests of the WAV reader and audio datasets. */

export interface WavSpec {
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
