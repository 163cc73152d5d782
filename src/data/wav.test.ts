import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeWav } from "./wav.js";
import { wavBytes, type WavSpec } from "../../test/support/wav_writer.js";

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

test("decodeWav reads a file written by scipy.io.wavfile (an independent writer)", () => {
  // scipy.io.wavfile.write(f, 22050, np.array([[1, -2], [300, -32768], [32767, 5]], np.int16))
  const hex = "524946463000000057415645666d74201000000001000200225600008858010004001000646174610c0000000100feff2c010080ff7f0500";
  const w = decodeWav(Uint8Array.from(hex.match(/../g) as string[], (h) => parseInt(h, 16)), "scipy.wav");
  assert.deepEqual([w.samples, w.channels, w.sampleRate], [3, 2, 22050]);
  assert.deepEqual(Array.from(w.data), [1 / 32768, -2 / 32768, 300 / 32768, -1, 32767 / 32768, 5 / 32768]);
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
