import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { valueText } from "../tensor/value_text.js";
import { constant } from "../tensor/creation.js";
import { type CallOptions, Layer, type LayerArgs, type LayerInput, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { SymbolicTensor } from "./symbolic.js";
import {
  type CategoricalOutputMode, CATEGORICAL_OUTPUT_MODES, categoricalOutputShape, checkOutputMode, defaultOutputDType, encodeCategorical,
} from "./categorical_output.js";
import { fingerprint64, sipHash24, utf8 } from "./string_hash.js";
import { hashValues } from "./hash_inputs.js";
import type { NestedStrings } from "./nested_values.js";

export interface HashingArgs extends LayerArgs {
  /** How many bins, the mask's bin 0 included when maskValue is set. */
  numBins?: number;
  /** Values that map to bin 0 (the others hash into 1..numBins-1); null (default) for none. */
  maskValue?: string | number | null;
  /** A key for SipHash-2-4 instead of FarmHash: one integer (used twice) or two. */
  salt?: number | readonly [number, number] | null;
  /** "int" (bin ids, the default), "one_hot", "multi_hot" or "count". */
  outputMode?: CategoricalOutputMode;
  /** Keras' sparse outputs: lamina has no sparse tensors, so only false. */
  sparse?: boolean;
}

export interface Hashing {
  /** Strings (nested arrays) or an integer or float tensor to bin ids or their encodings. */
  (inputs: Tensor | NestedStrings, opts?: CallOptions): Tensor;
  (inputs: SymbolicTensor, opts?: CallOptions): SymbolicTensor;
}

/**
 * Keras 3.5's Hashing: bins values by TensorFlow's stable hashes, FarmHash Fingerprint64
 * (to_hash_bucket_fast) or, with a salt, SipHash-2-4 keyed by it (to_hash_bucket_strong), so
 * the bins are Keras' own. Strings are hashed as UTF-8; integer tensors as their decimal text,
 * float tensors after truncation to integers, as Keras does. String inputs are JavaScript
 * arrays (no tensor holds strings), so on strings the layer is used on data, not in a model.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Hashing extends Layer {
  static readonly options = layerOptions<HashingArgs>({ numBins: true, maskValue: true, salt: true, outputMode: true, sparse: true });
  readonly numBins: number;
  readonly maskValue: string | number | null;
  /** The SipHash key as Keras keeps it ([salt, salt] for one integer), or null for FarmHash. */
  readonly salt: [number, number] | null;
  readonly outputMode: CategoricalOutputMode;

  constructor(args: HashingArgs = {}) {
    const where = `Hashing ${args.name ?? ""}`.trim();
    const mode = checkOutputMode(args.outputMode ?? "int", CATEGORICAL_OUTPUT_MODES, where);
    super({ ...args, dtype: defaultOutputDType(mode, args.dtype as DType | undefined, where) });
    const at = `Hashing ${this.name}`;
    const n = args.numBins;
    if (typeof n !== "number" || !Number.isInteger(n) || n <= 0) {
      throw new RangeError(`${at}: numBins must be a positive integer, got ${valueText(n)}; e.g. layers.Hashing({ numBins: 8 })`);
    }
    if (booleanOption(at, "sparse", args.sparse, false)) throw new TypeError(`${at}: sparse outputs are not supported (lamina has no sparse tensors); leave sparse false`);
    const mask = args.maskValue ?? null;
    if (mask !== null && typeof mask !== "string" && !(typeof mask === "number" && Number.isInteger(mask))) {
      throw new TypeError(`${at}: maskValue must be a string, an integer or null, got ${valueText(mask)}`);
    }
    const salt = args.salt ?? null;
    const okInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
    if (salt === null) this.salt = null;
    else if (okInt(salt)) this.salt = [salt, salt];
    else if (Array.isArray(salt) && salt.length === 2 && salt.every(okInt)) this.salt = [salt[0], salt[1]];
    else throw new TypeError(`${at}: salt must be one unsigned integer or a list of two, got ${valueText(salt)}`);
    this.numBins = n;
    this.maskValue = mask;
    this.outputMode = mode;
    this.built = true;
  }

  override apply(inputs: LayerInput | NestedStrings, opts: CallOptions = {}): Tensor {
    if (inputs instanceof Tensor || inputs instanceof SymbolicTensor) return super.apply(inputs as LayerInput, opts) as Tensor;
    return this.hash(inputs);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    if (Array.isArray(inputs)) throw new TypeError(`Hashing ${this.name}: takes one input, got ${inputs.length}`);
    return this.hash(inputs);
  }

  /** Bin ids of every value (Keras' _hash_values_to_bins), then the output encoding. */
  private hash(inputs: unknown): Tensor {
    const at = `Hashing ${this.name}`;
    const { texts, raw, shape } = hashValues(inputs, at);
    const masked = this.maskValue !== null && this.numBins > 1;
    const bins = BigInt(masked ? this.numBins - 1 : this.numBins);
    const key = this.salt === null ? null : [BigInt(this.salt[0]), BigInt(this.salt[1])];
    const ids = texts.map((t, i) => {
      if (masked && raw[i] === this.maskValue) return 0;
      const h = key === null ? fingerprint64(utf8(t)) : sipHash24(utf8(t), key[0], key[1]);
      return Number(h % bins) + (masked ? 1 : 0);
    });
    return encodeCategorical(constant(ids, shape, "int32"), this.outputMode, this.numBins, this.dtype, at);
  }

  override computeOutputShape(inputShape: LayerShape | LayerShape[]): LayerShape {
    return categoricalOutputShape(this.outputMode, inputShape as LayerShape, this.numBins, `Hashing ${this.name}`);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), num_bins: this.numBins, salt: this.salt === null ? null : [...this.salt], mask_value: this.maskValue, output_mode: this.outputMode, sparse: false };
  }
}
