/**
 * Keras 3.15's keras.ops.unfold / fold (torch's im2col / col2im on NCHW images), ifft2,
 * segment_min / segment_prod, and the complex-number helpers angle, polar, view_as_complex and
 * view_as_real. lamina has no complex dtype: like fft2 these take and give complex values as
 * ComplexPair [real, imag], which is how Keras' own fft ops pass them too.
 */
import { Tensor } from "../tensor/tensor.js";
import { shapeText } from "../tensor/shape.js";
import { valueText } from "../tensor/value_text.js";
import { fill } from "../tensor/creation.js";
import { type Input, toTensor } from "./engine.js";
import * as m from "./math.js";
import * as shp from "./shape.js";
import { unsortedSegmentSum, segmentMin as tfSegmentMin, segmentProd as tfSegmentProd } from "./scatter.js";
import { type ComplexPair, complexPair, fft2 } from "./signal.js";
import { kerasFloatDType } from "./keras_float.js";
import * as sym from "./symbolic.js";

type Pair = number | readonly [number, number];

function pairOf(op: string, name: string, v: Pair, min: number): [number, number] {
  const p: [number, number] = typeof v === "number" ? [v, v] : [v[0], v[1]];
  if ((typeof v !== "number" && v.length !== 2) || !p.every((d) => Number.isInteger(d) && d >= min)) {
    throw new RangeError(`ops.${op}: ${name} must be an integer >= ${min} or a pair of them, got ${valueText(v)}`);
  }
  return p;
}

/** The sliding blocks: per kernel offset (ki, kj) and block (oi, oj), the flat position in the padded (Hp, Wp) image. */
function blockPositions(op: string, hp: number, wp: number, kernel: Pair, dilation: Pair, stride: Pair): { positions: Int32Array; kh: number; kw: number; nh: number; nw: number } {
  const [kh, kw] = pairOf(op, "kernelSize", kernel, 1);
  const [dh, dw] = pairOf(op, "dilation", dilation, 1);
  const [sh, sw] = pairOf(op, "stride", stride, 1);
  const nh = Math.floor((hp - dh * (kh - 1) - 1) / sh) + 1, nw = Math.floor((wp - dw * (kw - 1) - 1) / sw) + 1;
  if (nh < 1 || nw < 1) throw new RangeError(`ops.${op}: a ${kh}x${kw} kernel with dilation ${valueText(dilation)} does not fit the ${hp}x${wp} padded image`);
  const positions = new Int32Array(kh * kw * nh * nw);
  let p = 0;
  for (let ki = 0; ki < kh; ki++) for (let kj = 0; kj < kw; kj++) {
    for (let oi = 0; oi < nh; oi++) for (let oj = 0; oj < nw; oj++) positions[p++] = (oi * sh + ki * dh) * wp + oj * sw + kj * dw;
  }
  return { positions, kh, kw, nh, nw };
}

/**
 * keras.ops.unfold(x, kernelSize, dilation = 1, padding = 0, stride = 1): the sliding blocks of an
 * (N, C, H, W) image as (N, C * kH * kW, L), channels outermost and the L blocks row-major (torch's order).
 */
function unfoldEager(xIn: Input, kernelSize: Pair, dilation: Pair = 1, padding: Pair = 0, stride: Pair = 1): Tensor {
  const x = toTensor(xIn, "unfold");
  if (x.rank !== 4) throw new RangeError(`ops.unfold: x must be a 4-D (N, C, H, W) image batch, got ${x.dtype} ${shapeText(x.shape)}`);
  const [ph, pw] = pairOf("unfold", "padding", padding, 0);
  const [n, c, h, w] = x.shape;
  const padded = ph > 0 || pw > 0 ? shp.pad(x, [[0, 0], [0, 0], [ph, ph], [pw, pw]]) : x;
  const { positions, kh, kw, nh, nw } = blockPositions("unfold", h + 2 * ph, w + 2 * pw, kernelSize, dilation, stride);
  const flat = shp.reshape(padded, [n, c, -1]);
  const blocks = shp.gather(flat, new Tensor(positions, [positions.length], "int32"), 2);
  return shp.reshape(blocks, [n, c * kh * kw, nh * nw]);
}
export const unfold = sym.withSymbolic(unfoldEager, (x, kernelSize, dilation = 1, padding = 0, stride = 1) =>
  sym.symbolicOp("Unfold", [x], { kernel_size: sym.jsonCopy(kernelSize), dilation: sym.jsonCopy(dilation), padding: sym.jsonCopy(padding), stride: sym.jsonCopy(stride) }));

/**
 * keras.ops.fold(x, outputSize, kernelSize, dilation = 1, padding = 0, stride = 1): unfold's adjoint
 * (col2im): the blocks of an (N, C * kH * kW, L) tensor summed back into (N, C, oH, oW).
 */
