/**
 * Keras 3.5's `keras.utils.FeatureSpace`: preprocessing and encoding of structured data, a dict
 * of named columns, each through its preprocessing layer (Normalization, Rescaling,
 * Discretization, IntegerLookup, StringLookup, Hashing), with crosses hashed by HashedCrossing,
 * one-hot encodings by CategoryEncoding, and the results concatenated in Keras' order (features
 * sorted by name, then crosses sorted by name) or returned as a dict.
 *
 * lamina's tensors hold no strings, so string features are JavaScript string arrays and a
 * FeatureSpace with string features is applied to the data (as Keras' `dataset.map(feature_space)`),
 * not placed in a model; getInputs/getEncodedFeatures build a model's front only for numeric features.
 */
import { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { valueText } from "../tensor/value_text.js";
import { isPlainObject } from "../tensor/plain_object.js";
import { cast } from "../ops/math.js";
import { concat, reshape, squeeze } from "../ops/shape.js";
import { Layer } from "../layers/layer.js";
import { SymbolicTensor } from "../layers/symbolic.js";
import { Input } from "../layers/core.js";
import { Identity } from "../layers/identity.js";
import { Rescaling } from "../layers/rescaling.js";
import { Normalization } from "../layers/preprocessing_normalization.js";
import { Discretization } from "../layers/discretization.js";
import { IntegerLookup } from "../layers/integer_lookup.js";
import { StringLookup } from "../layers/string_lookup.js";
import { Hashing } from "../layers/hashing.js";
import { HashedCrossing } from "../layers/hashed_crossing.js";
import { CategoryEncoding } from "../layers/category_encoding.js";
import { flatten, isString, nest, type NestedNumbers, type NestedStrings } from "../layers/nested_values.js";
import { uniqueLayerName } from "../layers/layer_names.js";
import { Cross, Feature, type CrossOutputMode, type FeatureDType, type FeatureOutputMode } from "./feature_space_specs.js";
import { featureSpaceConfig, featureSpaceFromConfig, type FeatureSpaceConfig } from "./feature_space_config.js";

export { Cross, Feature, type CrossOutputMode, type FeatureDType, type FeatureOutputMode } from "./feature_space_specs.js";

/** Keras' feature type names, each with its default arguments. */
export type FeatureTypeName =
  | "float" | "float_normalized" | "float_rescaled" | "float_discretized"
  | "integer_categorical" | "string_categorical" | "integer_hashed" | "string_hashed";

export interface FeatureSpaceArgs {
  /** Each feature's name and its Feature (FeatureSpace.floatNormalized(), ...) or type name ("float_normalized"). */
  features: Readonly<Record<string, Feature | FeatureTypeName>>;
  /** "concat" (default): one float32 tensor [batch, total]; "dict": each encoded feature and cross by name. */
  outputMode?: "concat" | "dict";
  /** Crosses: FeatureSpace.cross(...) or lists of feature names (crossed into crossingDim bins). */
  crosses?: readonly (Cross | readonly string[])[] | null;
  /** Bins of the crosses given as name lists (default 32). */
  crossingDim?: number;
  /** Bins of "integer_hashed"/"string_hashed" given by name (default 32). */
  hashingDim?: number;
  /** Bins of "float_discretized" given by name (default 32). */
  numDiscretizationBins?: number;
  name?: string;
}

/** One column: a tensor or nested numbers for numeric features, nested JavaScript strings for string features. */
export type FeatureColumn = Tensor | NestedNumbers | NestedStrings;
/** A batch (or one sample) of structured data: a column per feature name. */
export type FeatureBatch = Readonly<Record<string, FeatureColumn>>;
/** What adapt learns from: one batch, or batches (an array, an iterable or an async iterable such as a generator). */
export type FeatureSpaceAdaptData = FeatureBatch | Iterable<FeatureBatch> | AsyncIterable<FeatureBatch>;

type Value = Tensor | SymbolicTensor;
type Column = Value | NestedStrings;

/** Keras batches unbatched data by this many before adapting. */
const ADAPT_BATCH = 32;

const isNumber = (v: unknown): v is number => typeof v === "number";

function featureName(name: string | undefined, kind: string): string {
  return name ?? uniqueLayerName(kind);
}

export class FeatureSpace {
  readonly name: string;
  readonly features: Readonly<Record<string, Feature>>;
  readonly crosses: readonly Cross[];
  readonly outputMode: "concat" | "dict";
  readonly crossingDim: number;
  readonly hashingDim: number;
  readonly numDiscretizationBins: number;
  /** Each feature's preprocessing layer, by feature name (Keras' `preprocessors`). */
  readonly preprocessors: Readonly<Record<string, Layer>>;
  /** Each cross's HashedCrossing layer, by cross name (Keras' `crossers`). */
  readonly crossers: Readonly<Record<string, HashedCrossing>>;
  private adapted = false;
  private readonly encoders = new Map<string, CategoryEncoding>();
  private inputs: Record<string, SymbolicTensor> | null = null;
  private encoded: SymbolicTensor | Record<string, SymbolicTensor> | null = null;

  // ---- Keras' feature constructors (camelCased; required arguments positional, the rest in options)

  static feature(dtype: FeatureDType, preprocessor: Layer, outputMode: FeatureOutputMode): Feature {
    return new Feature(dtype, preprocessor, outputMode);
  }

  static cross(featureNames: readonly string[], crossingDim: number, outputMode: CrossOutputMode = "one_hot"): Cross {
    return new Cross(featureNames, crossingDim, outputMode);
  }

  /** Floats passed through as they are. */
  static float(opts: { name?: string } = {}): Feature {
    const name = featureName(opts.name, "float");
    return new Feature("float32", new Identity({ name: `${name}_preprocessor`, dtype: "float32" }), "float");
  }

  /** Floats as x * scale + offset. */
  static floatRescaled(opts: { scale?: number; offset?: number; name?: string } = {}): Feature {
    const name = featureName(opts.name, "float_rescaled");
    return new Feature("float32", new Rescaling({ scale: opts.scale ?? 1, offset: opts.offset ?? 0, name: `${name}_preprocessor` }), "float");
  }

  /** Floats standardized by the mean and variance adapt learns. */
  static floatNormalized(opts: { name?: string } = {}): Feature {
    const name = featureName(opts.name, "float_normalized");
    return new Feature("float32", new Normalization({ axis: -1, name: `${name}_preprocessor` }), "float");
  }

  /** Floats binned into numBins bins (boundaries learned by adapt unless binBoundaries are given). */
  static floatDiscretized(numBins: number, opts: { binBoundaries?: readonly number[] | null; outputMode?: FeatureOutputMode; name?: string } = {}): Feature {
    const name = featureName(opts.name, "float_discretized");
    const pre = new Discretization({ numBins, binBoundaries: opts.binBoundaries ?? null, name: `${name}_preprocessor` });
    return new Feature("float32", pre, opts.outputMode ?? "one_hot");
  }

  /** Integers looked up in a vocabulary adapt learns. */
  static integerCategorical(opts: { maxTokens?: number | null; numOovIndices?: number; outputMode?: FeatureOutputMode; name?: string } = {}): Feature {
    const name = featureName(opts.name, "integer_categorical");
    const pre = new IntegerLookup({ name: `${name}_preprocessor`, maxTokens: opts.maxTokens ?? null, numOovIndices: opts.numOovIndices ?? 1 });
    return new Feature("int32", pre, opts.outputMode ?? "one_hot");
  }

  /** Strings looked up in a vocabulary adapt learns. */
  static stringCategorical(opts: { maxTokens?: number | null; numOovIndices?: number; outputMode?: FeatureOutputMode; name?: string } = {}): Feature {
    const name = featureName(opts.name, "string_categorical");
    const pre = new StringLookup({ name: `${name}_preprocessor`, maxTokens: opts.maxTokens ?? null, numOovIndices: opts.numOovIndices ?? 1 });
    return new Feature("string", pre, opts.outputMode ?? "one_hot");
  }

  /** Strings hashed into numBins bins. */
  static stringHashed(numBins: number, opts: { outputMode?: FeatureOutputMode; name?: string } = {}): Feature {
    const name = featureName(opts.name, "string_hashed");
    return new Feature("string", new Hashing({ name: `${name}_preprocessor`, numBins }), opts.outputMode ?? "one_hot");
  }

  /** Integers hashed into numBins bins. */
  static integerHashed(numBins: number, opts: { outputMode?: FeatureOutputMode; name?: string } = {}): Feature {
    const name = featureName(opts.name, "integer_hashed");
    return new Feature("int32", new Hashing({ name: `${name}_preprocessor`, numBins }), opts.outputMode ?? "one_hot");
  }

  constructor(args: FeatureSpaceArgs) {
    if (args === null || typeof args !== "object" || args.features === null || typeof args.features !== "object" || Object.keys(args.features).length === 0) {
      throw new TypeError(`FeatureSpace: features must be a non-empty object of feature names to features, e.g. new FeatureSpace({ features: { age: "float_normalized" } })`);
    }
    this.name = args.name ?? uniqueLayerName("feature_space");
    this.crossingDim = args.crossingDim ?? 32;
    this.hashingDim = args.hashingDim ?? 32;
    this.numDiscretizationBins = args.numDiscretizationBins ?? 32;
    const features: Record<string, Feature> = {};
    for (const [name, spec] of Object.entries(args.features)) features[name] = this.standardizeFeature(name, spec);
    this.features = features;
    const crosses: Cross[] = [];
    for (const c of args.crosses ?? []) {
      const cross = c instanceof Cross ? c : new Cross(c, this.crossingDim);
      const unknown = cross.featureNames.filter((n) => !Object.hasOwn(features, n));
      if (unknown.length > 0) {
        throw new RangeError(`FeatureSpace: the cross ${cross.name} names ${unknown.map((n) => `"${n}"`).join(", ")}, not in features (${Object.keys(features).join(", ")}); every crossed feature must be declared in features`);
      }
      crosses.push(cross);
    }
    this.crosses = crosses;
    const mode = args.outputMode ?? "concat";
    if (mode !== "concat" && mode !== "dict") throw new RangeError(`FeatureSpace: outputMode must be "concat" or "dict", got ${valueText(mode)}`);
    this.outputMode = mode;
    this.preprocessors = Object.fromEntries(Object.entries(features).map(([n, f]) => [n, f.preprocessor]));
    this.crossers = Object.fromEntries(crosses.map((c) => [c.name, new HashedCrossing({ numBins: c.crossingDim, name: c.name })]));
  }

  private standardizeFeature(name: string, spec: Feature | FeatureTypeName): Feature {
    if (spec instanceof Feature) return spec;
    switch (spec) {
      case "float": return FeatureSpace.float({ name });
      case "float_normalized": return FeatureSpace.floatNormalized({ name });
      case "float_rescaled": return FeatureSpace.floatRescaled({ name });
      case "float_discretized": return FeatureSpace.floatDiscretized(this.numDiscretizationBins, { name });
      case "integer_categorical": return FeatureSpace.integerCategorical({ name });
      case "string_categorical": return FeatureSpace.stringCategorical({ name });
      case "integer_hashed": return FeatureSpace.integerHashed(this.hashingDim, { name });
      case "string_hashed": return FeatureSpace.stringHashed(this.hashingDim, { name });
    }
    throw new RangeError(
      `FeatureSpace: feature "${name}" has the invalid type ${valueText(spec)}; use a FeatureSpace.float()/floatNormalized()/... feature or one of ` +
        `"float", "float_normalized", "float_rescaled", "float_discretized", "integer_categorical", "string_categorical", "integer_hashed", "string_hashed"`,
    );
  }

  /** Features whose preprocessor learns from data (Keras' _list_adaptable_preprocessors). */
  private adaptableFeatures(): string[] {
    return Object.keys(this.features).filter((n) => {
      const p = this.preprocessors[n];
      if (p instanceof Normalization) return p.getConfig().mean == null;
      // Keras 3.5 adapts a Discretization given binBoundaries too, which then fails; it has nothing to learn.
      if (p instanceof Discretization) return !(p as unknown as { givenBoundaries: boolean }).givenBoundaries;
      return typeof (p as unknown as { adapt?: unknown }).adapt === "function";
    });
  }

  /**
   * Learns normalization statistics, bin boundaries and vocabularies from the data (Keras'
   * adapt): one batch (an object of columns) or batches of them, from an array, an iterable or an
   * async iterable. The batches are read once and held while each feature's layer adapts; columns
   * of single samples (scalars) are batched by 32, as Keras does.
   */
  async adapt(data: FeatureSpaceAdaptData): Promise<void> {
    const batches: FeatureBatch[] = [];
    if (isBatch(data)) batches.push(data);
    else if (typeof data === "object" && data !== null && (Symbol.asyncIterator in data || Symbol.iterator in data)) {
      for await (const b of data as AsyncIterable<FeatureBatch>) {
        if (!isBatch(b)) throw new TypeError(`FeatureSpace ${this.name}.adapt: each batch must be an object of columns by feature name, got ${valueText(b)}`);
        batches.push(b);
      }
    } else {
      throw new TypeError(`FeatureSpace ${this.name}.adapt: takes an object of columns by feature name, or batches of them (an array, iterable or async iterable), got ${valueText(data)}`);
    }
    if (batches.length === 0) throw new RangeError(`FeatureSpace ${this.name}.adapt: the data holds no batches; pass at least one batch to learn from`);
    for (const name of this.adaptableFeatures()) {
      const columns = batches.map((b, i) => {
        if (!Object.hasOwn(b, name)) throw new RangeError(`FeatureSpace ${this.name}.adapt: batch ${i} has no column "${name}" (it has ${Object.keys(b).join(", ")}); every feature needs a column`);
        return this.column(name, b[name], `FeatureSpace ${this.name}.adapt`);
      });
      const rebatched = columns.every((c) => c.scalar) ? batchScalars(columns.map((c) => c.value), this.features[name].dtype) : columns.map((c) => c.value);
      const layer = this.preprocessors[name] as unknown as { adapt(d: AsyncIterable<Column>): Promise<void> };
      try {
        await layer.adapt(asyncOf(rebatched));
      } catch (e) {
        throw new Error(`FeatureSpace ${this.name}: adapting feature "${name}" failed: ${(e as Error).message}`, { cause: e });
      }
    }
    this.adapted = true;
  }

  private checkAdapted(): void {
    if (this.adapted) return;
    const need = this.adaptableFeatures();
    if (need.length === 0) {
      this.adapted = true;
      return;
    }
    throw new Error(`FeatureSpace ${this.name}: call await featureSpace.adapt(data) before using it; features ${need.map((n) => `"${n}"`).join(", ")} learn from the data`);
  }

  /** One column as the preprocessor takes it: [batch, 1] (scalars and 1-D columns reshaped, as Keras does). */
  private column(name: string, value: unknown, where: string): { value: Column; scalar: boolean } {
    const feature = this.features[name];
    const at = `${where}: feature "${name}"`;
    if (feature.dtype === "string") {
      if (value instanceof Tensor) throw new TypeError(`${at} is a string feature and got a ${value.dtype} tensor; pass its values as JavaScript strings (a string[] column)`);
      let flat;
      try {
        flat = flatten(value, isString, "strings", at);
      } catch (e) {
        throw new TypeError(`${at} is a string feature: pass JavaScript strings (a string[] column), got ${valueText(value)} (${(e as Error).message})`);
      }
      const shape = flat.shape.length === 0 ? [1, 1] : flat.shape.length === 1 ? [flat.shape[0], 1] : flat.shape;
      return { value: nest(flat.values, shape) as NestedStrings, scalar: flat.shape.length === 0 };
    }
    const dtype = feature.dtype;
    let t: Tensor;
    if (value instanceof Tensor) {
      if (dtype === "int32" && value.dtype !== "int32" && value.dtype !== "int64" && value.dtype !== "uint8") {
        throw new TypeError(`${at} is an integer feature and got a ${value.dtype} tensor; pass integers (cast to int32 first)`);
      }
      t = dtype === "float32" && value.dtype !== "float32" ? cast(value, "float32") : value;
    } else {
      let flat;
      try {
        flat = flatten(value, isNumber, "numbers", at);
      } catch (e) {
        throw new TypeError(`${at} is a ${dtype === "int32" ? "integer" : "float"} feature: pass numbers (a number[] column or a tensor), got ${valueText(value)} (${(e as Error).message})`);
      }
      if (dtype === "int32") {
        const bad = flat.values.find((v) => !Number.isInteger(v));
        if (bad !== undefined) throw new TypeError(`${at} is an integer feature and got the non-integer ${bad}; round the column or declare the feature as a float feature`);
      }
      t = constant(flat.values, flat.shape, dtype);
    }
    if (t.rank === 0) return { value: reshape(t, [1, 1]), scalar: true };
    if (t.rank === 1) return { value: reshape(t, [t.shape[0], 1]), scalar: false };
    return { value: t, scalar: false };
  }

  private preprocess(columns: Record<string, Column>): Record<string, Value | NestedStrings> {
    const out: Record<string, Value | NestedStrings> = {};
    for (const name of Object.keys(columns)) {
      const layer = this.preprocessors[name] as unknown as (x: Column) => Value | NestedStrings;
      try {
        out[name] = layer(columns[name]);
      } catch (e) {
        throw new Error(`FeatureSpace ${this.name}: preprocessing feature "${name}" failed: ${(e as Error).message}`, { cause: e });
      }
    }
    return out;
  }

  private cross(pre: Record<string, Value | NestedStrings>): Record<string, Value> {
    const out: Record<string, Value> = {};
    for (const c of this.crosses) {
      const crosser = this.crossers[c.name] as unknown as (x: (Value | NestedStrings)[]) => Value;
      try {
        out[c.name] = crosser(c.featureNames.map((n) => pre[n]));
      } catch (e) {
        throw new Error(`FeatureSpace ${this.name}: crossing ${c.featureNames.map((n) => `"${n}"`).join(" and ")} failed (crosses take the features' preprocessed values, which must be integer ids or strings): ${(e as Error).message}`, { cause: e });
      }
    }
    return out;
  }

  /** How many ids a one-hot feature's preprocessor yields (Keras' cardinality). */
  private cardinality(name: string): number {
    const p = this.preprocessors[name] ?? this.crossers[name];
    if (p instanceof IntegerLookup || p instanceof StringLookup) return p.vocabularySize();
    if (p instanceof CategoryEncoding) return p.numTokens;
    if (p instanceof Discretization) return p.numBins ?? p.binBoundaries.length + 1;
    if (p instanceof Hashing || p instanceof HashedCrossing) return p.numBins;
    throw new TypeError(`FeatureSpace ${this.name}: feature "${name}" has outputMode "one_hot" but its preprocessor ${p.className} has no known number of categories, so it cannot be one-hot encoded; use outputMode "int"`);
  }

  /**
   * Whether a preprocessed feature holds integer ids: its dtype says so, or, for a symbolic output
   * of a layer whose declared dtype is its float policy, the layer's output mode.
   */
  private isIds(x: Value, name: string): boolean {
    if (x.dtype.startsWith("int") || x.dtype === "uint8") return true;
    if (x instanceof Tensor) return false;
    const p = this.preprocessors[name] ?? this.crossers[name];
    if (p instanceof IntegerLookup || p instanceof StringLookup) return p.vocab.outputMode === "int" && !p.vocab.invert;
    if (p instanceof Hashing || p instanceof HashedCrossing || p instanceof Discretization) return p.outputMode === "int";
    return false;
  }

  private merge(pre: Record<string, Value | NestedStrings>, crossed: Record<string, Value>): Value | Record<string, Value> {
    const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const names = [...Object.keys(pre).sort(byName), ...Object.keys(crossed).sort(byName)];
    const parts: Record<string, Value> = {};
    for (const name of names) {
      let x = (Object.hasOwn(crossed, name) ? crossed[name] : pre[name]) as Value | NestedStrings;
      const mode = Object.hasOwn(crossed, name) ? this.crosses.find((c) => c.name === name)!.outputMode : this.features[name].outputMode;
      if (!(x instanceof Tensor || x instanceof SymbolicTensor)) {
        throw new TypeError(`FeatureSpace ${this.name}: feature "${name}" was preprocessed into strings, which no tensor holds; give it a preprocessor that returns ids or floats`);
      }
      if (mode === "one_hot") {
        if (!this.isIds(x, name)) {
          throw new TypeError(`FeatureSpace ${this.name}: feature "${name}" has outputMode "one_hot", so its preprocessor must return integer ids, but it returns ${x.dtype}; use outputMode "float"`);
        }
        let enc = this.encoders.get(name);
        if (enc === undefined) {
          enc = new CategoryEncoding({ numTokens: this.cardinality(name), outputMode: "multi_hot" });
          this.encoders.set(name, enc);
        }
        x = enc.apply(x) as Value;
      }
      if (this.outputMode === "concat" && mode !== "one_hot" && this.isIds(x, name)) {
        throw new TypeError(`FeatureSpace ${this.name}: cannot concatenate the features because feature "${name}" has not been encoded (it is ${x.dtype}); use outputMode "dict", or give it outputMode "one_hot"`);
      }
      parts[name] = x;
    }
    if (this.outputMode === "dict") return parts;
    return concat(names.map((n) => parts[n]) as Tensor[], -1);
  }

  /**
   * Preprocesses and encodes a batch (or one sample): an object with a column per feature.
   * "concat" gives one float32 tensor [batch, total] ([total] for one sample); "dict" gives each
   * encoded feature and cross by name.
   */
  call(data: FeatureBatch): Tensor | Record<string, Tensor> {
    this.checkAdapted();
    if (!isBatch(data)) throw new TypeError(`FeatureSpace ${this.name}: takes an object of columns by feature name, got ${valueText(data)}`);
    const extra = Object.keys(data).filter((k) => !Object.hasOwn(this.features, k));
    if (extra.length > 0) throw new RangeError(`FeatureSpace ${this.name}: the data has columns ${extra.map((k) => `"${k}"`).join(", ")} that are not features (${Object.keys(this.features).join(", ")}); pass only the feature columns (split labels off first)`);
    const missing = Object.keys(this.features).filter((k) => !Object.hasOwn(data, k));
    if (missing.length > 0) throw new RangeError(`FeatureSpace ${this.name}: the data has no column for features ${missing.map((k) => `"${k}"`).join(", ")}; every feature needs a column`);
    const columns: Record<string, Column> = {};
    let rebatched = false;
    for (const name of Object.keys(data)) {
      const c = this.column(name, data[name], `FeatureSpace ${this.name}`);
      columns[name] = c.value;
      rebatched ||= c.scalar;
    }
    const pre = this.preprocess(columns);
    const merged = this.merge(pre, this.cross(pre)) as Tensor | Record<string, Tensor>;
    if (!rebatched) return merged;
    if (merged instanceof Tensor) return squeeze(merged, 0);
    return Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, v.rank === 2 && v.shape[0] === 1 ? squeeze(v, 0) : v]));
  }

  /** The symbolic inputs a model on top of the FeatureSpace starts from, one [null, 1] input per feature. */
  getInputs(): Record<string, SymbolicTensor> {
    this.checkAdapted();
    if (this.inputs === null) {
      const strings = Object.keys(this.features).filter((n) => this.features[n].dtype === "string");
      if (strings.length > 0) {
        throw new TypeError(
          `FeatureSpace ${this.name}: features ${strings.map((n) => `"${n}"`).join(", ")} take strings, which no lamina tensor (and so no layers.Input) holds, so this FeatureSpace cannot sit inside a model; ` +
            `apply it to the data instead (featureSpace.call(batch) per batch) and feed the model the tensor it returns`,
        );
      }
      this.inputs = Object.fromEntries(Object.entries(this.features).map(([n, f]) => [n, Input({ shape: [1], dtype: f.dtype as "float32" | "int32", name: n })]));
    }
    return this.inputs;
  }

  /** The encoded features of getInputs(): the symbolic output to build a model on (Keras' get_encoded_features). */
  getEncodedFeatures(): SymbolicTensor | Record<string, SymbolicTensor> {
    const inputs = this.getInputs();
    if (this.encoded === null) {
      const pre = this.preprocess(inputs);
      this.encoded = this.merge(pre, this.cross(pre)) as SymbolicTensor | Record<string, SymbolicTensor>;
    }
    return this.encoded;
  }

  /** Keras 3.5's get_config: features and crosses serialized as Keras writes them. */
  getConfig(): FeatureSpaceConfig {
    return featureSpaceConfig(this);
  }

  /** Rebuilds a FeatureSpace from getConfig() or a Keras-written config (Keras' from_config). */
  static fromConfig(config: FeatureSpaceConfig | Record<string, unknown>): FeatureSpace {
    return featureSpaceFromConfig(config, (args) => new FeatureSpace(args));
  }

  get className(): string {
    return "FeatureSpace";
  }
}

function isBatch(x: unknown): x is FeatureBatch {
  return isPlainObject(x);
}

async function* asyncOf<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const x of items) yield x;
}

/** Single samples (each [1, 1]) into batches of 32 rows [n, 1], as Keras batches an unbatched dataset. */
function batchScalars(values: readonly Column[], dtype: FeatureDType): Column[] {
  const out: Column[] = [];
  for (let i = 0; i < values.length; i += ADAPT_BATCH) {
    const chunk = values.slice(i, i + ADAPT_BATCH);
    if (dtype === "string") out.push((chunk as string[][][]).map((c) => c[0]));
    else out.push(concat(chunk as Tensor[], 0));
  }
  return out;
}
