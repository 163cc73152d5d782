/**
 * Keras' developer guide "Save, serialize, and export models" (Neel Kovelamudi, Francois Chollet),
 * https://keras.io/guides/serialization_and_saving/ , ported to lamina cell by cell: whole-model
 * `.keras` files, custom objects (registration, customObjects, custom object scopes), model
 * configs and JSON, generic object serialization, in-memory weight transfer and weights files.
 *
 *   npx tsx examples/guides/serialization-and-saving.ts
 *   QUICK=1 npx tsx examples/guides/serialization-and-saving.ts   (the same cells: they are small)
 *
 * Every file is written under a fresh folder in os.tmpdir(), removed at the end. Where the guide
 * checks with np.testing.assert_allclose, this port prints the largest difference and asserts it.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "../../src/index.js";

const { layers, models, optimizers, saving, regularizers, ops } = tf;
type Tensor = tf.Tensor;

tf.random.setSeed(1337);
const dir = mkdtempSync(join(tmpdir(), "lamina-guide-saving-"));
const file = (name: string): string => join(dir, name);

/** np.testing.assert_allclose's check (rtol 1e-7 there; float32 here, so 1e-6): prints and asserts the largest difference. */
function assertAllclose(what: string, a: Tensor, b: Tensor): void {
  const diff = Number(tf.max(tf.abs(tf.sub(a, b))).item());
  console.log(`${what}: largest difference ${diff.toExponential(2)}`);
  assert.ok(diff <= 1e-6, `${what}: ${diff}`);
}

