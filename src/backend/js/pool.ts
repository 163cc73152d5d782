import type { NumericArray } from "../../tensor/dtype.js";
import type { Pool2DInfo } from "../backend.js";

/*
 * 2-D pooling on NHWC tensors. Padding cells never take part: a max window ignores them (as if
 * they were -inf) and an average window divides by its count of real cells, as TF's SAME pooling
 * does. A max window holding a NaN gives NaN wherever the NaN sits, as torch's max_pool2d does.
 * Channels are the innermost loop so every window reads contiguous memory.
 */

/** Calls visit(n, output offset, yStart, yEnd, xStart, xEnd) for every window, clipped to the image. */
function forEachWindow(
  info: Pool2DInfo,
  visit: (xImage: number, o: number, yStart: number, yEnd: number, xStart: number, xEnd: number) => void,
): void {
  const H = info.inHeight, W = info.inWidth, C = info.channels;
  let o = 0;
  for (let n = 0; n < info.batch; n++) {
    const xImage = n * H * W * C;
    for (let oy = 0; oy < info.outHeight; oy++) {
      const y0 = oy * info.strideHeight - info.padTop;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(H, y0 + info.poolHeight);
      for (let ox = 0; ox < info.outWidth; ox++, o += C) {
        const x0 = ox * info.strideWidth - info.padLeft;
        visit(xImage, o, yStart, yEnd, Math.max(0, x0), Math.min(W, x0 + info.poolWidth));
      }
    }
  }
}

/**
 * Finds, per channel, the flat input index of each window's first maximal cell in row-major
 * order (TF's and torch's rule: a later cell wins only when strictly greater), except that a NaN
 * always wins, so a window with NaNs picks its last NaN (torch's `val > max || isnan(val)`).
 * -1 marks an empty window.
 */
function windowArgMax(
  x: NumericArray, info: Pool2DInfo, best: Float64Array, arg: Int32Array,
  xImage: number, yStart: number, yEnd: number, xStart: number, xEnd: number,
): void {
  const W = info.inWidth, C = info.channels;
  arg.fill(-1);
  for (let iy = yStart; iy < yEnd; iy++) {
    for (let ix = xStart; ix < xEnd; ix++) {
      const xi = xImage + (iy * W + ix) * C;
      for (let c = 0; c < C; c++) {
        const v = x[xi + c];
        if (arg[c] < 0 || v > best[c] || v !== v) {
          best[c] = v;
          arg[c] = xi + c;
        }
      }
    }
  }
}

export function maxPool(x: NumericArray, out: NumericArray, info: Pool2DInfo): void {
  const C = info.channels;
  const best = new Float64Array(C);
  const arg = new Int32Array(C);
  forEachWindow(info, (xImage, o, yStart, yEnd, xStart, xEnd) => {
    windowArgMax(x, info, best, arg, xImage, yStart, yEnd, xStart, xEnd);
    // An empty window can only come from padding wider than the window; it holds only -inf cells.
    for (let c = 0; c < C; c++) out[o + c] = arg[c] < 0 ? -Infinity : best[c];
  });
}

export function maxPoolGrad(x: NumericArray, dy: NumericArray, dx: NumericArray, info: Pool2DInfo): void {
  const C = info.channels;
  const best = new Float64Array(C);
  const arg = new Int32Array(C);
  dx.fill(0);
  forEachWindow(info, (xImage, o, yStart, yEnd, xStart, xEnd) => {
    windowArgMax(x, info, best, arg, xImage, yStart, yEnd, xStart, xEnd);
    for (let c = 0; c < C; c++) {
      const i = arg[c];
      if (i >= 0) dx[i] += dy[o + c];
    }
  });
}

export function maxPoolWithArgmax(x: NumericArray, out: NumericArray, argmax: Int32Array, info: Pool2DInfo): void {
  const C = info.channels;
  const best = new Float64Array(C);
  const arg = new Int32Array(C);
  forEachWindow(info, (xImage, o, yStart, yEnd, xStart, xEnd) => {
    windowArgMax(x, info, best, arg, xImage, yStart, yEnd, xStart, xEnd);
    for (let c = 0; c < C; c++) {
      const i = arg[c];
      out[o + c] = i < 0 ? -Infinity : best[c];
      // The flat index xImage + (iy * W + ix) * C + c as the plane index iy * W + ix.
      argmax[o + c] = i < 0 ? -1 : (i - xImage - c) / C;
    }
  });
}

export function maxPoolGradFromArgmax(argmax: Int32Array, dy: NumericArray, dx: NumericArray, info: Pool2DInfo): void {
  const C = info.channels;
  dx.fill(0);
  forEachWindow(info, (xImage, o) => {
    for (let c = 0; c < C; c++) {
      const i = argmax[o + c];
      if (i >= 0) dx[xImage + i * C + c] += dy[o + c];
    }
  });
}

export function avgPool(x: NumericArray, out: NumericArray, info: Pool2DInfo): void {
  const W = info.inWidth, C = info.channels;
  const acc = new Float64Array(C);
  forEachWindow(info, (xImage, o, yStart, yEnd, xStart, xEnd) => {
    acc.fill(0);
    for (let iy = yStart; iy < yEnd; iy++) {
      for (let ix = xStart; ix < xEnd; ix++) {
        const xi = xImage + (iy * W + ix) * C;
        for (let c = 0; c < C; c++) acc[c] += x[xi + c];
      }
    }
    const count = (yEnd - yStart) * (xEnd - xStart);
    for (let c = 0; c < C; c++) out[o + c] = count > 0 ? acc[c] / count : 0;
  });
}

export function avgPoolGrad(dy: NumericArray, dx: NumericArray, info: Pool2DInfo): void {
  const W = info.inWidth, C = info.channels;
  dx.fill(0);
  forEachWindow(info, (xImage, o, yStart, yEnd, xStart, xEnd) => {
    const count = (yEnd - yStart) * (xEnd - xStart);
    if (count === 0) return;
    for (let iy = yStart; iy < yEnd; iy++) {
      for (let ix = xStart; ix < xEnd; ix++) {
        const xi = xImage + (iy * W + ix) * C;
        for (let c = 0; c < C; c++) dx[xi + c] += dy[o + c] / count;
      }
    }
  });
}
