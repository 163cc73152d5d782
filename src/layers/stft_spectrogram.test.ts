import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as tf from "../index.js";
import { assertAllClose } from "../testing/close.js";
import { assertKerasConfigLoads, fitSaveLoad, vals } from "../testing/image_layers.js";

const { layers } = tf;

interface Case {
  config: Record<string, unknown>; shape: number[]; x: number[]; out_shape: number[]; out: number[];
  real_kernel: number[]; imag_kernel: number[]; kernel_shape: number[];
}
const { cases } = JSON.parse(readFileSync(new URL("../../test/fixtures/stft_spectrogram.json", import.meta.url), "utf8")) as { cases: Case[] };
const camel = (k: string): string => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const make = (c: Case): tf.layers.STFTSpectrogramLayer =>
  layers.STFTSpectrogram({ ...Object.fromEntries(Object.entries(c.config).map(([k, v]) => [camel(k), v])), dtype: "float64" } as tf.layers.STFTSpectrogramArgs);

test("STFTSpectrogram matches Keras' formulas (numpy/scipy, test/fixtures/make_stft_spectrogram.py) in every mode, layout and padding", () => {
  for (const c of cases) {
    const what = JSON.stringify(c.config);
    const layer = make(c);
    const y = layer(tf.constant(c.x, c.shape, "float64"));
    assert.deepEqual(y.shape, c.out_shape, what);
    assert.deepEqual(layer.computeOutputShape([null, ...c.shape.slice(1)]), [null, ...c.out_shape.slice(1)], what);
    if (c.config.mode === "angle") {
      // An angle of a bin whose imaginary part is zero up to rounding may come out as pi or -pi: compare it on the circle.
      assertAllClose(tf.cos(y), c.out.map(Math.cos), { atol: 1e-9, what });
      assertAllClose(tf.sin(y), c.out.map(Math.sin), { atol: 1e-7, what });
    } else {
      assertAllClose(y, c.out, { rtol: 1e-9, atol: 1e-9, what });
    }
    const kernels = layer.weights.map((w) => w.path.split("/").pop());
    assert.deepEqual(kernels, c.config.mode === "real" ? ["real_kernel"] : c.config.mode === "imag" ? ["imag_kernel"] : ["real_kernel", "imag_kernel"], what);
    if (layer.realKernel) assertAllClose(layer.realKernel, c.real_kernel, { atol: 1e-12, what: `${what} real_kernel` });
    if (layer.imagKernel) assertAllClose(layer.imagKernel, c.imag_kernel, { atol: 1e-12, what: `${what} imag_kernel` });
    assert.deepEqual(layer.weights[0].shape, c.kernel_shape);
  }
});

test("STFTSpectrogram defaults and Keras' documented shapes: (3, 160000, 1) with frames 256/128, fft 512 gives (3, 1249, 257)", () => {
  const layer = layers.STFTSpectrogram({ frameLength: 256, frameStep: 128, fftLength: 512, trainable: false });
  assert.deepEqual(layer.computeOutputShape([3, 160000, 1]), [3, 1249, 257]);
  assert.deepEqual(layers.STFTSpectrogram({ frameLength: 256, frameStep: 128, fftLength: 512, padding: "same", window: "hamming" }).computeOutputShape([3, 160000, 2]), [3, 1250, 514]);
  assert.deepEqual(layers.STFTSpectrogram({ frameLength: 256, frameStep: 128, fftLength: 512, padding: "same", expandDims: true }).computeOutputShape([3, 160000, 3]), [3, 1250, 257, 3]);
  const d = layers.STFTSpectrogram();
  assert.deepEqual([d.mode, d.frameLength, d.step, d.fftSize, d.window, d.scaling, d.padding], ["log", 256, 128, 256, "hann", "density", "valid"]);
  layer.build([null, 1000, 1]);
  assert.equal(layer.trainableWeights.length, 0);
  assert.equal(layer.nonTrainableWeights.length, 2);
});

test("STFTSpectrogram refuses bad options and inputs with the fix", () => {
  assert.throws(() => layers.STFTSpectrogram({ frameLength: 8, frameStep: 9 }), /frameStep must be a positive integer not greater than frameLength 8/);
  assert.throws(() => layers.STFTSpectrogram({ frameLength: 8, fftLength: 4 }), /fftLength must be at least frameLength 8/);
  assert.throws(() => layers.STFTSpectrogram({ mode: "power" as "log" }), /mode must be one of log, magnitude, psd, real, imag, angle, stft/);
  assert.throws(() => layers.STFTSpectrogram({ scaling: "none" as "density" }), /scaling must be "density", "spectrum" or null/);
  assert.throws(() => layers.STFTSpectrogram({ padding: "causal" as "same" }), /padding must be "valid" or "same"/);
  assert.throws(() => layers.STFTSpectrogram({ window: "blackman" as "hann" }), /window "blackman" is not supported .* pass the 256 window values as a list/);
  assert.throws(() => layers.STFTSpectrogram({ frameLength: 4, window: [1, 1] }), /must hold frameLength = 4 finite numbers/);
  assert.throws(() => layers.STFTSpectrogram({ frameLength: 4 })(tf.zeros([2, 16])), /expects signals of rank 3 \[batch, time, channels\]/);
  assert.throws(() => layers.STFTSpectrogram({ frameLength: 4 })(tf.zeros([1, 16, 1], "int32")), /must be float/);
});

test("STFTSpectrogram reads and writes Keras 3.15's config, nulls included", () => {
  assertKerasConfigLoads("STFTSpectrogram", {
    mode: "psd", frame_length: 16, frame_step: null, fft_length: 32, window: null, periodic: true, scaling: null, padding: "same", expand_dims: true,
  });
  const custom = assertKerasConfigLoads("STFTSpectrogram", {
    mode: "log", frame_length: 3, frame_step: 1, fft_length: null, window: [0.5, 1, 0.5], periodic: false, scaling: "spectrum", padding: "valid", expand_dims: false,
  }) as tf.layers.STFTSpectrogramLayer;
  assert.deepEqual(custom.window, [0.5, 1, 0.5]);
});

test("STFTSpectrogram trains its kernels in a model and saves as .keras", async () => {
  const x = tf.random.normal([6, 64, 1], 0, 1, { seed: 9 });
  const y = tf.oneHot(tf.constant([0, 1, 0, 1, 1, 0], [6], "int32"), 2);
  const model = new tf.models.Sequential([
    layers.Input({ shape: [64, 1] }), layers.STFTSpectrogram({ mode: "magnitude", frameLength: 16, frameStep: 8, padding: "same" }),
    layers.GlobalAveragePooling1D(), layers.Dense(2, { activation: "softmax" }),
  ]);
  const before = vals(model.layers[0].weights[0]);
  const back = await fitSaveLoad(model, x, y, 3);
  assert.notDeepEqual(vals(model.layers[0].weights[0]), before, "the kernels are trainable by default");
  assert.deepEqual(back.layers[0].weights.map((w) => w.path.split("/").pop()), ["real_kernel", "imag_kernel"]);
});
