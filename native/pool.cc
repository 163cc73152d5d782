// 2-D max/average pooling on NHWC float32 tensors with the JS reference's semantics
// (src/backend/js/pool.ts): padding cells never take part, a max window keeps its first maximal
// cell (a later one wins only when strictly greater), an average divides by its count of real
// cells. Forward passes split output rows across the pool; backward passes split whole images
// (their parts of dx are disjoint).
#include <algorithm>
#include <limits>
#include <vector>

#include "common.h"

namespace lamina {
namespace {

struct Window {
  index_t yStart, yEnd, xStart, xEnd;
};

inline Window window(const PoolGeom& g, index_t oy, index_t ox) {
  const index_t y0 = oy * g.sh - g.padTop;
  const index_t x0 = ox * g.sw - g.padLeft;
  return {std::max<index_t>(0, y0), std::min(g.inH, y0 + g.poolH), std::max<index_t>(0, x0), std::min(g.inW, x0 + g.poolW)};
}

/** Per channel, the index (within the image) of the window's first maximal cell; -1 if empty. */
inline void windowArgMax(const float* xImage, const PoolGeom& g, const Window& w, float* best, index_t* arg) {
  const index_t C = g.channels;
  std::fill(arg, arg + C, index_t(-1));
  for (index_t iy = w.yStart; iy < w.yEnd; iy++) {
    for (index_t ix = w.xStart; ix < w.xEnd; ix++) {
      const index_t base = (iy * g.inW + ix) * C;
      const float* xv = xImage + base;
      for (index_t c = 0; c < C; c++) {
        const float v = xv[c];
        if (arg[c] < 0 || best[c] < v) {
          best[c] = v;
          arg[c] = base + c;
        }
      }
    }
  }
}

}  // namespace

void maxPool(const float* x, float* out, const PoolGeom& g) {
  const index_t C = g.channels;
  const index_t imageSize = g.inH * g.inW * C;
  parallelFor(g.batch * g.outH, [&](index_t t) {
    const index_t n = t / g.outH, oy = t % g.outH;
    const float* xImage = x + n * imageSize;
    float* o = out + (t * g.outW) * C;
    for (index_t ox = 0; ox < g.outW; ox++, o += C) {
      const Window w = window(g, oy, ox);
      if (w.yStart >= w.yEnd || w.xStart >= w.xEnd) {
        // Only padding: -inf, as the JS kernel.
        std::fill(o, o + C, -std::numeric_limits<float>::infinity());
        continue;
      }
      // The first cell, then a later cell wins only when strictly greater (a NaN first cell stays).
      const float* first = xImage + (w.yStart * g.inW + w.xStart) * C;
      std::copy(first, first + C, o);
      for (index_t iy = w.yStart; iy < w.yEnd; iy++) {
        for (index_t ix = (iy == w.yStart ? w.xStart + 1 : w.xStart); ix < w.xEnd; ix++) {
          const float* xv = xImage + (iy * g.inW + ix) * C;
          for (index_t c = 0; c < C; c++) o[c] = o[c] < xv[c] ? xv[c] : o[c];
        }
      }
    }
  });
}

void maxPoolGrad(const float* x, const float* dy, float* dx, const PoolGeom& g) {
  const index_t C = g.channels;
  const index_t imageSize = g.inH * g.inW * C;
  parallelFor(g.batch, [&](index_t n) {
    std::vector<float> best(static_cast<std::size_t>(C));
    std::vector<index_t> arg(static_cast<std::size_t>(C));
    const float* xImage = x + n * imageSize;
    float* dxImage = dx + n * imageSize;
    std::fill(dxImage, dxImage + imageSize, 0.0f);
    const float* d = dy + n * g.outH * g.outW * C;
    for (index_t oy = 0; oy < g.outH; oy++) {
      for (index_t ox = 0; ox < g.outW; ox++, d += C) {
        windowArgMax(xImage, g, window(g, oy, ox), best.data(), arg.data());
        for (index_t c = 0; c < C; c++) {
          if (arg[c] >= 0) dxImage[arg[c]] += d[c];
        }
      }
    }
  });
}

void avgPool(const float* x, float* out, const PoolGeom& g) {
  const index_t C = g.channels;
  const index_t imageSize = g.inH * g.inW * C;
  parallelFor(g.batch * g.outH, [&](index_t t) {
    const index_t n = t / g.outH, oy = t % g.outH;
    std::vector<double> acc(static_cast<std::size_t>(C));
    const float* xImage = x + n * imageSize;
    float* o = out + (t * g.outW) * C;
    for (index_t ox = 0; ox < g.outW; ox++, o += C) {
      const Window w = window(g, oy, ox);
      std::fill(acc.begin(), acc.end(), 0.0);
      for (index_t iy = w.yStart; iy < w.yEnd; iy++) {
        for (index_t ix = w.xStart; ix < w.xEnd; ix++) {
          const float* xv = xImage + (iy * g.inW + ix) * C;
          for (index_t c = 0; c < C; c++) acc[c] += xv[c];
        }
      }
      const index_t count = (w.yEnd - w.yStart) * (w.xEnd - w.xStart);
      for (index_t c = 0; c < C; c++) o[c] = count > 0 ? static_cast<float>(acc[c] / static_cast<double>(count)) : 0.0f;
    }
  });
}

void avgPoolGrad(const float* dy, float* dx, const PoolGeom& g) {
  const index_t C = g.channels;
  const index_t imageSize = g.inH * g.inW * C;
  parallelFor(g.batch, [&](index_t n) {
    float* dxImage = dx + n * imageSize;
    std::fill(dxImage, dxImage + imageSize, 0.0f);
    const float* d = dy + n * g.outH * g.outW * C;
    for (index_t oy = 0; oy < g.outH; oy++) {
      for (index_t ox = 0; ox < g.outW; ox++, d += C) {
        const Window w = window(g, oy, ox);
        const index_t count = (w.yEnd - w.yStart) * (w.xEnd - w.xStart);
        if (count <= 0) continue;
        const double cnt = static_cast<double>(count);
        for (index_t iy = w.yStart; iy < w.yEnd; iy++) {
          for (index_t ix = w.xStart; ix < w.xEnd; ix++) {
            float* dv = dxImage + (iy * g.inW + ix) * C;
            for (index_t c = 0; c < C; c++) dv[c] = static_cast<float>(dv[c] + static_cast<double>(d[c]) / cnt);
          }
        }
      }
    }
  });
}

}  // namespace lamina
