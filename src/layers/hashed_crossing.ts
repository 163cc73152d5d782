import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { valueText } from "../tensor/value_text.js";
import { constant } from "../tensor/creation.js";
import { type CallOptions, Layer, type LayerArgs, type LayerInput, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { SymbolicTensor, layerShapeText } from "./symbolic.js";
import { categoricalOutputShape, checkOutputMode, defaultOutputDType, encodeCategorical } from "./categorical_output.js";
import { fingerprint64, fingerprintCat64, utf8 } from "./string_hash.js";
import { hashValues } from "./hash_inputs.js";
import type { NestedStrings } from "./nested_values.js";

export type HashedCrossingMode = "int" | "one_hot";

export interface HashedCrossingArgs extends LayerArgs {
  /** How many bins the crosses hash into. */
  numBins?: number;
  /** "int" (bin ids, the default) or "one_hot". */
  outputMode?: HashedCrossingMode;
  /** Keras' sparse outputs: lamina has no sparse tensors, so only false. */
  sparse?: boolean;
}

/** tf.sparse.cross_hashed's default hash_key. */
const DEFAULT_HASH_KEY = 0xdecafcaffen;

export interface HashedCrossing {
  /** Two or more features (strings or integer tensors) of equal shape [], [batch] or [batch, 1] to the bins of their crosses. */
  (inputs: readonly (Tensor | NestedStrings)[], opts?: CallOptions): Tensor;
  (inputs: readonly SymbolicTensor[], opts?: CallOptions): SymbolicTensor;
}

/**
 * Keras 3.5's HashedCrossing: the bin of each combination of features, as
 * tf.sparse.cross_hashed computes it (FingerprintCat64 over each feature's hash: FarmHash
 * Fingerprint64 of a string, an integer's own 64 bits), so the bins are Keras' own. String
 * features are JavaScript arrays (no tensor holds strings): crossing them is done on data.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class HashedCrossing extends Layer {
  static readonly options = layerOptions<HashedCrossingArgs>({ numBins: true, outputMode: true, sparse: true });
  readonly numBins: number;
  readonly outputMode: HashedCrossingMode;

  constructor(args: HashedCrossingArgs = {}) {
    const where = `HashedCrossing ${args.name ?? ""}`.trim();
    const mode = checkOutputMode(args.outputMode ?? "int", ["int", "one_hot"] as const, where);
    super({ ...args, dtype: defaultOutputDType(mode, args.dtype as DType | undefined, where) });
    const at = `HashedCrossing ${this.name}`;
    const n = args.numBins;
    if (typeof n !== "number" || !Number.isInteger(n) || n <= 0) {
      throw new RangeError(`${at}: numBins must be a positive integer, got ${valueText(n)}; e.g. layers.HashedCrossing({ numBins: 32 })`);
    }
    if (booleanOption(at, "sparse", args.sparse, false)) throw new TypeError(`${at}: sparse outputs are not supported (lamina has no sparse tensors); leave sparse false`);
    this.numBins = n;
    this.outputMode = mode;
    this.built = true;
  }

  override apply(inputs: LayerInput | readonly (Tensor | NestedStrings)[], opts: CallOptions = {}): Tensor {
    const list = inputs as readonly unknown[];
    if (Array.isArray(list) && list.length > 0 && list.every((x) => x instanceof Tensor || x instanceof SymbolicTensor)) {
      return super.apply(inputs as LayerInput, opts) as Tensor;
    }
    return this.cross(list);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    return this.cross(Array.isArray(inputs) ? inputs : [inputs]);
  }

  private checkShapes(shapes: readonly LayerShape[]): void {
    const at = `HashedCrossing ${this.name}`;
    if (shapes.length < 2) throw new TypeError(`${at}: takes a list of at least two features, got ${shapes.length}`);
    const first = shapes[0];
    if (first.length > 2 || (first.length === 2 && first[1] !== 1)) {
      throw new RangeError(`${at}: every feature must have shape [], [batch] or [batch, 1], got ${layerShapeText(first)}`);
    }
    for (const s of shapes.slice(1)) {
      if (s.length !== first.length || s.some((d, i) => d !== first[i])) {
        throw new RangeError(`${at}: every feature must have the same shape, got ${shapes.map(layerShapeText).join(" and ")}`);
      }
    }
  }

  private cross(inputs: unknown): Tensor {
    const at = `HashedCrossing ${this.name}`;
    if (!Array.isArray(inputs)) throw new TypeError(`${at}: takes a list of at least two features, got ${valueText(inputs)}`);
    const features = inputs.map((x) => {
      if (x instanceof Tensor && x.dtype !== "int32" && x.dtype !== "int64" && x.dtype !== "uint8") {
        throw new TypeError(`${at}: features must be strings or integer tensors, got a ${x.dtype} tensor`);
      }
      return hashValues(x, at);
    });
    this.checkShapes(features.map((f) => f.shape));
    const size = features[0].texts.length;
    const mod = BigInt(this.numBins);
    const ids = Array.from({ length: size }, (_, i) => {
      let h = DEFAULT_HASH_KEY;
      for (const f of features) h = fingerprintCat64(h, f.ints === null ? fingerprint64(utf8(f.texts[i])) : BigInt.asUintN(64, f.ints[i]));
      return Number(h % mod);
    });
    return encodeCategorical(constant(ids, features[0].shape, "int32"), this.outputMode, this.numBins, this.dtype, at);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as LayerShape[];
    this.checkShapes(shapes);
    return categoricalOutputShape(this.outputMode, shapes[0], this.numBins, `HashedCrossing ${this.name}`);
  }

  override getConfig(): Record<string, unknown> {
    // Keras 3.5's get_config: these keys only (no trainable), the dtype as a plain string.
    return { num_bins: this.numBins, output_mode: this.outputMode, sparse: false, name: this.name, dtype: this.dtype };
  }
}
