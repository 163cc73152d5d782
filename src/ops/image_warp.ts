/**
 * keras.ops.image's warps (Keras 3.15): perspective_transform (a homography solved from four point
 * pairs, sampled through tf.image.transform's projective rows) and elastic_transform (a smooth
 * random displacement field sampled through map_coordinates). RandomPerspective and
 * RandomElasticTransform draw their parameters and call the same pieces.
 */
import type { Tensor } from "../tensor/tensor.js";
import { constant, range } from "../tensor/creation.js";
import { shapeText } from "../tensor/shape.js";
import type { Seed } from "../tensor/random.js";
import { generatorFor } from "../tensor/random.js";
import { valueText } from "../tensor/value_text.js";
import { type Input, toTensor } from "./engine.js";
import { add, mul } from "./math.js";
import { reshape, stack, tile, unstack } from "./shape.js";
import { checkTransformInterpolation, projectiveTransform, type TransformInterpolation } from "./image.js";
import { mapCoordinates, type MapFillMode } from "./image_map.js";
import { gaussianBlurNhwc } from "./image_filters.js";
import { checkImageOptions, checkImageRank, imageDataFormat, imageFromChannelsLast, imageToChannelsLast, type ImageDataFormat } from "./image_format.js";
import * as sym from "./symbolic.js";

type Point = readonly [number, number];

/**
 * The projective row [a0, a1, a2, b0, b1, b2, c0, c1] that maps each of the four `end` points to
 * its `start` point (Keras' compute_homography_matrix): the output pixel at end[i] reads the input
 * at start[i]. Solved by Gaussian elimination with partial pivoting on the 8 x 8 system.
 */
export function homographyRow(start: readonly Point[], end: readonly Point[]): number[] {
  const m: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [sx, sy] = start[i], [ex, ey] = end[i];
    m.push([ex, ey, 1, 0, 0, 0, -sx * ex, -sx * ey, sx]);
    m.push([0, 0, 0, ex, ey, 1, -sy * ex, -sy * ey, sy]);
  }
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < 8; r++) {
      const f = m[r][col] / m[col][col];
      for (let c = col; c < 9; c++) m[r][c] -= f * m[col][c];
    }
  }
  const h = new Array<number>(8).fill(0);
  for (let r = 7; r >= 0; r--) {
    let s = m[r][8];
    for (let c = r + 1; c < 8; c++) s -= m[r][c] * h[c];
    h[r] = s / m[r][r];
  }
  return h;
}

export interface PerspectiveTransformOptions {
  /** "bilinear" (default) or "nearest". */
  interpolation?: TransformInterpolation;
  /** The value of output pixels that read outside the image. Default 0. */
  fillValue?: number;
  /** "channels_last" or "channels_first"; default config.imageDataFormat(). */
  dataFormat?: ImageDataFormat | null;
}

/** [4, 2] or [k, 4, 2] corner points as k lists of four (x, y) points. */
function pointSets(op: string, name: string, v: Input): { sets: Point[][]; shape: readonly number[] } {
  const t = toTensor(v, op, name);
  const ok = (t.rank === 2 || t.rank === 3) && t.shape[t.rank - 2] === 4 && t.shape[t.rank - 1] === 2;
  if (!ok) throw new RangeError(`${op}: ${name} must have shape [4, 2] (four (x, y) points for every image) or [batch, 4, 2], got ${shapeText(t.shape)}`);
  const values = Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);
  const sets: Point[][] = [];
  for (let s = 0; s < values.length / 8; s++) sets.push([0, 1, 2, 3].map((k): Point => [values[s * 8 + 2 * k], values[s * 8 + 2 * k + 1]]));
  return { sets, shape: t.shape };
}

/**
 * keras.ops.image.perspective_transform(images, start_points, end_points, interpolation,
 * fill_value, data_format): warps each image by the perspective that moves its start points to its
 * end points (the output at end_points[i] reads the input at start_points[i]); points outside the
 * image read fillValue. Points are [4, 2] (one set for every image) or [batch, 4, 2], in (x, y)
 * pixel coordinates. Differentiable with respect to the images (not the points).
 */
