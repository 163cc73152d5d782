import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../index.js";
import { ZipArchive } from "./zip.js";

const { layers, models, saving } = tf;
type Tensor = tf.Tensor;

/** Keras 3's DTypePolicy entry of a float32 layer's config. */
const FLOAT32 = { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null };

function configJson(path: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(ZipArchive.read(new Uint8Array(readFileSync(path)), path).extract("config.json"))) as Record<string, unknown>;
}

async function inTempDir(fn: (file: (name: string) => string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "lamina-auto-config-"));
  try {
    await fn((name) => join(dir, name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Keras' guide layer, with no get_config: `def __init__(self, factor, units=3, **kwargs)`.
@saving.registerKerasSerializable({ package: "AutoCfg" })
class ScaledProjection extends layers.Layer {
  static readonly kind = "projection";
  factor: number;
  units: number;
  offsets: number[];
  kernel!: tf.Variable;
  constructor({ factor, units = 3, offsets = [], ...rest }: tf.layers.LayerArgs & { factor: number; units?: number; offsets?: number[] }) {
    super(rest);
    this.factor = factor;
    this.units = units;
    this.offsets = offsets;
  }
  override build(shape: tf.layers.LayerShape): void {
    this.kernel = this.addWeight("kernel", [shape[shape.length - 1] as number, this.units]);
  }
  call(x: Tensor | Tensor[]): Tensor {
    return tf.add(tf.mul(tf.matmul(x as Tensor, this.kernel), this.factor), tf.constant(this.offsets.length > 0 ? this.offsets : [0], "float32"));
  }
}

test("a registered custom layer with no getConfig saves its constructor options (Keras' auto-config) and loads back from a .keras file", async () => {
  await inTempDir(async (file) => {
    tf.random.setSeed(3);
    const inputs = layers.Input({ shape: [4] });
    const layer = new ScaledProjection({ factor: 0.5, offsets: [1, 2, 3], name: "proj" });
    const model = new models.Model({ inputs, outputs: layer(inputs) });
    // The wrapper registerKerasSerializable put in the class's place is the class to every look.
    assert.ok(layer instanceof ScaledProjection);
    assert.equal(layer.constructor, ScaledProjection);
    assert.equal(layer.className, "ScaledProjection");
    assert.equal(ScaledProjection.kind, "projection");
    assert.equal(ScaledProjection.name, "ScaledProjection");

    await model.save(file("m.keras"));
    // As Keras writes it: { name, <the arguments given>, trainable, dtype }, under the registered name.
    const entry = ((configJson(file("m.keras")).config as { layers: Record<string, unknown>[] }).layers)[1];
    assert.deepEqual(entry.config, { name: "proj", factor: 0.5, offsets: [1, 2, 3], trainable: true, dtype: FLOAT32 });
    assert.equal(entry.module, "AutoCfg");
    assert.equal(entry.class_name, "ScaledProjection");
    assert.equal(entry.registered_name, "AutoCfg>ScaledProjection");
    assert.deepEqual(entry.build_config, { input_shape: [null, 4] });

    const loaded = await models.loadModel(file("m.keras"));
    const again = loaded.getLayer("proj") as ScaledProjection;
    assert.ok(again instanceof ScaledProjection);
    assert.equal(again.factor, 0.5);
    assert.deepEqual(again.offsets, [1, 2, 3]);
    assert.deepEqual(again.kernel.arraySync(), layer.kernel.arraySync());
    const x = tf.random.uniform([5, 4]);
    assert.deepEqual((loaded.predict(x) as Tensor).arraySync(), (model.predict(x) as Tensor).arraySync());
    // The loaded layer recorded the options it was rebuilt with: it saves again the same.
    assert.deepEqual(again.getConfig(), layer.getConfig());
  });
});

test("a custom Model subclass with no getConfig round-trips through .keras with its options, compiled, trained weights and all", async () => {
  await inTempDir(async (file) => {
    // Keras' guide CustomModel(hidden_units), here registered by the function form, whose result is the class to use.
    const HiddenStack = saving.registerKerasSerializable(
      class HiddenStack extends models.Model {
        hiddenUnits: number[];
        stack: tf.layers.Layer[];
        constructor({ hiddenUnits, ...rest }: { hiddenUnits: number[]; name?: string }) {
          super(rest);
          this.hiddenUnits = hiddenUnits;
          this.stack = hiddenUnits.map((u) => layers.Dense(u));
        }
        override call(inputs: Tensor | Tensor[]): Tensor {
          return this.stack.reduce((x, l) => l.apply(x) as Tensor, inputs as Tensor);
        }
      },
      { package: "AutoCfg" },
    );
    tf.random.setSeed(5);
    const model = new HiddenStack({ hiddenUnits: [8, 8, 2], name: "stack" });
    model.compile({ optimizer: "sgd", loss: "mean_squared_error" });
    const x = tf.random.uniform([6, 3]);
    await model.fit(x, tf.random.uniform([6, 2]), { epochs: 2, verbose: 0 });
    await model.save(file("model.keras"));

    const top = configJson(file("model.keras"));
    assert.equal(top.class_name, "HiddenStack");
    assert.equal(top.registered_name, "AutoCfg>HiddenStack");
    assert.deepEqual(top.config, { name: "stack", hidden_units: [8, 8, 2], trainable: true, dtype: FLOAT32 });

    const loaded = await models.loadModel(file("model.keras"));
    assert.ok(loaded instanceof HiddenStack);
    assert.deepEqual((loaded as InstanceType<typeof HiddenStack>).hiddenUnits, [8, 8, 2]);
    assert.deepEqual(loaded.getWeights().map((w) => w.arraySync()), model.getWeights().map((w) => w.arraySync()));
    assert.deepEqual((loaded.predict(x) as Tensor).arraySync(), (model.predict(x) as Tensor).arraySync());
  });
});

test("auto-config refuses arguments it cannot write, naming the layer and the argument and saying to write getConfig", async () => {
  @saving.registerKerasSerializable({ package: "AutoCfg" })
  class Holder extends layers.Layer {
    inner: tf.layers.Layer | null;
    constructor(args: tf.layers.LayerArgs & { inner?: tf.layers.Layer; spec?: Record<string, unknown> } = {}) {
      super({ name: args.name });
      this.inner = args.inner ?? null;
    }
    call(x: Tensor | Tensor[]): Tensor {
      return this.inner ? (this.inner.apply(x) as Tensor) : (x as Tensor);
    }
  }
  const holder = new Holder({ name: "holder", inner: layers.Dense(2, { name: "d" }) });
  assert.throws(() => holder.getConfig(), (e: Error) => {
    assert.match(e.message, /^Holder "holder"\.getConfig: the layer was constructed with options\.inner = Dense "d", which auto-config cannot write into a config/);
    assert.match(e.message, /Write getConfig\(\) for this class/);
    return true;
  });
  await inTempDir(async (file) => {
    const inputs = layers.Input({ shape: [2] });
    const model = new models.Model({ inputs, outputs: holder(inputs) });
    await assert.rejects(model.save(file("h.keras")), /Holder "holder"\.getConfig: the layer was constructed with options\.inner = Dense "d"/);
  });
  // Deep inside plain data too, and values JSON cannot hold.
  const fn = function scale(): number { return 2; };
  assert.throws(() => new Holder({ name: "h2", spec: { steps: [1, { by: fn }] } }).getConfig(), /options\.spec\.steps\[1\]\.by = function scale, which auto-config cannot write/);
  assert.throws(() => new Holder({ name: "h3", spec: { rate: Number.NaN } }).getConfig(), /options\.spec\.rate = NaN/);
  // Positional arguments cannot come back as new Holder(config), as Keras refuses *args.
  const Positional = saving.registerKerasSerializable(
    class Positional extends layers.Layer {
      constructor(readonly units: number, name?: string) { super({ name }); }
      call(x: Tensor | Tensor[]): Tensor { return x as Tensor; }
    },
    { package: "AutoCfg" },
  );
  assert.throws(() => new Positional(4, "pos").getConfig(), /Positional "pos"\.getConfig: the layer was constructed with 2 positional arguments \(4, "pos"\), but auto-config rebuilds a layer as new Class\(config\) from one options object/);
});

test("a getConfig of the class's own wins over auto-config, and such a class is registered as it is", () => {
  class Own extends layers.Layer {
    units: number;
    constructor(args: tf.layers.LayerArgs & { units: number; secret?: number }) {
      super({ name: args.name });
      this.units = args.units;
    }
    override getConfig(): Record<string, unknown> {
      return { ...super.getConfig(), units: this.units };
    }
    call(x: Tensor | Tensor[]): Tensor { return x as Tensor; }
  }
  try {
    assert.equal(saving.registerKerasSerializable(Own, { package: "AutoCfg" }), Own);
    const config = new Own({ units: 3, secret: 7, name: "own" }).getConfig();
    assert.deepEqual(config, { name: "own", trainable: true, dtype: FLOAT32, units: 3 });
    // The loader records what it constructs with, but the class's getConfig still decides.
    const loaded = layers.deserialize(layers.serialize(new Own({ units: 3, secret: 7, name: "own2" })));
    assert.deepEqual(Object.keys(loaded.getConfig()), ["name", "trainable", "dtype", "units"]);
  } finally {
    delete saving.getCustomObjects()["AutoCfg>Own"];
  }
});

test("subclasses of a registered class: registered ones record their own options, unregistered ones are told to register", () => {
  @saving.registerKerasSerializable({ package: "AutoCfg" })
  class Shifted extends ScaledProjection {
    shift: number;
    constructor({ shift, ...rest }: ConstructorParameters<typeof ScaledProjection>[0] & { shift: number }) {
      super({ ...rest, factor: rest.factor * 2 });
      this.shift = shift;
    }
  }
  const s = new Shifted({ factor: 1, shift: 3, name: "shifted" });
  assert.ok(s instanceof Shifted && s instanceof ScaledProjection);
  assert.equal(s.className, "Shifted");
  // Its own options, not those it passed to ScaledProjection (factor 2).
  assert.deepEqual(s.getConfig(), { name: "shifted", factor: 1, shift: 3, trainable: true, dtype: FLOAT32 });
  const again = layers.deserialize(layers.serialize(s)) as Shifted;
  assert.ok(again instanceof Shifted);
  assert.equal(again.factor, 2);
  assert.equal(again.shift, 3);

  class Unregistered extends ScaledProjection {}
  const u = new Unregistered({ factor: 1, name: "unreg" });
  assert.ok(u instanceof ScaledProjection);
  assert.throws(() => u.getConfig(), /Unregistered "unreg"\.getConfig: the class extends the registered class ScaledProjection but was not constructed through a class registerKerasSerializable returned for it.*register it too with the decorator @saving\.registerKerasSerializable\(\)/);
  // Loaded through customObjects it records the options it was rebuilt with, and saves again.
  const config = { module: null, class_name: "Unregistered", config: { name: "unreg2", factor: 4 }, registered_name: "Unregistered" };
  const loaded = layers.deserialize(config, { Unregistered });
  assert.deepEqual(loaded.getConfig(), { name: "unreg2", factor: 4, trainable: true, dtype: FLOAT32 });
});

test("options are recorded as given when the layer is constructed, and keys round-trip between camelCase and snake_case", () => {
  const offsets = [1, 2];
  const layer = new ScaledProjection({ factor: 1, offsets, name: "snap" });
  offsets.push(3);
  assert.deepEqual(layer.getConfig().offsets, [1, 2]);
  const Keyed = saving.registerKerasSerializable(
    class Keyed extends layers.Layer {
      constructor(args: Record<string, unknown>) { super({ name: args.name as string }); }
      call(x: Tensor | Tensor[]): Tensor { return x as Tensor; }
    },
    { package: "AutoCfg" },
  );
  assert.deepEqual(new Keyed({ name: "k", poolSize2D: [2, 2], nested: { keepAsIs: 1 } }).getConfig(), {
    name: "k", pool_size2_d: [2, 2], nested: { keepAsIs: 1 }, trainable: true, dtype: FLOAT32,
  });
  assert.throws(() => new Keyed({ name: "k2", pool_size: 2 }).getConfig(), /the option "pool_size" would be written as "pool_size" and read back as "poolSize"/);
});

test("a layer constructed through the class itself, not the registered wrapper, saves its base config only, and loading says why it fails", () => {
  class Needy extends layers.Layer {
    units: number;
    constructor(args: tf.layers.LayerArgs & { units: number }) {
      super({ name: args.name });
      if (typeof args.units !== "number") throw new TypeError(`Needy: units must be a number, got ${String(args.units)}`);
      this.units = args.units;
    }
    call(x: Tensor | Tensor[]): Tensor { return x as Tensor; }
  }
  try {
    // The function form's result discarded: `new Needy(...)` does not go through the wrapper.
    saving.registerKerasSerializable(Needy, { package: "AutoCfg" });
    const saved = layers.serialize(new Needy({ units: 2, name: "needy" }));
    assert.deepEqual(saved.config, { name: "needy", trainable: true, dtype: FLOAT32 });
    assert.throws(() => layers.deserialize(saved), /units must be a number, got undefined.*Needy writes no getConfig\(\), so its config holds its constructor's options only when they were recorded \(Keras' auto-config\): construct it through the class saving\.registerKerasSerializable returns/);
  } finally {
    delete saving.getCustomObjects()["AutoCfg>Needy"];
  }
});
