import type { NumericArray } from "../../tensor/dtype.js";
import type { Conv3DInfo } from "../backend.js";
import { gemm } from "./gemm.js";
import { COL_LIMIT, scratchLike } from "./conv.js";

/*
 * 3-D convolution on NDHWC tensors with filters [kd, kh, kw, in / groups, out], as vol2col + GEMM,
 * the 2-D kernel's scheme (conv.ts) with one more axis: the vol2col matrix has one row per output
 * voxel (n, od, oy, ox) and one column per filter tap (fd, fy, fx, c), so its row length
 * K = kd * kh * kw * in / groups is the row count of the filter viewed as [K, out], and the output
 * viewed as [voxels, out] is cols @ W. Rows go in bounded chunks through the 2-D kernels' reused scratch
 * buffer; a group is one product whose offsets and leading dimensions pick its blocks in place.
 */

/** Row length of the vol2col matrix: the taps of one group. */
function tapCount(info: Conv3DInfo): number {
  return info.filterDepth * info.filterHeight * info.filterWidth * (info.inChannels / info.groups);
}

function outputVoxels(info: Conv3DInfo): number {
  return info.batch * info.outDepth * info.outHeight * info.outWidth;
}

function chunkRows(info: Conv3DInfo): number {
  return Math.max(1, Math.floor(COL_LIMIT / Math.max(1, tapCount(info))));
}

/**
 * Walks the vol2col rows [r0, r1) and, per tap, calls `tap(o, xi)` with the column offset o and
 * the input offset xi of the tap's first channel (xi < 0: a padding cell). Shared by vol2col and
 * its adjoint so both read the same geometry.
 */
function forEachTap(info: Conv3DInfo, r0: number, r1: number, c0: number, tap: (o: number, xi: number) => void): void {
  const D = info.inDepth, H = info.inHeight, W = info.inWidth, XC = info.inChannels, C = XC / info.groups;
  const OD = info.outDepth, OH = info.outHeight, OW = info.outWidth;
  const KD = info.filterDepth, KH = info.filterHeight, KW = info.filterWidth;
  let o = 0;
  for (let r = r0; r < r1; r++) {
    let q = r;
    const ox = q % OW; q = (q - ox) / OW;
    const oy = q % OH; q = (q - oy) / OH;
    const od = q % OD;
    const n = (q - od) / OD;
    const iz0 = od * info.strideDepth - info.padFront;
    const iy0 = oy * info.strideHeight - info.padTop;
    const ix0 = ox * info.strideWidth - info.padLeft;
    for (let fz = 0; fz < KD; fz++) {
      const iz = iz0 + fz * info.dilationDepth;
      for (let fy = 0; fy < KH; fy++) {
        const iy = iy0 + fy * info.dilationHeight;
        const rowInside = iz >= 0 && iz < D && iy >= 0 && iy < H;
        const xRow = (((n * D + iz) * H + iy) * W) * XC + c0;
        for (let fx = 0; fx < KW; fx++, o += C) {
          const ix = ix0 + fx * info.dilationWidth;
          tap(o, rowInside && ix >= 0 && ix < W ? xRow + ix * XC : -1);
        }
      }
    }
  }
}

/** Writes the vol2col rows [r0, r1) of the group whose input channels start at c0. */
function vol2col(x: NumericArray, cols: NumericArray, info: Conv3DInfo, r0: number, r1: number, c0: number): void {
  const C = info.inChannels / info.groups;
  forEachTap(info, r0, r1, c0, (o, xi) => {
    if (xi < 0) cols.fill(0, o, o + C);
    else for (let c = 0; c < C; c++) cols[o + c] = x[xi + c];
  });
}

/** The adjoint of vol2col: dx += the rows [r0, r1) scattered back to their input cells. */
function col2vol(cols: NumericArray, dx: NumericArray, info: Conv3DInfo, r0: number, r1: number, c0: number): void {
  const C = info.inChannels / info.groups;
  forEachTap(info, r0, r1, c0, (o, xi) => {
    if (xi >= 0) for (let c = 0; c < C; c++) dx[xi + c] += cols[o + c];
  });
}

/** out[N, OD, OH, OW, out] = conv(x[N, D, H, W, in], filter[kd, kh, kw, in / groups, out]). */
export function conv3d(x: NumericArray, filter: NumericArray, out: NumericArray, info: Conv3DInfo): void {
  const rows = outputVoxels(info), K = tapCount(info);
  const O = info.outChannels, Og = O / info.groups, Cg = info.inChannels / info.groups;
  if (rows === 0 || O === 0) return;
  if (K === 0) {
    out.fill(0);
    return;
  }
  const step = chunkRows(info);
  const cols = scratchLike(x, Math.min(rows, step) * K);
  for (let r0 = 0; r0 < rows; r0 += step) {
    const r1 = Math.min(rows, r0 + step);
    for (let g = 0; g < info.groups; g++) {
      vol2col(x, cols, info, r0, r1, g * Cg);
      gemm(false, false, r1 - r0, Og, K, cols, 0, K, filter, g * Og, O, out, r0 * O + g * Og, O, false);
    }
  }
}

/** dx = (dy @ W^T) scattered back by col2vol, group by group. */
export function conv3dBackpropInput(dy: NumericArray, filter: NumericArray, dx: NumericArray, info: Conv3DInfo): void {
  dx.fill(0);
  const rows = outputVoxels(info), K = tapCount(info);
  const O = info.outChannels, Og = O / info.groups, Cg = info.inChannels / info.groups;
  if (rows === 0 || K === 0 || O === 0) return;
  const step = chunkRows(info);
  const cols = scratchLike(dx, Math.min(rows, step) * K);
  for (let r0 = 0; r0 < rows; r0 += step) {
    const r1 = Math.min(rows, r0 + step);
    for (let g = 0; g < info.groups; g++) {
      gemm(false, true, r1 - r0, K, Og, dy, r0 * O + g * Og, O, filter, g * Og, O, cols, 0, K, false);
      col2vol(cols, dx, info, r0, r1, g * Cg);
    }
  }
}

/** dw = cols^T @ dy summed over the chunks, group by group. */
export function conv3dBackpropFilter(x: NumericArray, dy: NumericArray, dw: NumericArray, info: Conv3DInfo): void {
  const rows = outputVoxels(info), K = tapCount(info);
  const O = info.outChannels, Og = O / info.groups, Cg = info.inChannels / info.groups;
  if (rows === 0 || O === 0 || K === 0) {
    dw.fill(0);
    return;
  }
  const step = chunkRows(info);
  const cols = scratchLike(x, Math.min(rows, step) * K);
  for (let r0 = 0; r0 < rows; r0 += step) {
    const r1 = Math.min(rows, r0 + step);
    for (let g = 0; g < info.groups; g++) {
      vol2col(x, cols, info, r0, r1, g * Cg);
      gemm(true, false, K, Og, r1 - r0, cols, 0, K, dy, r0 * O + g * Og, O, dw, g * Og, O, r0 > 0);
    }
  }
}
