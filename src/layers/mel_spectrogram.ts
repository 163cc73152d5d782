import type { Tensor } from "../tensor/tensor.js";
import { valueText } from "../tensor/value_text.js";
import { constant } from "../tensor/creation.js";
import { add, cast, div, log, maximum, mul, pow, sqrt, square, sub } from "../ops/math.js";
import { max } from "../ops/reduce.js";
import { swapaxes } from "../ops/arrange.js";
import { tensordot } from "../ops/linalg.js";
import { stft } from "../ops/signal_stft.js";
import { Layer, type LayerArgs, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { single } from "./core.js";

export interface MelSpectrogramArgs extends LayerArgs {
  /** FFT size: each frame gives fftLength / 2 + 1 frequency bins. Default 2048. */
  fftLength?: number;
  /** Samples between successive frames. Default 512. */
  sequenceStride?: number;
  /** Samples the window covers (at most fftLength); default fftLength. */
  sequenceLength?: number | null;
  /** "hann" (default), "hamming" (periodic windows), or null for none. */
  window?: "hann" | "hamming" | null;
  /** Samples per second of the input. Default 16000. */
  samplingRate?: number;
  /** Number of mel bands. Default 128. */
  numMelBins?: number;
  /** Lower edge of the lowest band, in Hz. Default 20. */
  minFreq?: number;
  /** Upper edge of the highest band, in Hz; default samplingRate / 2 (truncated to an integer, as Keras). */
  maxFreq?: number | null;
  /** Convert to decibels: 10 log10(max(S, minPower) / max(|refPower|, minPower)), floored at the maximum less topDb. Default true. */
  powerToDb?: boolean;
  /** Dynamic range kept by powerToDb, in dB below the maximum of the whole batch. Default 80. */
  topDb?: number;
  /** Exponent of the STFT magnitude: 1 magnitude, 2 power. Default 2. */
  magExp?: number;
  /** Floor of the power and of refPower before the logarithm. Default 1e-10. */
  minPower?: number;
  /** Reference power of 0 dB. Default 1. */
  refPower?: number;
}

// Keras' (HTK's) mel scale: mel(f) = 1127 ln(1 + f / 700).
const hertzToMel = (f: number): number => 1127 * Math.log(1 + f / 700);

/**
 * Keras' linear_to_mel_weight_matrix: [bins, numMelBins] triangles, linear in mel, each peaking at 1,
 * over bins linearly spaced in [0, samplingRate / 2]; the DC bin's row is zero (HTK).
 */
export function melWeightMatrix(numMelBins: number, bins: number, samplingRate: number, lowerHz: number, upperHz: number): number[][] {
  const nyquist = samplingRate / 2;
  const lo = hertzToMel(lowerHz), hi = hertzToMel(upperHz);
  const edges = Array.from({ length: numMelBins + 2 }, (_, i) => lo + ((hi - lo) * i) / (numMelBins + 1));
  const rows: number[][] = [new Array<number>(numMelBins).fill(0)];
  for (let b = 1; b < bins; b++) {
    const mel = hertzToMel((nyquist * b) / (bins - 1));
    rows.push(Array.from({ length: numMelBins }, (_, m) => {
      const lower = (mel - edges[m]) / (edges[m + 1] - edges[m]);
      const upper = (edges[m + 2] - mel) / (edges[m + 2] - edges[m + 1]);
      return Math.max(0, Math.min(lower, upper));
    }));
  }
  return rows;
}

/**
 * Keras' MelSpectrogram: audio [samples] or [batch, samples] to a mel spectrogram
 * [(batch,) numMelBins, frames]: the STFT (centred, reflect-padded frames every sequenceStride),
 * its magnitude to the power magExp, mel bands from Keras' triangular filter bank, and optionally
 * decibels. Frames = 1 + floor(samples / sequenceStride) for an even fftLength.
 */
export class MelSpectrogram extends Layer {
  static readonly options = layerOptions<MelSpectrogramArgs>({
    fftLength: true, sequenceStride: true, sequenceLength: true, window: true, samplingRate: true, numMelBins: true, minFreq: true, maxFreq: true,
    powerToDb: true, topDb: true, magExp: true, minPower: true, refPower: true,
  });
  readonly fftLength: number;
  readonly sequenceStride: number;
  readonly sequenceLength: number;
  readonly window: "hann" | "hamming" | null;
  readonly samplingRate: number;
  readonly numMelBins: number;
  readonly minFreq: number;
  readonly maxFreq: number;
  readonly powerToDb: boolean;
  readonly topDb: number;
  readonly magExp: number;
  readonly minPower: number;
  readonly refPower: number;

  constructor(args: MelSpectrogramArgs = {}) {
    super(args);
    const where = `MelSpectrogram ${this.name}`;
    const posInt = (v: unknown, what: string): number => {
      if (typeof v === "number" && Number.isInteger(v) && v > 0) return v;
      throw new RangeError(`${where}: ${what} must be a positive integer, got ${valueText(v)}`);
    };
    const num = (v: unknown, what: string, ok: (n: number) => boolean, rule: string): number => {
      if (typeof v === "number" && Number.isFinite(v) && ok(v)) return v;
      throw new RangeError(`${where}: ${what} must be ${rule}, got ${valueText(v)}`);
    };
    this.fftLength = posInt(args.fftLength ?? 2048, "fftLength");
    this.sequenceStride = posInt(args.sequenceStride ?? 512, "sequenceStride");
    // Keras' `sequence_length or fft_length`.
    this.sequenceLength = posInt(args.sequenceLength || this.fftLength, "sequenceLength");
    if (this.sequenceLength > this.fftLength) {
      throw new RangeError(`${where}: sequenceLength (${this.sequenceLength}) must be at most fftLength (${this.fftLength}); the window is zero-padded to fftLength`);
    }
    const w = args.window === undefined ? "hann" : args.window;
    if (w !== "hann" && w !== "hamming" && w !== null) {
      throw new RangeError(`${where}: window must be "hann", "hamming" or null, got ${valueText(w)} (a window given as values cannot be saved in a config; use tf.stft for it)`);
    }
    this.window = w;
    this.samplingRate = num(args.samplingRate ?? 16000, "samplingRate", (n) => n > 0, "a positive number of samples per second");
    this.numMelBins = posInt(args.numMelBins ?? 128, "numMelBins");
    this.minFreq = num(args.minFreq ?? 20, "minFreq", (n) => n >= 0, "a frequency >= 0 in Hz");
    // Keras' `max_freq or int(sampling_rate / 2)`.
    this.maxFreq = num(args.maxFreq || Math.trunc(this.samplingRate / 2), "maxFreq", (n) => n > this.minFreq, `a frequency in Hz above minFreq (${this.minFreq})`);
    this.powerToDb = booleanOption(where, "powerToDb", args.powerToDb, true);
    this.topDb = num(args.topDb ?? 80, "topDb", (n) => n >= 0, "a number of decibels >= 0");
    this.magExp = num(args.magExp ?? 2, "magExp", (n) => n > 0, "a positive exponent (1 magnitude, 2 power)");
    this.minPower = num(args.minPower ?? 1e-10, "minPower", (n) => n > 0, "a positive floor of the power");
    this.refPower = num(args.refPower ?? 1, "refPower", () => true, "a finite number");
  }

  /** Frames of a signal of n samples (stft's centred frames). */
  private frameCount(n: number): number {
    return 1 + Math.floor((n + 2 * Math.floor(this.fftLength / 2) - this.fftLength) / this.sequenceStride);
  }

  private checkRank(rank: number, shapeText: string): void {
    if (rank !== 1 && rank !== 2) {
      throw new RangeError(`MelSpectrogram ${this.name}: the input must be audio [samples] or [batch, samples], got shape ${shapeText}; reshape it to [batch, samples]`);
    }
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const input = single(inputs, this);
    this.checkRank(input.rank, `[${input.shape.join(", ")}]`);
    // Keras runs the STFT in float32 unless the layer computes in float64.
    const dtype = this.dtype === "float64" ? "float64" : "float32";
    const x = input.dtype === dtype ? input : cast(input, dtype);
    let re: Tensor, im: Tensor;
    try {
      [re, im] = stft(x, this.sequenceLength, this.sequenceStride, this.fftLength, { window: this.window, center: true });
    } catch (e) {
      throw new RangeError(`MelSpectrogram ${this.name}: ${(e as Error).message}`);
    }
    const spec = pow(sqrt(add(square(re), square(im))), this.magExp);
    const bins = spec.shape[spec.rank - 1];
    const matrix = constant(melWeightMatrix(this.numMelBins, bins, this.samplingRate, this.minFreq, this.maxFreq).flat(), [bins, this.numMelBins], dtype);
    let out = tensordot(spec, matrix, 1);
    if (this.powerToDb) {
      const ref = 10 * Math.log10(Math.max(Math.abs(this.refPower), this.minPower));
      const db = sub(mul(div(log(maximum(out, this.minPower)), Math.LN10), 10), ref);
      // Keras floors at the maximum of the whole call (every example of the batch together).
      out = maximum(db, sub(max(db), this.topDb));
    }
    out = swapaxes(out, -1, -2);
    return out.dtype === this.dtype ? out : cast(out, this.dtype);
  }

  override computeOutputShape(inputShape: LayerShape): LayerShape {
    this.checkRank(inputShape.length, `[${inputShape.map((d) => d ?? "null").join(", ")}]`);
    const n = inputShape[inputShape.length - 1];
    const frames = n === null ? null : this.frameCount(n);
    return inputShape.length === 1 ? [this.numMelBins, frames] : [inputShape[0], this.numMelBins, frames];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), fft_length: this.fftLength, sequence_stride: this.sequenceStride, sequence_length: this.sequenceLength, window: this.window,
      sampling_rate: this.samplingRate, num_mel_bins: this.numMelBins, min_freq: this.minFreq, max_freq: this.maxFreq, power_to_db: this.powerToDb,
      top_db: this.topDb, mag_exp: this.magExp, min_power: this.minPower, ref_power: this.refPower,
    };
  }
}
