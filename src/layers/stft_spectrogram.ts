/**
 * Keras 3.15's STFTSpectrogram: the short-time Fourier transform of [batch, time, channels] signals
 * (channels_first: [batch, channels, time]) as a strided 1-D convolution of each channel with two
 * kernels [frameLength, 1, fftLength / 2 + 1], `real_kernel` (cos) and `imag_kernel` (sin), each
 * multiplied by the window and divided by its scaling, as Keras' initializers.STFT builds them.
 * They are ordinary weights (trainable unless `trainable: false`), so the transform can be fine-tuned.
 * Modes: log, magnitude, psd, real, imag, angle, stft (real and imag bins side by side).
 * Windows: "hann", "hamming" (scipy's get_window, symmetric unless periodic), null, or frameLength values.
 */
import type { Tensor } from "../tensor/tensor.js";
import { constant } from "../tensor/creation.js";
import { isFloatDType } from "../tensor/dtype.js";
import { valueText } from "../tensor/value_text.js";
import { add, atan2, log, maximum, mul, sqrt, square } from "../ops/math.js";
import { concat, reshape, transpose } from "../ops/shape.js";
import { conv } from "../ops/keras_conv.js";
import { STFT } from "../nn/initializers.js";
import { Layer, type LayerArgs, type LayerShape, booleanOption, layerOptions } from "./layer.js";
import { layerShapeText } from "./symbolic.js";
import { single } from "./core.js";
import { type DataFormat, checkDataFormat } from "./data_format.js";
import type { Variable } from "../tensor/variable.js";

export type STFTMode = "log" | "magnitude" | "psd" | "real" | "imag" | "angle" | "stft";
export type STFTScaling = "density" | "spectrum" | null;

export interface STFTSpectrogramArgs extends LayerArgs {
  /** What the layer outputs. Default "log" (the log magnitude). */
  mode?: STFTMode;
  /** Samples per frame. Default 256. */
  frameLength?: number;
  /** Samples between frames, 1..frameLength; default null: frameLength / 2 (floored). */
  frameStep?: number | null;
  /** FFT size (at least frameLength); default null: the smallest power of two >= frameLength. */
  fftLength?: number | null;
  /** "hann" (default), "hamming", null (none) or frameLength values. */
  window?: "hann" | "hamming" | readonly number[] | null;
  /** Use the periodic window (scipy's fftbins=True) rather than the symmetric one. Default false. */
  periodic?: boolean;
  /** The window's normalization: "density" (default, sqrt(sum(w^2))), "spectrum" (sum(|w|)) or null. */
  scaling?: STFTScaling;
  /** "valid" (default) or "same" (ceil(time / frameStep) frames, TensorFlow's padding). */
  padding?: "valid" | "same";
  /** Output [batch, frames, bins, channels] (channels_first: [batch, channels, frames, bins]) rather than bins and channels flattened. Default false. */
  expandDims?: boolean;
  dataFormat?: DataFormat | null;
}

const MODES: readonly STFTMode[] = ["log", "magnitude", "psd", "real", "imag", "angle", "stft"];
/** Keras' backend.epsilon(), the floor of the power and magnitude before sqrt and log. */
const EPSILON = 1e-7;

function positiveInt(where: string, what: string, v: unknown): number {
  if (!(typeof v === "number" && Number.isInteger(v) && v > 0)) throw new RangeError(`${where}: ${what} must be a positive integer, got ${valueText(v)}`);
  return v;
}

export class STFTSpectrogram extends Layer {
  static readonly options = layerOptions<STFTSpectrogramArgs>({
    mode: true, frameLength: true, frameStep: true, fftLength: true, window: true, periodic: true, scaling: true, padding: true, expandDims: true, dataFormat: true,
  });
  readonly mode: STFTMode;
  readonly frameLength: number;
  /** As given (null: frameLength / 2); the config keeps it so. */
  readonly frameStep: number | null;
  readonly fftLength: number | null;
  readonly window: "hann" | "hamming" | readonly number[] | null;
  readonly periodic: boolean;
  readonly scaling: STFTScaling;
  readonly padding: "valid" | "same";
  readonly expandDims: boolean;
  readonly dataFormat: DataFormat;
  /** Keras' real_kernel [frameLength, 1, bins] (absent in mode "imag"). */
  realKernel: Variable | null = null;
  /** Keras' imag_kernel [frameLength, 1, bins] (absent in mode "real"). */
  imagKernel: Variable | null = null;