function foldEager(xIn: Input, outputSize: Pair, kernelSize: Pair, dilation: Pair = 1, padding: Pair = 0, stride: Pair = 1): Tensor {
  const x = toTensor(xIn, "fold");
  if (x.rank !== 3) throw new RangeError(`ops.fold: x must be 3-D (N, C * kH * kW, L), got ${x.dtype} ${shapeText(x.shape)}`);
  const [oh, ow] = pairOf("fold", "outputSize", outputSize, 1);
  const [ph, pw] = pairOf("fold", "padding", padding, 0);
  const hp = oh + 2 * ph, wp = ow + 2 * pw;
  const { positions, kh, kw, nh, nw } = blockPositions("fold", hp, wp, kernelSize, dilation, stride);
  const [n, ckk, l] = x.shape;
  if (ckk % (kh * kw) !== 0 || l !== nh * nw) {
    throw new RangeError(`ops.fold: x ${shapeText(x.shape)} must be (N, C * ${kh * kw}, ${nh * nw}) for a ${kh}x${kw} kernel over output ${oh}x${ow} (padding ${valueText(padding)}, stride ${valueText(stride)}, dilation ${valueText(dilation)})`);
  }
  const c = ckk / (kh * kw);
  // (N, C, kH*kW*L) -> (kH*kW*L, N, C): each row adds into its pixel of the padded image.
  const rows = shp.transpose(shp.reshape(x, [n, c, kh * kw * l]), [2, 0, 1]);
  const img = shp.reshape(shp.transpose(unsortedSegmentSum(rows, new Tensor(positions, [positions.length], "int32"), hp * wp), [1, 2, 0]), [n, c, hp, wp]);
  return ph > 0 || pw > 0 ? shp.slice(img, [0, 0, ph, pw], [n, c, oh, ow]) : img;
}
export const fold = sym.withSymbolic(foldEager, (x, outputSize, kernelSize, dilation = 1, padding = 0, stride = 1) =>
  sym.symbolicOp("Fold", [x], { output_size: sym.jsonCopy(outputSize), kernel_size: sym.jsonCopy(kernelSize), dilation: sym.jsonCopy(dilation), padding: sym.jsonCopy(padding), stride: sym.jsonCopy(stride) }));

/** keras.ops.ifft2(x): the inverse 2-D DFT over the last two axes, as conj(fft2(conj(x))) / (H W). */
function ifft2Eager(x: ComplexPair): [Tensor, Tensor] {
  const [re, im] = complexPair("ifft2", x, 2);
  const size = re.shape[re.rank - 1] * re.shape[re.rank - 2];
  const [a, b] = fft2([re, m.neg(im)]);
  return [m.div(a, size), m.div(m.neg(b), size)];
}
export const ifft2 = sym.withSymbolic(ifft2Eager, (x) => sym.symbolicOps("IFFT2", [[...x]]) as [sym.Sym, sym.Sym]);

function segmentMinEager(data: Input, segmentIds: Input, numSegments: number | null = null, _sorted = false): Tensor {
  return tfSegmentMin(data, segmentIds, numSegments ?? undefined);
}
/** keras.ops.segment_min: an empty segment gives Infinity (the dtype's highest value for integers). */
export const segmentMin = sym.withSymbolic(segmentMinEager, (data, ids, numSegments = null, sorted = false) => sym.symbolicOp("SegmentMin", [data, ids], { num_segments: numSegments, sorted }));
function segmentProdEager(data: Input, segmentIds: Input, numSegments: number | null = null, _sorted = false): Tensor {
  return tfSegmentProd(data, segmentIds, numSegments ?? undefined);
}
/** keras.ops.segment_prod: an empty segment gives 1. */
export const segmentProd = sym.withSymbolic(segmentProdEager, (data, ids, numSegments = null, sorted = false) => sym.symbolicOp("SegmentProd", [data, ids], { num_segments: numSegments, sorted }));

const PAIR_ONLY = "its complex result is a [real, imag] pair in lamina, which has no complex dtype, while Keras' operation has one complex output";

/**
 * keras.ops.angle: the argument of each element: of a real x, 0 where x >= +0 and π where x < 0
 * (numpy's angle of a real array); of a complex [real, imag] pair, atan2(imag, real). A float of
 * x's dtype (float32 for integers).
 */
function angleEager(x: Input | ComplexPair): Tensor {
  if (Array.isArray(x) && x.length === 2 && (x[0] instanceof Tensor || x[1] instanceof Tensor)) {
    const [re, im] = complexPair("angle", x as unknown as ComplexPair, 0);
    return m.atan2(im, re);
  }
  const t = toTensor(x as Input, "angle");
  const f = m.cast(t, kerasFloatDType(t.dtype));
  return m.atan2(fill(f.shape, 0, f.dtype), f);
}
export const angle = sym.withSymbolic(angleEager, (x) => {
  if (Array.isArray(x)) throw sym.symbolicRefused("ops.angle", `of a [real, imag] pair: ${PAIR_ONLY}`);
  return sym.symbolicOp("Angle", [x]);
});

/** keras.ops.polar(abs, angle): the complex numbers abs · e^(i angle), as a [real, imag] pair (torch.polar). */
export const polar = sym.refuseSymbolic("ops.polar", (absIn: Input, angleIn: Input): [Tensor, Tensor] => {
  const r = toTensor(absIn, "polar", "abs"), a = toTensor(angleIn, "polar", "angle");
  return [m.mul(r, m.cos(a)), m.mul(r, m.sin(a))];
}, PAIR_ONLY);

/** keras.ops.view_as_complex(x): a real (..., 2) x read as complex numbers, as a [real, imag] pair of shape (...). */
export const viewAsComplex = sym.refuseSymbolic("ops.viewAsComplex", (xIn: Input): [Tensor, Tensor] => {
  const x = toTensor(xIn, "viewAsComplex");
  if (x.rank === 0 || x.shape[x.rank - 1] !== 2) throw new RangeError(`ops.viewAsComplex: x's last axis must hold the real and imaginary parts (length 2), got ${x.dtype} ${shapeText(x.shape)}`);
  const [re, im] = shp.unstack(x, -1);
  return [re, im];
}, PAIR_ONLY);

/** keras.ops.view_as_real(x): a complex [real, imag] pair as one real tensor with the parts in a last axis of 2. */
export const viewAsReal = sym.refuseSymbolic("ops.viewAsReal", (x: ComplexPair): Tensor => shp.stack(complexPair("viewAsReal", x, 0), -1), PAIR_ONLY);