function perspectiveTransformEager(imagesIn: Input, startPoints: Input, endPoints: Input, opts: PerspectiveTransformOptions = {}): Tensor {
  const op = "image.perspectiveTransform";
  checkImageOptions(op, opts, ["interpolation", "fillValue", "dataFormat"]);
  const format = imageDataFormat(op, opts.dataFormat);
  const x = toTensor(imagesIn, op, "images");
  checkImageRank(op, x, format);
  const interpolation = checkTransformInterpolation(op, opts.interpolation ?? "bilinear");
  const start = pointSets(op, "startPoints", startPoints), end = pointSets(op, "endPoints", endPoints);
  if (shapeText(start.shape) !== shapeText(end.shape)) {
    throw new RangeError(`${op}: startPoints ${shapeText(start.shape)} and endPoints ${shapeText(end.shape)} must have the same shape`);
  }
  const batch = x.rank === 4 ? x.shape[0] : 1;
  if (start.sets.length !== 1 && start.sets.length !== batch) {
    throw new RangeError(`${op}: ${start.sets.length} point sets for ${batch} image(s); give one set [4, 2] for all or one per image [${batch}, 4, 2]`);
  }
  const rows = start.sets.map((s, i) => homographyRow(s, end.sets[i]));
  const out = projectiveTransform(op, imageToChannelsLast(x, format), constant(rows, [rows.length, 8], "float32"), {
    interpolation, fillMode: "constant", fillValue: opts.fillValue ?? 0,
  });
  return imageFromChannelsLast(out, format);
}

export const perspectiveTransform = sym.withSymbolic(perspectiveTransformEager, (images, startPoints, endPoints, o = {}) =>
  sym.symbolicOp("PerspectiveTransform", [images, startPoints, endPoints], { interpolation: o.interpolation ?? "bilinear", fill_value: o.fillValue ?? 0, data_format: o.dataFormat ?? null }));

const ELASTIC_FILL_MODES: readonly string[] = ["constant", "nearest", "wrap", "mirror", "reflect"];

/** Checks an elastic transform's fill mode; `where` names the op or layer in the error. */
export function checkElasticFillMode(where: string, v: unknown): MapFillMode {
  if (typeof v !== "string" || !ELASTIC_FILL_MODES.includes(v)) {
    throw new RangeError(`${where}: fillMode ${valueText(v)} is not supported; use "reflect", "mirror", "wrap", "nearest" or "constant"`);
  }
  return v as MapFillMode;
}

export interface ElasticDisplacement {
  /** The displacement scale. */
  alpha: number;
  /** The fields' smoothing sigma (0 moves nothing). */
  sigma: number;
  interpolation: TransformInterpolation;
  fillMode: MapFillMode;
  fillValue: number;
}

/**
 * Displaces an NHWC batch by alpha times smoothed fields: the output pixel (x, y) reads the input
 * at (x + alpha dx, y + alpha dy), dx and dy being `normalsX`/`normalsY` ([n, h, w, 1] standard
 * normals) times sigma, blurred by a Gaussian of that sigma (kernel int(6 sigma) | 1, zero padded),
 * as Keras' elastic_transform. Only images for which `moves(b)` holds are displaced.
 */
export function elasticDisplace(x: Tensor, normalsX: Tensor, normalsY: Tensor, d: ElasticDisplacement, moves: (b: number) => boolean = () => true): Tensor {
  const [, h, w, c] = x.shape;
  const size = Math.trunc(6 * d.sigma) | 1;
  const field = (normals: Tensor): Tensor[] => {
    // A zero sigma moves nothing; Keras' kernel would divide by it.
    const smooth = d.sigma === 0 ? mul(normals, 0) : gaussianBlurNhwc(mul(normals, d.sigma), [size, size], [d.sigma, d.sigma]);
    return unstack(mul(smooth, d.alpha), 0);
  };
  const dx = field(normalsX), dy = field(normalsY);
  const rows = reshape(range(0, h, 1, "float32"), [h, 1, 1]);
  const cols = reshape(range(0, w, 1, "float32"), [1, w, 1]);
  const channels = tile(reshape(range(0, c, 1, "float32"), [1, 1, c]), [h, w, 1]);
  const opts = { fillMode: d.fillMode, fillValue: d.fillValue };
  return stack(unstack(x, 0).map((image, b) => {
    if (!moves(b)) return image;
    const sy = tile(add(rows, dy[b]), [1, 1, c]), sx = tile(add(cols, dx[b]), [1, 1, c]);
    return mapCoordinates(image, [sy, sx, channels], d.interpolation === "nearest" ? 0 : 1, opts);
  }));
}