  constructor(args: STFTSpectrogramArgs = {}) {
    super(args);
    const where = `STFTSpectrogram ${this.name}`;
    this.frameLength = positiveInt(where, "frameLength", args.frameLength ?? 256);
    const step = args.frameStep ?? null;
    if (step !== null && !(Number.isInteger(step) && step >= 1 && step <= this.frameLength)) {
      throw new RangeError(`${where}: frameStep must be a positive integer not greater than frameLength ${this.frameLength}, got ${valueText(step)}`);
    }
    this.frameStep = step;
    const fft = args.fftLength ?? null;
    if (fft !== null && (positiveInt(where, "fftLength", fft) < this.frameLength)) {
      throw new RangeError(`${where}: fftLength must be at least frameLength ${this.frameLength}, got ${fft}`);
    }
    if (fft !== null && (fft & -fft) !== fft) process.emitWarning(`${where}: fftLength is recommended to be a power of two, got ${fft}`, "UserWarning");
    this.fftLength = fft;
    const mode: unknown = args.mode ?? "log";
    if (!MODES.includes(mode as STFTMode)) throw new RangeError(`${where}: mode must be one of ${MODES.join(", ")}, got ${valueText(mode)}`);
    this.mode = mode as STFTMode;
    const scaling: unknown = args.scaling === undefined ? "density" : args.scaling;
    if (scaling !== null && scaling !== "density" && scaling !== "spectrum") throw new RangeError(`${where}: scaling must be "density", "spectrum" or null, got ${valueText(scaling)}`);
    this.scaling = scaling;
    const padding: unknown = args.padding ?? "valid";
    if (padding !== "valid" && padding !== "same") throw new RangeError(`${where}: padding must be "valid" or "same", got ${valueText(padding)}`);
    this.padding = padding;
    const window: unknown = args.window === undefined ? "hann" : args.window;
    if (typeof window === "string" && window !== "hann" && window !== "hamming") {
      throw new RangeError(`${where}: window ${valueText(window)} is not supported (lamina has scipy's "hann" and "hamming" only); pass the ${this.frameLength} window values as a list instead`);
    }
    if (Array.isArray(window) && (window.length !== this.frameLength || !window.every((w) => typeof w === "number" && Number.isFinite(w)))) {
      throw new RangeError(`${where}: a window given as values must hold frameLength = ${this.frameLength} finite numbers, got ${valueText(window)}`);
    }
    if (window !== null && typeof window !== "string" && !Array.isArray(window)) throw new TypeError(`${where}: window must be "hann", "hamming", null or a list of numbers, got ${valueText(window)}`);
    this.window = Array.isArray(window) ? [...(window as number[])] : (window as "hann" | "hamming" | null);
    this.periodic = booleanOption(where, "periodic", args.periodic, false);
    this.expandDims = booleanOption(where, "expandDims", args.expandDims, false);
    this.dataFormat = checkDataFormat(where, args.dataFormat);
  }

  /** The frame step in use: frameStep, or frameLength / 2 (floored). */
  get step(): number {
    return this.frameStep ?? Math.floor(this.frameLength / 2);
  }

  /** The FFT size in use: fftLength, or the smallest power of two >= frameLength. */
  get fftSize(): number {
    return this.fftLength ?? 2 ** Math.ceil(Math.log2(this.frameLength));
  }

  override build(inputShape: LayerShape | LayerShape[]): void {
    this.checkShape(inputShape as LayerShape);
    const shape = [this.frameLength, 1, Math.floor(this.fftSize / 2) + 1];
    const init = (side: "real" | "imag"): STFT => new STFT({ side, window: this.window, scaling: this.scaling, periodic: this.periodic });
    if (this.mode !== "imag") this.realKernel = this.addWeight("real_kernel", shape, { initializer: init("real") });
    if (this.mode !== "real") this.imagKernel = this.addWeight("imag_kernel", shape, { initializer: init("imag") });
  }

