import { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { type Input, toTensor } from "./engine.js";
import { cast, div, mul } from "./math.js";
import { gather, pad, slice } from "./shape.js";
import { type ComplexPair, complexPair, irfft, realSignal, rfft } from "./signal.js";
import { checkPositiveInt, frames, overlapAdd } from "./signal_frames.js";
import { valueText } from "../tensor/value_text.js";
import * as sym from "./symbolic.js";

/*
 * keras.ops.stft and istft with the values of Keras 3.5 on its torch backend (torch.stft with a
 * reflect-padded centre; torch.istft where Keras calls it, Keras' own overlap-add elsewhere).
 */

/** "hann" and "hamming" are the periodic windows (scipy's sym=False); null means all ones. */
export type StftWindow = "hann" | "hamming" | null | Input;

/**
 * The hann (0.5 - 0.5 cos) or hamming (0.54 - 0.46 cos) window of n samples at 2 pi k / m, m = n
 * when periodic (scipy's fftbins=True), n - 1 when symmetric (which needs n > 1).
 */
export function cosineWindow(name: "hann" | "hamming", n: number, periodic: boolean): number[] {
  const [a, b] = name === "hann" ? [0.5, 0.5] : [0.54, 0.46];
  const m = periodic ? n : n - 1;
  return Array.from({ length: n }, (_, k) => a - b * Math.cos((2 * Math.PI * k) / m));
}

/** The window of `length` samples in `dtype`, checked. */
function windowValues(op: string, window: StftWindow, length: number, dtype: "float32" | "float64"): Tensor {
  if (window === null) return cast(new Tensor(new Float64Array(length).fill(1), [length], "float64"), dtype);
  if (typeof window === "string") {
    if (window !== "hann" && window !== "hamming") {
      throw new RangeError(`${op}: window ${valueText(window)} is not supported; use "hann", "hamming", null or a tensor of sequenceLength values`);
    }
    return cast(new Tensor(Float64Array.from(cosineWindow(window, length, true)), [length], "float64"), dtype);
  }
  const w = toTensor(window, op, "window");
  if (w.rank !== 1 || w.shape[0] !== length) {
    throw new RangeError(`${op}: window must have shape [sequenceLength] = [${length}], got ${shapeText(w.shape)}`);
  }
  return cast(w, dtype);
}

/** The window zero-padded on both sides (the extra zero on the right) to fftLength. */
function centredWindow(w: Tensor, fftLength: number): Tensor {
  const left = Math.floor((fftLength - w.shape[0]) / 2);
  return pad(w, [[left, fftLength - w.shape[0] - left]]);
}

function checkLengths(op: string, sequenceLength: number, sequenceStride: number, fftLength: number): void {
  checkPositiveInt(op, "sequenceLength", sequenceLength);
  checkPositiveInt(op, "sequenceStride", sequenceStride);
  checkPositiveInt(op, "fftLength", fftLength);
  if (fftLength < sequenceLength) {
    throw new RangeError(`${op}: fftLength (${fftLength}) must be at least sequenceLength (${sequenceLength})`);
  }
}

/** Reflect-pads the last axis by p on both sides (numpy's "reflect": the edge sample not repeated). */
function reflectPad(op: string, x: Tensor, p: number): Tensor {
  const n = x.shape[x.rank - 1];
  if (p === 0) return x;
  if (p >= n) {
    throw new RangeError(`${op}: center=true reflect-pads the signal by fftLength / 2 = ${p} samples, which needs more than ${p} samples, but x ${shapeText(x.shape)} has ${n}; use a longer signal or center: false`);
  }
  const idx = Int32Array.from({ length: n + 2 * p }, (_, i) => {
    const j = i - p;
    return j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;
  });
  return gather(x, new Tensor(idx, [idx.length], "int32"), x.rank - 1);
}

export interface StftOptions {
  /** "hann" (default), "hamming", null (rectangular) or sequenceLength values. */
  window?: StftWindow;
  /** Reflect-pad fftLength / 2 samples on both sides so frame t is centred at t * stride. Default true. */
  center?: boolean;
}

/**
 * keras.ops.stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
 * the short-time Fourier transform of real x [..., samples]: frames of fftLength samples every
 * sequenceStride, each multiplied by the window (sequenceLength long, zero-padded to fftLength in
 * the middle), then rfft. Returns [real, imag], each [..., frames, fftLength / 2 + 1].
 */
function stftEager(xIn: Input, sequenceLength: number, sequenceStride: number, fftLength: number, opts: StftOptions = {}): [Tensor, Tensor] {
  const op = "stft";
  checkLengths(op, sequenceLength, sequenceStride, fftLength);
  const x = realSignal(op, xIn);
  const dtype = x.dtype as "float32" | "float64";
  const win = centredWindow(windowValues(op, opts.window === undefined ? "hann" : opts.window, sequenceLength, dtype), fftLength);
  const padded = opts.center ?? true ? reflectPad(op, x, Math.floor(fftLength / 2)) : x;
  return rfft(mul(frames(op, padded, fftLength, sequenceStride), win), fftLength);
}

export interface IstftOptions extends StftOptions {
  /** The output's number of samples (cropped or zero-padded); default all the frames cover less the centre padding. */
  length?: number | null;
}

/**
 * keras.ops.istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann",
 * center=True): the inverse of stft from [real, imag] [..., frames, bins]: irfft of each frame,
 * windowed, overlap-added and divided by the overlap-added squared window. As Keras on torch: with
 * sequenceLength = fftLength, center and a window, the division is by the true overlap-added
 * envelope (torch.istft; an envelope below 1e-11 is an error); otherwise by the squared window's
 * sums over one stride, tiled (TensorFlow's inverse_stft_window_fn). The window is a constant here
 * (no gradient reaches a window tensor); x gets its gradient.
 */
function istftEager(x: ComplexPair, sequenceLength: number, sequenceStride: number, fftLength: number, opts: IstftOptions = {}): Tensor {
  const op = "istft";
  checkLengths(op, sequenceLength, sequenceStride, fftLength);
  const [re] = complexPair(op, x, 2);
  const dtype = re.dtype as "float32" | "float64";
  const center = opts.center ?? true;
  const length = opts.length ?? null;
  if (length !== null) checkPositiveInt(op, "length", length);
  const window = opts.window === undefined ? "hann" : opts.window;
  const frameCount = re.shape[re.rank - 2];
  if (frameCount === 0) throw new RangeError(`${op}: x ${shapeText(re.shape)} holds no frames`);
  let framesOut = irfft(x, fftLength);
  const total = fftLength + sequenceStride * (frameCount - 1);
  const half = Math.floor(fftLength / 2);
  if (sequenceLength === fftLength && center && window !== null) {
    const w = windowValues(op, window, sequenceLength, dtype);
    const wv = Float64Array.from(w.dataSync() as ArrayLike<number>);
    const env = new Float64Array(total);
    for (let t = 0; t < frameCount; t++) for (let j = 0; j < fftLength; j++) env[t * sequenceStride + j] += wv[j] * wv[j];
    const end = length === null ? total - half : Math.min(half + length, total);
    for (let i = half; i < end; i++) {
      if (!(Math.abs(env[i]) > 1e-11)) {
        throw new RangeError(`${op}: the overlap-added squared window is ${env[i]} at sample ${i - half}, so the signal cannot be recovered there (torch.istft's NOLA condition); use a smaller sequenceStride or another window`);
      }
    }
    const y = overlapAdd(mul(framesOut, w), sequenceStride);
    const kept = slice(y, [...y.shape.map(() => 0).slice(0, -1), half], [...y.shape.slice(0, -1), end - half]);
    const out = div(kept, cast(new Tensor(env.slice(half, end), [end - half], "float64"), dtype));
    return length !== null && length > end - half ? pad(out, out.shape.map((_, i) => (i === out.rank - 1 ? [0, length - (end - half)] : [0, 0]) as [number, number])) : out;
  }
  if (window !== null) {
    const w = centredWindow(windowValues(op, window, sequenceLength, dtype), fftLength);
    const wv = Float64Array.from(w.dataSync() as ArrayLike<number>);
    const denom = new Float64Array(sequenceStride);
    for (let i = 0; i < fftLength; i++) denom[i % sequenceStride] += wv[i] * wv[i];
    const scaled = Float64Array.from({ length: fftLength }, (_, i) => wv[i] / denom[i % sequenceStride]);
    framesOut = mul(framesOut, cast(new Tensor(scaled, [fftLength], "float64"), dtype));
  }
  const y = overlapAdd(framesOut, sequenceStride);
  const start = center ? half : 0;
  const stop = length !== null ? start + length : center ? total - half : total;
  const end = Math.max(start, Math.min(stop, total));
  return slice(y, [...y.shape.map(() => 0).slice(0, -1), start], [...y.shape.slice(0, -1), end - start]);
}

/** A window Keras can write in an STFT/ISTFT config: a name or null (window values are refused on symbolic tensors). */
function windowConfig(op: string, w: StftWindow | sym.Sym | undefined): string | null {
  if (w === undefined) return "hann";
  if (w === null || typeof w === "string") return w;
  throw sym.symbolicRefused(op, "Keras writes only a window's name (\"hann\", \"hamming\") or null in its config, not window values; pass a window name");
}

/** stft, recording Keras' STFT on symbolic tensors (see stftEager). */
export const stft = sym.withSymbolic(stftEager, (x, sequenceLength, sequenceStride, fftLength, opts = {}): [sym.Sym, sym.Sym] => {
  const outs = sym.symbolicOps("STFT", [x], { sequence_length: sequenceLength, sequence_stride: sequenceStride, fft_length: fftLength, window: windowConfig("stft", opts.window), center: opts.center ?? true });
  return [outs[0], outs[1]];
});

/**
 * istft, recording Keras' ISTFT on symbolic tensors (see istftEager). Keras 3.5's istft leaves
 * `length` out of the operation it records (so its model ignores it); lamina writes it when given,
 * which Keras' ISTFT takes when it loads the config.
 */
export const istft = sym.withSymbolic(istftEager, (x, sequenceLength, sequenceStride, fftLength, opts = {}) => {
  const length = opts.length ?? null;
  return sym.symbolicOp("ISTFT", [[...x]], {
    sequence_length: sequenceLength, sequence_stride: sequenceStride, fft_length: fftLength, ...(length === null ? {} : { length }),
    window: windowConfig("istft", opts.window), center: opts.center ?? true,
  });
});