export interface ElasticTransformOptions {
  /** The displacement scale. Default 20. */
  alpha?: number;
  /** The standard deviation of the Gaussian that smooths the displacement fields. Default 5. */
  sigma?: number;
  /** "bilinear" (default) or "nearest". */
  interpolation?: TransformInterpolation;
  /**
   * How points outside the image are read: "reflect" (default, d c b a | a b c d | d c b a),
   * "mirror" (c d c b | a b c d | c b a b), "wrap", "nearest" or "constant" (fillValue).
   */
  fillMode?: MapFillMode;
  /** The value outside the image with fillMode "constant". Default 0. */
  fillValue?: number;
  /** The seed of the displacement fields' normal draws (a number or a SeedGenerator); default the global generator. */
  seed?: Seed | null;
  /** "channels_last" or "channels_first"; default config.imageDataFormat(). */
  dataFormat?: ImageDataFormat | null;
}

/**
 * keras.ops.image.elastic_transform(images, alpha, sigma, interpolation, fill_mode, fill_value,
 * seed, data_format): displaces every image by its own smooth random field (see elasticDisplace).
 * The fields come from lamina's generator, so a seed gives lamina's fields, not numpy's.
 * Differentiable with respect to the images.
 */
function elasticTransformEager(imagesIn: Input, opts: ElasticTransformOptions = {}): Tensor {
  const op = "image.elasticTransform";
  checkImageOptions(op, opts, ["alpha", "sigma", "interpolation", "fillMode", "fillValue", "seed", "dataFormat"]);
  const format = imageDataFormat(op, opts.dataFormat);
  const x0 = toTensor(imagesIn, op, "images");
  checkImageRank(op, x0, format);
  const alpha = opts.alpha ?? 20, sigma = opts.sigma ?? 5, fillValue = opts.fillValue ?? 0;
  for (const [name, v] of [["alpha", alpha], ["sigma", sigma], ["fillValue", fillValue]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(`${op}: ${name} must be a finite number, got ${valueText(v)}`);
  }
  if (sigma < 0) throw new RangeError(`${op}: sigma must be >= 0, got ${sigma}`);
  const interpolation = checkTransformInterpolation(op, opts.interpolation ?? "bilinear");
  const fillMode = checkElasticFillMode(op, opts.fillMode ?? "reflect");
  const single = x0.rank === 3;
  let x = imageToChannelsLast(x0, format);
  if (single) x = reshape(x, [1, ...x.shape]);
  const [n, h, w] = x.shape;
  // One generator for both fields, so that a number seed does not give dx and dy the same draws.
  const g = generatorFor(opts.seed ?? undefined);
  const field = (): Tensor => constant(Float32Array.from({ length: n * h * w }, () => g.nextNormal()), [n, h, w, 1], "float32");
  const normalsX = field(), normalsY = field();
  let out = elasticDisplace(x, normalsX, normalsY, { alpha, sigma, interpolation, fillMode, fillValue });
  if (single) out = reshape(out, out.shape.slice(1));
  return imageFromChannelsLast(out, format);
}

export const elasticTransform = sym.withSymbolic(elasticTransformEager, (images, o = {}) => sym.symbolicOp("ElasticTransform", [images], {
  alpha: o.alpha ?? 20, sigma: o.sigma ?? 5, interpolation: o.interpolation ?? "bilinear", fill_mode: o.fillMode ?? "reflect",
  fill_value: o.fillValue ?? 0, seed: typeof o.seed === "number" ? o.seed : null, data_format: o.dataFormat ?? null,
}));