  /** Each channel of x convolved with `kernel`: [batch, channels, bins, frames]. */
  private applyConv(x: Tensor, kernel: Tensor): Tensor {
    const [batch, a, b] = x.shape;
    const [channels, time] = this.dataFormat === "channels_last" ? [b, a] : [a, b];
    const signals = reshape(this.dataFormat === "channels_last" ? transpose(x, [0, 2, 1]) : x, [batch * channels, time, 1]);
    const out = conv(signals, kernel, this.step, this.padding, "channels_last");
    const frames = out.shape[1], bins = out.shape[2];
    return reshape(transpose(out, [0, 2, 1]), [batch, channels, bins, frames]);
  }

  /** Keras' _adjust_shapes: [batch, channels, bins, frames] to the output layout. */
  private layout(y: Tensor): Tensor {
    const [batch, channels, bins, frames] = y.shape;
    if (this.dataFormat === "channels_last") {
      return this.expandDims ? transpose(y, [0, 3, 2, 1]) : transpose(reshape(y, [batch, channels * bins, frames]), [0, 2, 1]);
    }
    return this.expandDims ? transpose(y, [0, 1, 3, 2]) : reshape(y, [batch, channels * bins, frames]);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = single(inputs, this);
    if (!isFloatDType(x.dtype)) throw new TypeError(`STFTSpectrogram ${this.name}: inputs must be float (float32 or float64) signals, got ${x.dtype}; cast them first`);
    this.checkShape(x.shape);
    const re = this.mode === "imag" ? null : this.applyConv(x, this.realKernel!);
    const im = this.mode === "real" ? null : this.applyConv(x, this.imagKernel!);
    switch (this.mode) {
      case "real": return this.layout(re!);
      case "imag": return this.layout(im!);
      case "angle": return this.layout(atan2(im!, re!));
      case "stft": return this.layout(concat([re!, im!], 2));
      default: break;
    }
    const power = add(square(re!), square(im!));
    if (this.mode === "psd") {
      // power + power with its first and last bins zeroed (Keras pads power[:, :, 1:-1]): the inner bins doubled.
      const bins = power.shape[2];
      const twice = Array.from({ length: bins }, (_, i) => (i === 0 || i === bins - 1 ? 1 : 2));
      return this.layout(mul(power, constant(twice, [bins, 1], power.dtype)));
    }
    const magnitude = this.layout(sqrt(maximum(power, EPSILON)));
    return this.mode === "magnitude" ? magnitude : log(maximum(magnitude, EPSILON));
  }

  private checkShape(shape: LayerShape): void {
    const layout = this.dataFormat === "channels_last" ? "[batch, time, channels]" : "[batch, channels, time]";
    if (shape.length !== 3) throw new RangeError(`STFTSpectrogram ${this.name}: expects signals of rank 3 ${layout}, got shape ${layerShapeText(shape)}`);
  }

  override computeOutputShape(s: LayerShape | LayerShape[]): LayerShape {
    const shape = s as LayerShape;
    this.checkShape(shape);
    const [batch, a, b] = shape;
    const [channels, time] = this.dataFormat === "channels_last" ? [b, a] : [a, b];
    const bins = (Math.floor(this.fftSize / 2) + 1) * (this.mode === "stft" ? 2 : 1);
    const frames = time === null ? null : this.padding === "same" ? Math.ceil(time / this.step) : Math.floor((time - this.frameLength) / this.step) + 1;
    if (this.expandDims) return this.dataFormat === "channels_last" ? [batch, frames, bins, channels] : [batch, channels, frames, bins];
    const flat = channels === null ? null : channels * bins;
    return this.dataFormat === "channels_last" ? [batch, frames, flat] : [batch, flat, frames];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      mode: this.mode, frame_length: this.frameLength, frame_step: this.frameStep, fft_length: this.fftLength,
      window: Array.isArray(this.window) ? [...this.window] : this.window, periodic: this.periodic, scaling: this.scaling, padding: this.padding,
      data_format: this.dataFormat, expand_dims: this.expandDims,
    };
  }
}
