/**
 * Every boolean constructor option of every layer factory is checked: a string "no", the number 1 and
 * null are refused with a TypeError naming the layer and the option (JavaScript callers and JSON
 * configs reach the constructors without the compiler's help, and "no" is truthy), and true/false
 * reach getConfig as booleans.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "../index.js";
import type { Layer } from "./layer.js";

const { layers } = tf;
type Args = Record<string, unknown>;
type Factory = (args: Args) => Layer;

/**
 * One row per layer: its factory in `layers` (called with one options object), the least options it
 * needs, and its boolean options. `onlyFalse` options exist for Keras configs but lamina supports
 * only false (sparse, ragged); `needs` adds what an option's true value requires.
 */
interface Row {
  readonly args: Args;
  readonly options?: readonly string[];
  readonly onlyFalse?: readonly string[];
  readonly needs?: Readonly<Record<string, Args>>;
  /** getConfig keys holding booleans that are not options (fixed values Keras writes). */
  readonly fixed?: readonly string[];
  /** Options Keras' getConfig leaves out. */
  readonly notInConfig?: readonly string[];
  /** The class errors name, where it is not the factory's name. */
  readonly cls?: string;
  /** False for InputLayer, which takes no trainable option (Keras' neither). */
  readonly trainable?: false;
}

const RNN_FLAGS = ["returnSequences", "returnState", "goBackwards", "stateful", "unroll", "zeroOutputForMask"];
const conv = { filters: 2, kernelSize: 3 };
const nothing: Row = { args: {} };
const dense = (): Layer => layers.Dense(2);

