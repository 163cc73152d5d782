/*
 * MelSpectrogram against Keras 3.5 (torch backend) on a fixed signal with several option sets
 * (test/fixtures/gqa_mel.json, made by test/fixtures/make_gqa_mel.py), its configs both ways,
 * a saved model, and its errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";

const { layers } = tf;
interface Arr { shape: number[]; data: number[] }
const fixture = JSON.parse(readFileSync("test/fixtures/gqa_mel.json", "utf8")) as {
  mel: { name: string; config: Record<string, unknown>; input: Arr; output: Arr; output_shape_keras: (number | null)[] }[];
};
const keras = (config: Record<string, unknown>): Record<string, unknown> => ({ module: "keras.layers", class_name: "MelSpectrogram", config, registered_name: null });

test("MelSpectrogram made from Keras 3.5's configs equals Keras' output: batched and unbatched, hann/hamming/none, sequenceLength, min/max frequency, magnitude, dB options", () => {
  for (const c of fixture.mel) {
    const layer = tf.serialization.deserializeLayer(keras(c.config)) as tf.layers.MelSpectrogramLayer;
    const x = tf.constant(c.input.data, c.input.shape, "float32");
    const y = layer.apply(x) as tf.Tensor;
    assert.deepEqual(y.shape, c.output.shape, c.name);
    assert.deepEqual(layer.computeOutputShape(c.input.shape), c.output_shape_keras, c.name);
    // Decibels are compared in dB (float32 logs of small powers), powers relatively.
    const db = c.config.power_to_db === true;
    assertAllClose(y, c.output.data, db ? { rtol: 1e-5, atol: 2e-3 } : { rtol: 2e-4, atol: 1e-6 });
    // Serialized back, it is Keras' config (class name and keys included).
    const mine = tf.serialization.serializeLayer(layer) as { class_name: string; config: Record<string, unknown> };
    assert.equal(mine.class_name, "MelSpectrogram");
    assert.deepEqual({ ...mine.config, name: c.config.name }, c.config, c.name);
  }
});

test("MelSpectrogram's defaults are Keras' (sequence_length = fft_length, max_freq = int(sampling_rate / 2)); options in camelCase", () => {
  const m = layers.MelSpectrogram({ samplingRate: 22051 });
  const cfg = m.getConfig();
  assert.deepEqual(
    [cfg.fft_length, cfg.sequence_stride, cfg.sequence_length, cfg.window, cfg.sampling_rate, cfg.num_mel_bins, cfg.min_freq, cfg.max_freq, cfg.power_to_db, cfg.top_db, cfg.mag_exp, cfg.min_power, cfg.ref_power],
    [2048, 512, 2048, "hann", 22051, 128, 20, 11025, true, 80, 2, 1e-10, 1],
  );
  assert.match(m.name, /^mel_spectrogram(_\d+)?$/);
});

test("a model with MelSpectrogram saves to .keras and loads back with the same output; symbolic shapes are the frames stft makes", async () => {
  const c = fixture.mel[0];
  const input = layers.Input({ shape: [400] });
  const mel = layers.MelSpectrogram({ fftLength: 128, sequenceStride: 32, samplingRate: 8000, numMelBins: 16 });
  const out = mel.apply(input) as tf.layers.SymbolicTensor;
  assert.deepEqual(out.shape, [null, 16, 13]);
  const model = new tf.models.Model({ inputs: input, outputs: layers.Flatten().apply(out) as tf.layers.SymbolicTensor });
  const x = tf.constant(c.input.data, c.input.shape, "float32");
  const want = model.predict(x) as tf.Tensor;
  assertAllClose(want, c.output.data, { rtol: 1e-5, atol: 2e-3 });
  const dir = mkdtempSync(join(tmpdir(), "lamina-mel-"));
  try {
    await model.save(join(dir, "m.keras"));
    const back = await tf.models.loadModel(join(dir, "m.keras"), { compile: false }) as tf.models.Model;
    assertAllClose(back.predict(x) as tf.Tensor, want, { rtol: 1e-6, atol: 1e-6 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("MelSpectrogram refuses bad options and inputs with the layer's name and the fix", () => {
  assert.throws(() => layers.MelSpectrogram({ fftLength: 64, sequenceLength: 100, name: "m1" }), /MelSpectrogram m1: sequenceLength \(100\) must be at most fftLength \(64\)/);
  assert.throws(() => layers.MelSpectrogram({ window: "blackman" as "hann", name: "m2" }), /m2: window must be "hann", "hamming" or null, got "blackman"/);
  assert.throws(() => layers.MelSpectrogram({ minFreq: 5000, samplingRate: 8000, name: "m3" }), /m3: maxFreq must be a frequency in Hz above minFreq \(5000\), got 4000/);
  assert.throws(() => layers.MelSpectrogram({ numMelBins: 0, name: "m4" }), /m4: numMelBins must be a positive integer, got 0/);
  const m = layers.MelSpectrogram({ fftLength: 64, sequenceStride: 16, name: "m5" });
  assert.throws(() => m.apply(tf.zeros([1, 2, 100])), /m5: the input must be audio \[samples\] or \[batch, samples\], got shape \[1, 2, 100\]/);
  assert.throws(() => m.apply(tf.zeros([2, 20])), /MelSpectrogram m5: .*reflect-pads the signal by fftLength \/ 2 = 32 samples/);
});
