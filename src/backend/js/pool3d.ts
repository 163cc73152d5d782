import type { NumericArray } from "../../tensor/dtype.js";
import type { Pool3DInfo } from "../backend.js";

/*
 * 3-D pooling on NDHWC tensors, with the 2-D kernels' rules (pool.ts): padding cells never take
 * part (a max ignores them, an average divides by its count of real cells, as TF's SAME pooling),
 * and channels are the innermost loop so every window cell is a contiguous run.
 */

/** Calls visit(xVolume, o, z0, z1, y0, y1, x0, x1) for every window, clipped to the volume. */
function forEachWindow(
  info: Pool3DInfo,
  visit: (xVolume: number, o: number, z0: number, z1: number, y0: number, y1: number, x0: number, x1: number) => void,
): void {
  const D = info.inDepth, H = info.inHeight, W = info.inWidth, C = info.channels;
  let o = 0;
  for (let n = 0; n < info.batch; n++) {
    const xVolume = n * D * H * W * C;
    for (let od = 0; od < info.outDepth; od++) {
      const zs = od * info.strideDepth - info.padFront;
      const z0 = Math.max(0, zs), z1 = Math.min(D, zs + info.poolDepth);
      for (let oy = 0; oy < info.outHeight; oy++) {
        const ys = oy * info.strideHeight - info.padTop;
        const y0 = Math.max(0, ys), y1 = Math.min(H, ys + info.poolHeight);
        for (let ox = 0; ox < info.outWidth; ox++, o += C) {
          const xs = ox * info.strideWidth - info.padLeft;
          visit(xVolume, o, z0, z1, y0, y1, Math.max(0, xs), Math.min(W, xs + info.poolWidth));
        }
      }
    }
  }
}

/**
 * argmax[o + c] = the flat index of the window's first maximal cell (a later cell wins only when
 * strictly greater, TF's and torch's rule) except that a NaN always wins, as torch's
 * `val > max || isnan(val)`. A window always holds a real cell under "same"/"valid" geometry.
 */
export function maxPool3dArgmax(x: NumericArray, argmax: Int32Array, info: Pool3DInfo): void {
  const H = info.inHeight, W = info.inWidth, C = info.channels;
  const best = new Float64Array(C);
  forEachWindow(info, (xVolume, o, z0, z1, y0, y1, x0, x1) => {
    for (let c = 0; c < C; c++) argmax[o + c] = -1;
    for (let iz = z0; iz < z1; iz++) {
      for (let iy = y0; iy < y1; iy++) {
        for (let ix = x0; ix < x1; ix++) {
          const xi = xVolume + ((iz * H + iy) * W + ix) * C;
          for (let c = 0; c < C; c++) {
            const v = x[xi + c];
            if (argmax[o + c] < 0 || v > best[c] || v !== v) {
              best[c] = v;
              argmax[o + c] = xi + c;
            }
          }
        }
      }
    }
  });
}

export function avgPool3d(x: NumericArray, out: NumericArray, info: Pool3DInfo): void {
  const H = info.inHeight, W = info.inWidth, C = info.channels;
  const acc = new Float64Array(C);
  forEachWindow(info, (xVolume, o, z0, z1, y0, y1, x0, x1) => {
    acc.fill(0);
    for (let iz = z0; iz < z1; iz++) {
      for (let iy = y0; iy < y1; iy++) {
        for (let ix = x0; ix < x1; ix++) {
          const xi = xVolume + ((iz * H + iy) * W + ix) * C;
          for (let c = 0; c < C; c++) acc[c] += x[xi + c];
        }
      }
    }
    const count = (z1 - z0) * (y1 - y0) * (x1 - x0);
    for (let c = 0; c < C; c++) out[o + c] = count > 0 ? acc[c] / count : 0;
  });
}

export function avgPool3dGrad(dy: NumericArray, dx: NumericArray, info: Pool3DInfo): void {
  const H = info.inHeight, W = info.inWidth, C = info.channels;
  dx.fill(0);
  forEachWindow(info, (xVolume, o, z0, z1, y0, y1, x0, x1) => {
    const count = (z1 - z0) * (y1 - y0) * (x1 - x0);
    if (count === 0) return;
    for (let iz = z0; iz < z1; iz++) {
      for (let iy = y0; iy < y1; iy++) {
        for (let ix = x0; ix < x1; ix++) {
          const xi = xVolume + ((iz * H + iy) * W + ix) * C;
          for (let c = 0; c < C; c++) dx[xi + c] += dy[o + c] / count;
        }
      }
    }
  });
}