const TABLE: Readonly<Record<string, Row>> = {
  InputLayer: { args: { shape: [2] }, fixed: ["sparse", "ragged"], trainable: false },
  Dense: { args: { units: 2 }, options: ["useBias"] },
  Activation: { args: { activation: "relu" } },
  Flatten: nothing,
  Dropout: { args: { rate: 0.5 } },
  Conv2D: { args: conv, options: ["useBias"] },
  MaxPooling2D: nothing,
  AveragePooling2D: nothing,
  BatchNormalization: { args: {}, options: ["center", "scale"], fixed: ["synchronized"] },
  Add: nothing,
  ReLU: nothing,
  LeakyReLU: nothing,
  ELU: nothing,
  Softmax: nothing,
  Reshape: { args: { targetShape: [2] } },
  Permute: { args: { dims: [1] } },
  ZeroPadding2D: nothing,
  Cropping2D: nothing,
  UpSampling2D: nothing,
  SpatialDropout2D: { args: { rate: 0.5 } },
  Rescaling: { args: { scale: 2 } },
  GaussianNoise: { args: { stddev: 0.1 } },
  GaussianDropout: { args: { rate: 0.5 } },
  Conv2DTranspose: { args: conv, options: ["useBias"] },
  DepthwiseConv2D: { args: { kernelSize: 3 }, options: ["useBias"] },
  SeparableConv2D: { args: conv, options: ["useBias"] },
  GlobalAveragePooling2D: { args: {}, options: ["keepdims"] },
  GlobalMaxPooling2D: { args: {}, options: ["keepdims"] },
  LayerNormalization: { args: {}, options: ["center", "scale", "rmsScaling"] },
  Embedding: { args: { inputDim: 3, outputDim: 2 }, options: ["maskZero"] },
  Subtract: nothing,
  Multiply: nothing,
  Average: nothing,
  Maximum: nothing,
  Concatenate: nothing,
  Lambda: { args: { function: (x: unknown) => x } },
  Resizing: { args: { height: 4, width: 4 }, options: ["cropToAspectRatio", "padToAspectRatio"] },
  CenterCrop: { args: { height: 4, width: 4 } },
  RandomFlip: nothing,
  RandomTranslation: { args: { heightFactor: 0.1, widthFactor: 0.1 } },
  RandomRotation: { args: { factor: 0.1 } },
  RandomZoom: { args: { heightFactor: 0.1 } },
  RandomCrop: { args: { height: 4, width: 4 } },
  RandomContrast: { args: { factor: 0.1 } },
  RandomBrightness: { args: { factor: 0.1 } },
  Normalization: { args: {}, options: ["invert"] },
  GroupNormalization: { args: {}, options: ["center", "scale"] },
  UnitNormalization: nothing,
  RMSNormalization: nothing,
  Identity: nothing,
  PReLU: nothing,
  Minimum: nothing,
  Dot: { args: { axes: 1 }, options: ["normalize"] },
  RepeatVector: { args: { n: 2 } },
  AlphaDropout: { args: { rate: 0.5 } },
  ActivityRegularization: nothing,
  SimpleRNN: { args: { units: 2 }, options: [...RNN_FLAGS, "useBias"] },
  LSTM: { args: { units: 2 }, options: [...RNN_FLAGS, "useBias", "unitForgetBias"] },
  GRU: { args: { units: 2 }, options: [...RNN_FLAGS, "useBias", "resetAfter"] },
  RNN: { args: { cell: layers.LSTMCell(2) }, options: RNN_FLAGS },
  SimpleRNNCell: { args: { units: 2 }, options: ["useBias"] },
  LSTMCell: { args: { units: 2 }, options: ["useBias", "unitForgetBias"] },
  GRUCell: { args: { units: 2 }, options: ["useBias", "resetAfter"] },
  StackedRNNCells: { args: { cells: [layers.LSTMCell(2)] } },
  Bidirectional: { args: { layer: layers.LSTM(2) } },
  TimeDistributed: { args: { layer: dense() } },
  Conv1D: { args: conv, options: ["useBias"] },
  Conv1DTranspose: { args: conv, options: ["useBias"] },
  DepthwiseConv1D: { args: { kernelSize: 3 }, options: ["useBias"] },
  SeparableConv1D: { args: conv, options: ["useBias"] },
  MaxPooling1D: nothing,
  AveragePooling1D: nothing,
  GlobalAveragePooling1D: { args: {}, options: ["keepdims"] },
  GlobalMaxPooling1D: { args: {}, options: ["keepdims"] },
  UpSampling1D: nothing,
  ZeroPadding1D: nothing,
  Cropping1D: nothing,
  SpatialDropout1D: { args: { rate: 0.5 } },
  StringLookup: { args: {}, options: ["invert", "padToMaxTokens"], onlyFalse: ["sparse"], needs: { padToMaxTokens: { maxTokens: 5 } } },
  IntegerLookup: { args: {}, options: ["invert", "padToMaxTokens"], onlyFalse: ["sparse"], needs: { padToMaxTokens: { maxTokens: 5 } } },
  TextVectorization: { args: {}, options: ["padToMaxTokens"], onlyFalse: ["sparse", "ragged"], needs: { padToMaxTokens: { maxTokens: 5 } } },
  EinsumDense: { args: { equation: "ab,bc->ac", outputShape: 2 } },
  Attention: { args: {}, options: ["useScale"] },
  AdditiveAttention: { args: {}, options: ["useScale"] },
  MultiHeadAttention: { args: { numHeads: 2, keyDim: 2 }, options: ["useBias", "useGate"] },
  Masking: nothing,
  CategoryEncoding: { args: { numTokens: 3 }, onlyFalse: ["sparse"], notInConfig: ["sparse"] },
  Conv3D: { args: conv, options: ["useBias"] },
  Conv3DTranspose: { args: conv, options: ["useBias"] },
  MaxPooling3D: nothing,
  AveragePooling3D: nothing,
  GlobalAveragePooling3D: { args: {}, options: ["keepdims"] },
  GlobalMaxPooling3D: { args: {}, options: ["keepdims"] },
  UpSampling3D: nothing,
  ZeroPadding3D: nothing,
  Cropping3D: nothing,
  SpatialDropout3D: { args: { rate: 0.5 } },
  ConvLSTM1D: { args: conv, options: [...RNN_FLAGS, "useBias", "unitForgetBias"] },
  ConvLSTM2D: { args: conv, options: [...RNN_FLAGS, "useBias", "unitForgetBias"] },
  ConvLSTM3D: { args: conv, options: [...RNN_FLAGS, "useBias", "unitForgetBias"] },
  RandomGrayscale: nothing,
  AutoContrast: nothing,
  Solarization: nothing,
  RandomInvert: nothing,
  RandomPosterization: { args: { factor: 4 } },
  RandomColorDegeneration: { args: { factor: 0.5 } },
  RandomSaturation: { args: { factor: 0.5 } },
  RandomHue: { args: { factor: 0.5 } },
  RandomSharpness: { args: { factor: 0.5 } },
  Equalization: nothing,
  RandomColorJitter: nothing,
  AdaptiveAveragePooling1D: { args: { outputSize: 2 } },
  AdaptiveAveragePooling2D: { args: { outputSize: 2 } },
  AdaptiveAveragePooling3D: { args: { outputSize: 2 } },
  AdaptiveMaxPooling1D: { args: { outputSize: 2 } },
  AdaptiveMaxPooling2D: { args: { outputSize: 2 } },
  AdaptiveMaxPooling3D: { args: { outputSize: 2 } },
  ReversibleEmbedding: { args: { inputDim: 3, outputDim: 2 }, options: ["maskZero", "tieWeights"] },
  Pipeline: { args: { layers: [] } },
  STFTSpectrogram: { args: {}, options: ["periodic", "expandDims"] },
  MixUp: nothing,
  CutMix: nothing,
  RandomErasing: nothing,
  RandomGaussianBlur: nothing,
  RandomShear: nothing,
  RandomPerspective: nothing,
  RandomElasticTransform: nothing,
  ContrastLimitedAdaptiveHistogramEqualization: nothing,
  RandAugment: nothing,
  AugMix: { args: {}, options: ["allOps"] },
  MaxNumBoundingBoxes: { args: { maxNumber: 2 } },
  Discretization: { args: {}, onlyFalse: ["sparse"] },
  Hashing: { args: { numBins: 2 }, onlyFalse: ["sparse"] },
  HashedCrossing: { args: { numBins: 2 }, onlyFalse: ["sparse"] },
  SpectralNormalization: { args: { layer: dense() } },
  GroupQueryAttention: { args: { headDim: 2, numQueryHeads: 2, numKeyValueHeads: 1 }, options: ["useBias", "useGate"], cls: "GroupedQueryAttention" },
  MelSpectrogram: { args: {}, options: ["powerToDb"] },
  // Exported factories whose classes layers.classes does not list.
  CosSim2D: { args: { filters: 2 }, options: ["depthwise", "useBias"] },
  MaxAbsPool2D: nothing,
};