try {
  // ## Saving
  // A model's architecture, weights, compile() information and optimizer state go into one
  // `.keras` zip archive (config.json, model.weights.h5, metadata.json), as in Keras 3.
  function getModel(): tf.models.Model {
    // Create a simple model.
    const inputs = layers.Input({ shape: [32] });
    const outputs = layers.Dense(1)(inputs);
    const model = new models.Model({ inputs, outputs });
    model.compile({ optimizer: optimizers.Adam(), loss: "mean_squared_error" });
    return model;
  }

  {
    const model = getModel();
    // Train the model (np.random.random is uniform in [0, 1)).
    const testInput = tf.random.uniform([128, 32]);
    const testTarget = tf.random.uniform([128, 1]);
    await model.fit(testInput, testTarget, { verbose: 2 });

    // Calling `save("my_model.keras")` creates a zip archive `my_model.keras`.
    await model.save(file("my_model.keras"));
    // It can be used to reconstruct the model identically.
    const reconstructedModel = await models.loadModel(file("my_model.keras"));
    // Let's check:
    assertAllclose("my_model.keras reloaded", model.predict(testInput) as Tensor, reconstructedModel.predict(testInput) as Tensor);
  }

  // ### Custom objects
  // A custom object needs getConfig(); arguments that are not plain values are deserialized in a
  // static fromConfig (in lamina a custom layer's constructor takes one options object, so
  // `cls(**config)` is `new cls(config)` with the keys in camelCase). Like this:
  class SublayerHolder extends layers.Layer {
    sublayer: tf.layers.Layer;
    constructor(args: tf.layers.LayerArgs & { sublayer: tf.layers.Layer }) {
      super(args);
      this.sublayer = args.sublayer;
    }
    call(x: Tensor | Tensor[]): Tensor {
      return this.sublayer.apply(x) as Tensor;
    }
    override getConfig(): Record<string, unknown> {
      return { ...super.getConfig(), sublayer: saving.serializeKerasObject(this.sublayer) };
    }
    static override fromConfig(config: Readonly<Record<string, unknown>>): tf.layers.Layer {
      const { sublayer, ...rest } = config;
      return new SublayerHolder({ ...(rest as tf.layers.LayerArgs), sublayer: saving.deserializeKerasObject(sublayer) as tf.layers.Layer });
    }
  }
  {
    const holder = new SublayerHolder({ sublayer: layers.Dense(2, { kernelInitializer: "ones" }) });
    const again = SublayerHolder.fromConfig(holder.getConfig()) as SublayerHolder;
    console.log(`SublayerHolder rebuilt from its config holds ${again.sublayer.toString()}`);
  }

  // #### Registering custom objects (preferred)
  // Clear all previously registered custom objects (getCustomObjects() is the live registry, a
  // plain object: Python's dict.clear() is deleting its keys).
  const registry = saving.getCustomObjects();
  for (const key of Object.keys(registry)) delete registry[key];

  // Upon registration, you can optionally specify a package or a name. If left blank, the package
  // defaults to "Custom" and the name to the class name. (Keras' decorator
  // `@keras.saving.register_keras_serializable(package="MyLayers")`, a TypeScript decorator here,
  // which needs no compiler setting. On a class that writes no getConfig it also puts in the
  // class's place a wrapper recording the constructor's options, which getConfig then writes, as
  // Keras' auto-config does; this class writes its own.)
  @saving.registerKerasSerializable({ package: "MyLayers" })
  class CustomLayer extends layers.Layer {
    factor: number;
    // Keras' __init__(self, factor): the config's keys arrive as one options object.
    constructor({ factor }: { factor: number }) {
      super();
      this.factor = factor;
    }
    call(x: Tensor | Tensor[]): Tensor {
      return tf.mul(x as Tensor, this.factor);
    }
    override getConfig(): Record<string, unknown> {
      return { factor: this.factor };
    }
  }

  const customFn = saving.registerKerasSerializable({ package: "my_package", name: "custom_fn" })(function customFn(x: Tensor): Tensor {
    return tf.pow(x, 2);
  });

  // Create the model.
  const getCustomModel = (): tf.models.Model => {
    const inputs = layers.Input({ shape: [4] });
    const mid = new CustomLayer({ factor: 0.5 })(inputs);
    const outputs = layers.Dense(1, { activation: customFn })(mid);
    const model = new models.Model({ inputs, outputs });
    model.compile({ optimizer: "rmsprop", loss: "mean_squared_error" });
    return model;
  };

  // Train the model.
  const trainModel = async (model: tf.models.Model): Promise<tf.models.Model> => {
    const input = tf.random.uniform([4, 4]);
    const target = tf.random.uniform([4, 1]);
    await model.fit(input, target, { verbose: 2 });
    return model;
  };

  const testInput = tf.random.uniform([4, 4]);
  {
    const model = await trainModel(getCustomModel());
    await model.save(file("custom_model.keras"));
    // Now, we can simply load without worrying about our custom objects.
    const reconstructedModel = await models.loadModel(file("custom_model.keras"));
    // Let's check:
    assertAllclose("registered custom objects", model.predict(testInput) as Tensor, reconstructedModel.predict(testInput) as Tensor);
  }

  // #### Passing custom objects to `loadModel()`
  {
    const model = await trainModel(getCustomModel());
    await model.save(file("custom_model.keras"));
    // Upon loading, pass the custom objects used in the customObjects option.
    const reconstructedModel = await models.loadModel(file("custom_model.keras"), {
      customObjects: { CustomLayer, custom_fn: customFn },
    });
    assertAllclose("customObjects", model.predict(testInput) as Tensor, reconstructedModel.predict(testInput) as Tensor);
  }

  // #### Using a custom object scope
  // Python's `with keras.saving.custom_object_scope(objects):` block is a function here: the
  // scope holds for the function it runs, awaits included.
  let model = await trainModel(getCustomModel());
  await model.save(file("custom_model.keras"));
  {
    const customObjects = { CustomLayer, custom_fn: customFn };
    const reconstructedModel = await saving.customObjectScope(customObjects, () => models.loadModel(file("custom_model.keras")));
    assertAllclose("custom object scope", model.predict(testInput) as Tensor, reconstructedModel.predict(testInput) as Tensor);
  }

  // ### Model serialization
  // #### In-memory model cloning
  {
    const newModel = models.cloneModel(model);
    console.log(`cloned: ${newModel.layers.map((l) => l.className).join(", ")} (fresh weights, not compiled)`);
  }

  // #### getConfig() and fromConfig()
  // Layer example:
  const layer = layers.Dense(3, { activation: "relu" });
  const layerConfig = layer.getConfig();
  console.log(layerConfig);
  // Now let's reconstruct the layer using the fromConfig() method:
  {
    const newLayer = layers.classes.Dense.fromConfig(layerConfig);
    console.log(`rebuilt: ${newLayer.toString()}`);
  }

  // Sequential model example:
  {
    const model = new models.Sequential([layers.Input({ shape: [32] }), layers.Dense(1)]);
    const config = model.getConfig();
    const newModel = models.Sequential.fromConfig(config);
    console.log(`Sequential.fromConfig: ${newModel.layers.length} layer(s), ${newModel.countParams()} parameters`);
  }

  // Functional model example:
  {
    const inputs = layers.Input({ shape: [32] });
    const outputs = layers.Dense(1)(inputs);
    const model = new models.Model({ inputs, outputs });
    const config = model.getConfig();
    const newModel = models.Model.fromConfig(config);
    console.log(`Model.fromConfig: ${newModel.layers.length} layer(s), ${newModel.countParams()} parameters`);
  }

  // #### toJSON() and models.modelFromJSON()
  {
    const model = new models.Sequential([layers.Input({ shape: [32] }), layers.Dense(1)]);
    const jsonConfig = model.toJSON();
    const newModel = await models.modelFromJSON(jsonConfig);
    console.log(`modelFromJSON: ${newModel.countParams()} parameters`);
  }

  // #### Arbitrary object serialization and deserialization
  {
    const myReg = regularizers.L1(0.005);
    const config = saving.serializeKerasObject(myReg);
    console.log(config);
    // Now we can reconstruct the regularizer.
    const newReg = saving.deserializeKerasObject(config);
    console.log(`deserialized: ${(newReg as { constructor: { name: string } }).constructor.name}`);
  }

  // ### Model weights saving
  // #### APIs for in-memory weight transfer
  // Transferring weights from one layer to another, in memory:
  {
    const createLayer = (): tf.layers.Layer => {
      const layer = layers.Dense(64, { activation: "relu", name: "dense_2" });
      layer.build([null, 784]);
      return layer;
    };
    const layer1 = createLayer();
    const layer2 = createLayer();
    // Copy weights from layer 1 to layer 2
    layer2.setWeights(layer1.getWeights());
  }

  // Transferring weights from one model to another model with a compatible architecture, in memory:
  // Create a simple functional model
  const mlp = (withDropout = false): tf.models.Model => {
    const inputs = layers.Input({ shape: [784], name: "digits" });
    let x = layers.Dense(64, { activation: "relu", name: "dense_1" })(inputs);
    x = layers.Dense(64, { activation: "relu", name: "dense_2" })(x);
    // Add a dropout layer, which does not contain any weights.
    if (withDropout) x = layers.Dropout(0.5)(x);
    const outputs = layers.Dense(10, { name: "predictions" })(x);
    return new models.Model({ inputs, outputs, name: "3_layer_mlp" });
  };
  let functionalModel = mlp();

  // Define a subclassed model with the same architecture
  class SubclassedModel extends models.Model {
    outputDim: number;
    dense1 = layers.Dense(64, { activation: "relu", name: "dense_1" });
    dense2 = layers.Dense(64, { activation: "relu", name: "dense_2" });
    dense3: tf.layers.Layer;
    constructor(outputDim: number, name?: string) {
      super({ name });
      this.outputDim = outputDim;
      this.dense3 = layers.Dense(outputDim, { name: "predictions" });
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      let x = this.dense1.apply(inputs) as Tensor;
      x = this.dense2.apply(x) as Tensor;
      return this.dense3.apply(x) as Tensor;
    }
    override getConfig(): Record<string, unknown> {
      return { output_dim: this.outputDim, name: this.name };
    }
  }
  {
    const subclassedModel = new SubclassedModel(10);
    // Call the subclassed model once to create the weights.
    subclassedModel.apply(tf.ones([1, 784]));
    // Copy weights from functionalModel to subclassedModel.
    subclassedModel.setWeights(functionalModel.getWeights());
    assert.equal(functionalModel.weights.length, subclassedModel.weights.length);
    functionalModel.weights.forEach((a, i) => assertAllclose(`weight ${a.name}`, a, subclassedModel.weights[i]));
  }

  // The case of stateless layers: extra or missing Dropout layers keep the weights compatible.
  functionalModel = mlp();
  {
    const functionalModelWithDropout = mlp(true);
    functionalModelWithDropout.setWeights(functionalModel.getWeights());
    console.log(`with Dropout: ${functionalModelWithDropout.layers.length} layers take the ${functionalModel.getWeights().length} weights of ${functionalModel.layers.length}`);
  }

  // #### APIs for saving weights to disk & loading them back
  // The file name should end in `.weights.h5`.
  {
    const sequentialModel = new models.Sequential([
      layers.Input({ shape: [784], name: "digits" }),
      layers.Dense(64, { activation: "relu", name: "dense_1" }),
      layers.Dense(64, { activation: "relu", name: "dense_2" }),
      layers.Dense(10, { name: "predictions" }),
    ]);
    await sequentialModel.saveWeights(file("my_model.weights.h5"));
    await sequentialModel.loadWeights(file("my_model.weights.h5"));
  }

  // Changing `layer.trainable` may change the order of `layer.weights` when the model holds
  // nested layers (trainable weights come first).
  class NestedDenseLayer extends layers.Layer {
    dense1: tf.layers.Layer;
    dense2: tf.layers.Layer;
    constructor(units: number, name?: string) {
      super({ name });
      this.dense1 = layers.Dense(units, { name: "dense_1" });
      this.dense2 = layers.Dense(units, { name: "dense_2" });
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      return this.dense2.apply(this.dense1.apply(inputs)) as Tensor;
    }
  }
  {
    const nestedModel = new models.Sequential([layers.Input({ shape: [784] }), new NestedDenseLayer(10, "nested")]);
    const variableNames = nestedModel.weights.map((v) => v.name);
    console.log(`variables: ${JSON.stringify(variableNames)}`);
    console.log("\nChanging trainable status of one of the nested layers...");
    (nestedModel.getLayer("nested") as NestedDenseLayer).dense1.trainable = false;
    const variableNames2 = nestedModel.weights.map((v) => v.name);
    console.log(`\nvariables: ${JSON.stringify(variableNames2)}`);
    console.log(`variable ordering changed: ${JSON.stringify(variableNames) !== JSON.stringify(variableNames2)}`);
  }

  // ##### Transfer learning example
  // Load the pretrained weights into the original (checkpointed) architecture, then extract the
  // layers wanted into a new model.
  {
    functionalModel = mlp();
    await functionalModel.saveWeights(file("pretrained.weights.h5"));
    // In a separate program:
    const pretrainedModel = mlp();
    await pretrainedModel.loadWeights(file("pretrained.weights.h5"));
    // Create a new model by extracting layers from the original model:
    const extractedLayers = pretrainedModel.layers.slice(0, -1);
    extractedLayers.push(layers.Dense(5, { name: "dense_3" }));
    model = new models.Sequential(extractedLayers);
    model.summary();
  }

  // ### Appendix: Handling custom objects
  // #### Defining the config methods
  // getConfig() returns a JSON-serializable object; the default fromConfig is `new cls(config)`
  // (camelCased keys). Here the regularizer and initializer arrive as Keras identifiers or
  // objects, which addWeight takes as they are.
  class MyDense extends layers.Layer {
    hiddenUnits: number;
    kernelRegularizer: tf.layers.AddWeightOptions["regularizer"] | null;
    kernelInitializer: tf.layers.AddWeightOptions["initializer"] | null;
    nestedModel: tf.layers.Layer | null;
    kernel!: tf.Variable;
    constructor(args: tf.layers.LayerArgs & { units: number; kernelRegularizer?: MyDense["kernelRegularizer"]; kernelInitializer?: MyDense["kernelInitializer"]; nestedModel?: tf.layers.Layer | null }) {
      super(args);
      this.hiddenUnits = args.units;
      this.kernelRegularizer = args.kernelRegularizer ?? null;
      this.kernelInitializer = args.kernelInitializer ?? null;
      this.nestedModel = args.nestedModel ?? null;
    }
    override getConfig(): Record<string, unknown> {
      // Update the config with the custom layer's parameters
      return {
        ...super.getConfig(),
        units: this.hiddenUnits,
        kernel_regularizer: this.kernelRegularizer,
        kernel_initializer: this.kernelInitializer,
        nested_model: this.nestedModel,
      };
    }
    override build(inputShape: tf.layers.LayerShape): void {
      const inputUnits = (inputShape as (number | null)[]).at(-1) as number;
      this.kernel = this.addWeight({
        name: "kernel",
        shape: [inputUnits, this.hiddenUnits],
        regularizer: this.kernelRegularizer ?? undefined,
        initializer: this.kernelInitializer ?? undefined,
      });
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      return ops.matmul(inputs as Tensor, this.kernel);
    }
  }
  saving.registerKerasSerializable({ package: "MyLayers", name: "KernelMult" })(MyDense);

  let myLayer = new MyDense({ units: 16, kernelRegularizer: "l1", kernelInitializer: "ones" });
  const layer3 = new MyDense({ units: 64, nestedModel: myLayer });
  {
    const config = layers.serialize(layer3);
    console.log(JSON.stringify(config));
    const newLayer = layers.deserialize(config);
    console.log(newLayer.toString());
  }

  // A layer holding other layers must deserialize them itself, in a fromConfig override.
  class CustomModel extends layers.Layer {
    firstLayer: tf.layers.Layer;
    secondLayer: tf.layers.Layer;
    constructor(args: tf.layers.LayerArgs & { firstLayer: tf.layers.Layer; secondLayer?: tf.layers.Layer | null }) {
      super(args);
      this.firstLayer = args.firstLayer;
      this.secondLayer = args.secondLayer ?? layers.Dense(8);
    }
    override getConfig(): Record<string, unknown> {
      return { ...super.getConfig(), first_layer: this.firstLayer, second_layer: this.secondLayer };
    }
    static override fromConfig(config: Readonly<Record<string, unknown>>): tf.layers.Layer {
      // Note that you can also use saving.deserializeKerasObject here
      const { first_layer, second_layer, ...rest } = config;
      return new CustomModel({
        ...(rest as tf.layers.LayerArgs),
        firstLayer: layers.deserialize(first_layer as Record<string, unknown>),
        secondLayer: layers.deserialize(second_layer as Record<string, unknown>),
      });
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      return this.firstLayer.apply(this.secondLayer.apply(inputs)) as Tensor;
    }
  }
  saving.registerKerasSerializable({ package: "ComplexModels" })(CustomModel);

  // Let's make our first layer the custom layer from the previous example (MyDense)
  {
    const inputs = layers.Input({ shape: [32] });
    const outputs = new CustomModel({ firstLayer: myLayer })(inputs);
    const model = new models.Model({ inputs, outputs });
    const config = model.getConfig();
    const newModel = models.Model.fromConfig(config);
    console.log(`CustomModel in a functional model, rebuilt: ${newModel.countParams()} parameters (of ${model.countParams()})`);
  }

  // #### How custom objects are serialized
  // `registered_name` holds the registry key ("MyLayers>KernelMult"), `class_name` the class's own
  // name and `module` is null for a custom object.
  myLayer = new MyDense({ units: 16, kernelRegularizer: regularizers.L1L2({ l1: 1e-5, l2: 1e-4 }), kernelInitializer: "ones" });
  {
    const config = layers.serialize(myLayer);
    console.log(JSON.stringify(config));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