const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const BAD: readonly unknown[] = ["no", 1, null];
const BAD_TEXT = ['"no"', "1", "null"];

function factory(name: string): Factory {
  const f = (layers as unknown as Record<string, unknown>)[name];
  assert.equal(typeof f, "function", `layers.${name} is not a factory`);
  return f as Factory;
}
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  assert.fail("expected an error, none was thrown");
}
const rows = Object.entries(TABLE);
const withTrainable = (row: Row, options: readonly string[]): string[] => [...(row.trainable === false ? [] : ["trainable"]), ...options];

test("the table lists every layer class lamina exports (layers.classes), so a new layer cannot be left out", () => {
  const missing = Object.keys(layers.classes).filter((k) => !(k in TABLE));
  assert.deepEqual(missing, [], `add these layers to TABLE in boolean_options.test.ts: ${missing.join(", ")}`);
});

test("each layer's boolean getConfig entries are exactly the table's options (trainable aside), so a new boolean option cannot be left out", () => {
  for (const [name, row] of rows) {
    const cfg = factory(name)({ ...row.args }).getConfig();
    const bools = Object.keys(cfg).filter((k) => typeof cfg[k] === "boolean" && k !== "trainable" && !(row.fixed ?? []).includes(k)).sort();
    const listed = [...(row.options ?? []), ...(row.onlyFalse ?? [])].filter((o) => !(row.notInConfig ?? []).includes(o)).map(snake).sort();
    assert.deepEqual(bools, listed, `${name}: getConfig's booleans vs the table's options`);
  }
});

test('every boolean option refuses "no", 1 and null with a TypeError naming the layer and the option', () => {
  let checked = 0;
  for (const [name, row] of rows) {
    const make = factory(name);
    for (const option of withTrainable(row, [...(row.options ?? []), ...(row.onlyFalse ?? [])])) {
      BAD.forEach((bad, i) => {
        const err = thrown(() => make({ ...row.args, ...row.needs?.[option], [option]: bad }));
        assert.ok(err instanceof TypeError, `${name} ${option}=${BAD_TEXT[i]}: expected a TypeError, got ${err.name}: ${err.message}`);
        const wanted = new RegExp(`^${row.cls ?? name}( \\w+)?: ${option} must be true or false, got ${escape(BAD_TEXT[i])}$`);
        assert.match(err.message, wanted, `${name} ${option}=${BAD_TEXT[i]}`);
        checked++;
      });
    }
  }
  assert.ok(checked > 400, `only ${checked} cases checked`);
});

test("true and false are accepted and reach getConfig as booleans; options lamina supports only as false refuse true", () => {
  for (const [name, row] of rows) {
    const make = factory(name);
    for (const option of withTrainable(row, row.options ?? [])) {
      for (const value of [true, false]) {
        const layer = make({ ...row.args, ...row.needs?.[option], [option]: value });
        const cfg = layer.getConfig();
        // Keras' SpatialDropout configs have no trainable entry; the layer's flag holds it then.
        if (option === "trainable" && !("trainable" in cfg)) assert.equal(layer.trainable, value, `${name} trainable: ${value}`);
        else assert.equal(cfg[snake(option)], value, `${name} ${option}: ${value}`);
      }
    }
    for (const option of row.onlyFalse ?? []) {
      const cfg = make({ ...row.args, [option]: false }).getConfig();
      if (!(row.notInConfig ?? []).includes(option)) assert.equal(cfg[snake(option)], false, `${name} ${option}: false`);
      const err = thrown(() => make({ ...row.args, [option]: true }));
      assert.match(err.message, new RegExp(`^${row.cls ?? name}( \\w+)?: ${option}.*(not supported|needs)`), `${name} ${option}: true`);
    }
  }
});

test("the option really takes effect: Dense({ useBias: false }) has no bias, BatchNormalization({ center: false }) no beta", () => {
  const d = layers.Dense({ units: 2, useBias: false });
  d.build([null, 3]);
  assert.equal(d.weights.length, 1);
  const bn = layers.BatchNormalization({ center: false });
  bn.build([null, 3]);
  assert.deepEqual(bn.weights.map((w) => w.name.split("/").pop()), ["gamma", "moving_mean", "moving_variance"]);
});

test('a Keras config with "use_bias": "no" is refused naming the layer and the option (fromConfig and deserialize)', () => {
  assert.throws(
    () => layers.classes.Dense.fromConfig({ name: "d_cfg", units: 2, use_bias: "no" }),
    /Dense d_cfg: useBias must be true or false, got "no"/,
  );
  assert.throws(
    () => layers.deserialize({ module: "keras.layers", class_name: "Dense", config: { name: "d_ser", units: 2, use_bias: "no" }, registered_name: null }),
    /Dense d_ser: useBias must be true or false, got "no"/,
  );
  assert.throws(
    () => layers.deserialize({ module: "keras.layers", class_name: "LSTM", config: { name: "l_ser", units: 2, return_sequences: 1 }, registered_name: null }),
    /LSTM l_ser: returnSequences must be true or false, got 1/,
  );
  assert.throws(
    () => layers.deserialize({ module: "keras.layers", class_name: "BatchNormalization", config: { name: "bn_ser", center: 0 }, registered_name: null }),
    /BatchNormalization bn_ser: center must be true or false, got 0/,
  );
  // The same configs with booleans load, and keep them.
  const ok = layers.classes.Dense.fromConfig({ name: "d_ok", units: 2, use_bias: false });
  assert.equal(ok.getConfig().use_bias, false);
});

test("setting layer.trainable takes true or false only (a model's too), naming the layer", () => {
  const d = layers.Dense({ units: 2, name: "d_set" });
  for (const [bad, text] of [["no", '"no"'], [1, "1"], [null, "null"], [undefined, "undefined"]] as const) {
    assert.throws(() => { d.trainable = bad as unknown as boolean; }, new RegExp(`^TypeError: Dense d_set: trainable must be true or false, got ${escape(text)}$`));
  }
  assert.equal(d.trainable, true);
  d.trainable = false;
  assert.equal(d.trainable, false);
  assert.equal(d.getConfig().trainable, false);
  const model = new tf.models.Sequential([layers.Input({ shape: [3] }), layers.Dense(2)], { name: "m_set" });
  assert.throws(() => { model.trainable = "no" as unknown as boolean; }, /^TypeError: Sequential m_set: trainable must be true or false, got "no"$/);
  assert.throws(() => new tf.models.Sequential([], { trainable: 0 as unknown as boolean }), /^TypeError: Sequential: trainable must be true or false, got 0$/);
});
