// Gradients of convolutions with 1-4 output channels (an image generator's last layer, e.g.
// Conv2D(1, 7x7) over 128 channels) straight from x, dy and the filter, without im2col columns or a
// GEMM: the GEMM's micro-kernel computes a whole tile width (16 or 32 columns) of the filter
// gradient's O columns, and the input gradient's GEMM has an inner dimension of O, so most of
// either's work and all of the columns' memory traffic would be thrown away. Each pixel's taps are
// contiguous runs of x or dx (a whole filter row of kw * C floats where the pixel's window lies
// inside the image and dilation is 1, else C floats per tap), added with loops the compiler
// vectorizes; their clones for AVX-512 and AVX2 (LAMINA_SIMD_CLONES) give the same bits as the
// baseline build, as every element's sum keeps its order whatever the vector width.
#include <algorithm>
#include <cmath>
#include <vector>

#include "common.h"

namespace lamina {
namespace {

/** The filter gradient sums fixed groups of output pixels (then the groups, in order), so that the result does not depend on the thread count. */
constexpr index_t GROUPS = 16;
/** Fewest output pixels per group (fewer pixels make fewer groups). */
constexpr index_t MIN_GROUP_PIXELS = 64;

/** acc[o * K + j] += d[o] * src[j] for j < n, o < O: one pixel's run of taps into the gradient's rows (o's row K floats apart). */
inline void addPixel(float* acc, index_t K, const float* src, index_t n, const float* d, index_t O) {
  for (index_t o = 0; o < O; o++) {
    float* __restrict a = acc + o * K;
    const float* __restrict s = src;
    const float v = d[o];
    for (index_t j = 0; j < n; j++) a[j] += v * s[j];
  }
}

/**
 * acc[o * K + j] += 0 * d[o] for j < n where d[o] is not finite: the taps of a pixel that fall on
 * padding, which im2col + GEMM multiply by its zero columns, so that an Inf or NaN in dy makes them
 * NaN here too; nothing to add for a finite d[o].
 */
inline void addPaddingProducts(float* acc, index_t K, index_t n, const float* d, index_t O) {
  for (index_t o = 0; o < O; o++) {
    if (std::isfinite(d[o])) continue;
    float* a = acc + o * K;
    for (index_t j = 0; j < n; j++) a[j] += 0.0f * d[o];
  }
}

/**
 * addPixel for four pixels in a row whose runs start step floats apart (dy's rows d, d + O, ...):
 * the same sums in the same order as four calls (a + d0 x0, then + d1 x1, ...), with the
 * accumulator loaded and stored once instead of four times.
 */
inline void addFourPixels(float* acc, index_t K, const float* src, index_t step, index_t n, const float* d, index_t O) {
  for (index_t o = 0; o < O; o++) {
    float* __restrict a = acc + o * K;
    const float* __restrict s0 = src;
    const float* __restrict s1 = src + step;
    const float* __restrict s2 = src + 2 * step;
    const float* __restrict s3 = src + 3 * step;
    const float v0 = d[o], v1 = d[O + o], v2 = d[2 * O + o], v3 = d[3 * O + o];
    for (index_t j = 0; j < n; j++) a[j] = (((a[j] + v0 * s0[j]) + v1 * s1[j]) + v2 * s2[j]) + v3 * s3[j];
  }
}

/**
 * acc (O rows of K = kh * kw * C floats, zeroed by the caller) += the filter gradient of output
 * pixels [r0, r1): for each pixel in order, its taps of x times its O values of dy.
 */
LAMINA_SIMD_CLONES
void filterGradPixels(const float* x, const float* dy, float* acc, const ConvGeom& g, index_t r0, index_t r1) {
  const index_t H = g.inH, W = g.inW, C = g.inC, OH = g.outH, OW = g.outW, KH = g.kh, KW = g.kw, O = g.outC;
  const index_t K = KH * KW * C, span = KW * C;
  const index_t perImage = OH * OW;
  index_t r = r0;
  while (r < r1) {
    const index_t n = r / perImage, oy = (r % perImage) / OW, ox = r % OW;
    const float* xImage = x + n * H * W * C;
    const index_t iy0 = oy * g.sh - g.padTop, ix0 = ox * g.sw - g.padLeft;
    // Four pixels of this output row whose windows all lie inside the image's width: one pass.
    if (g.dw == 1 && ox + 4 <= OW && r + 4 <= r1 && ix0 >= 0 && ix0 + 3 * g.sw + KW <= W) {
      for (index_t fy = 0; fy < KH; fy++) {
        const index_t iy = iy0 + fy * g.dh;
        if (iy < 0 || iy >= H) {
          for (index_t p = 0; p < 4; p++) addPaddingProducts(acc + fy * span, K, span, dy + (r + p) * O, O);
          continue;
        }
        addFourPixels(acc + fy * span, K, xImage + (iy * W + ix0) * C, g.sw * C, span, dy + r * O, O);
      }
      r += 4;
      continue;
    }
    const float* d = dy + r * O;
    const bool inside = g.dw == 1 && ix0 >= 0 && ix0 + KW <= W;
    for (index_t fy = 0; fy < KH; fy++) {
      const index_t iy = iy0 + fy * g.dh;
      if (iy < 0 || iy >= H) {
        addPaddingProducts(acc + fy * span, K, span, d, O);
        continue;
      }
      const float* xRow = xImage + iy * W * C;
      if (inside) {
        addPixel(acc + fy * span, K, xRow + ix0 * C, span, d, O);
        continue;
      }
      for (index_t fx = 0; fx < KW; fx++) {
        const index_t ix = ix0 + fx * g.dw;
        if (ix >= 0 && ix < W) {
          addPixel(acc + fy * span + fx * C, K, xRow + ix * C, C, d, O);
        } else {
          addPaddingProducts(acc + fy * span + fx * C, K, C, d, O);
        }
      }
    }
    r++;
  }
}

/** dst[j] += sum_o d[o] * w[o * K + j] (summed over o first, in order) for j < n. */
inline void addTaps(float* dst, const float* w, index_t K, index_t n, const float* d, index_t O) {
  float* __restrict t = dst;
  const float* __restrict w0 = w;
  const float v0 = d[0];
  if (O == 1) {
    for (index_t j = 0; j < n; j++) t[j] += v0 * w0[j];
    return;
  }
  const float* __restrict w1 = w + K;
  const float v1 = d[1];
  if (O == 2) {
    for (index_t j = 0; j < n; j++) t[j] += v0 * w0[j] + v1 * w1[j];
    return;
  }
  const float* __restrict w2 = w + 2 * K;
  const float v2 = d[2];
  if (O == 3) {
    for (index_t j = 0; j < n; j++) t[j] += (v0 * w0[j] + v1 * w1[j]) + v2 * w2[j];
    return;
  }
  const float* __restrict w3 = w + 3 * K;
  const float v3 = d[3];
  for (index_t j = 0; j < n; j++) t[j] += ((v0 * w0[j] + v1 * w1[j]) + v2 * w2[j]) + v3 * w3[j];
}

/** dx of image n (written whole): each output pixel's O values of dy times the filter's columns wT, added onto its taps. */
LAMINA_SIMD_CLONES
void inputGradImage(const float* dy, const float* wT, float* dx, const ConvGeom& g, index_t n) {
  const index_t H = g.inH, W = g.inW, C = g.inC, OH = g.outH, OW = g.outW, KH = g.kh, KW = g.kw, O = g.outC;
  const index_t K = KH * KW * C, span = KW * C;
  float* dxImage = dx + n * H * W * C;
  std::fill(dxImage, dxImage + H * W * C, 0.0f);
  for (index_t oy = 0; oy < OH; oy++) {
    for (index_t ox = 0; ox < OW; ox++) {
      const float* d = dy + ((n * OH + oy) * OW + ox) * O;
      const index_t iy0 = oy * g.sh - g.padTop, ix0 = ox * g.sw - g.padLeft;
      const bool inside = g.dw == 1 && ix0 >= 0 && ix0 + KW <= W;
      for (index_t fy = 0; fy < KH; fy++) {
        const index_t iy = iy0 + fy * g.dh;
        if (iy < 0 || iy >= H) continue;
        float* dxRow = dxImage + iy * W * C;
        if (inside) {
          addTaps(dxRow + ix0 * C, wT + fy * span, K, span, d, O);
          continue;
        }
        for (index_t fx = 0; fx < KW; fx++) {
          const index_t ix = ix0 + fx * g.dw;
          if (ix >= 0 && ix < W) addTaps(dxRow + ix * C, wT + fy * span + fx * C, K, C, d, O);
        }
      }
    }
  }
}

/** acc[j] += the products a[k] * b[k] of n floats whose k is j modulo 16 (16 partial sums, vectorizable without reassociating). */
inline void dotIntoLanes(float* __restrict acc, const float* __restrict a, const float* __restrict b, index_t n) {
  index_t k = 0;
  for (; k + 16 <= n; k += 16) {
    for (int j = 0; j < 16; j++) acc[j] += a[k + j] * b[k + j];
  }
  for (int j = 0; k < n; k++, j++) acc[j] += a[k] * b[k];
}

/** Output pixels [r0, r1): each output channel's dot product of the pixel's window runs of x with the filter's column wT. */
LAMINA_SIMD_CLONES
void forwardPixels(const float* x, const float* wT, float* out, const ConvGeom& g, const Epilogue* ep, index_t r0, index_t r1) {
  const index_t H = g.inH, W = g.inW, C = g.inC, OH = g.outH, OW = g.outW, KH = g.kh, KW = g.kw, O = g.outC;
  const index_t K = KH * KW * C, span = KW * C;
  const index_t perImage = OH * OW;
  for (index_t r = r0; r < r1; r++) {
    const index_t n = r / perImage, oy = (r % perImage) / OW, ox = r % OW;
    const float* xImage = x + n * H * W * C;
    const index_t iy0 = oy * g.sh - g.padTop, ix0 = ox * g.sw - g.padLeft;
    const bool inside = g.dw == 1 && ix0 >= 0 && ix0 + KW <= W;
    float* y = out + r * O;
    for (index_t o = 0; o < O; o++) {
      const float* w = wT + o * K;
      float acc[16] = {};
      for (index_t fy = 0; fy < KH; fy++) {
        const index_t iy = iy0 + fy * g.dh;
        if (iy < 0 || iy >= H) continue;
        const float* xRow = xImage + iy * W * C;
        if (inside) {
          dotIntoLanes(acc, xRow + ix0 * C, w + fy * span, span);
          continue;
        }
        for (index_t fx = 0; fx < KW; fx++) {
          const index_t ix = ix0 + fx * g.dw;
          if (ix >= 0 && ix < W) dotIntoLanes(acc, xRow + ix * C, w + fy * span + fx * C, C);
        }
      }
      float sum = 0.0f;
      for (int j = 0; j < 16; j++) sum += acc[j];
      y[o] = sum;
    }
    if (ep != nullptr) applyEpilogueRow(y, O, ep->bias, ep->act);
  }
}

thread_local std::vector<float> tlsColumns;

/** The filter's columns, each contiguous, in the calling thread's buffer: wT[o * K + k] = filter[k * O + o]. */
const float* filterColumns(const float* filter, index_t K, index_t O) {
  std::vector<float>& wT = tlsColumns;
  wT.resize(static_cast<std::size_t>(O * K));
  for (index_t k = 0; k < K; k++) {
    for (index_t o = 0; o < O; o++) wT[static_cast<std::size_t>(o * K + k)] = filter[k * O + o];
  }
  return wT.data();
}

}  // namespace

void conv2dNarrowDirect(const float* x, const float* filter, float* out, const ConvGeom& g, const Epilogue* ep) {
  const index_t rows = g.batch * g.outH * g.outW;
  const float* wT = filterColumns(filter, g.kh * g.kw * g.inC, g.outC);
  const index_t per = 64;
  parallelFor((rows + per - 1) / per, [&](index_t t) { forwardPixels(x, wT, out, g, ep, t * per, std::min(rows, (t + 1) * per)); });
}

void conv2dBackpropFilterNarrow(const float* x, const float* dy, float* dw, const ConvGeom& g) {
  const index_t rows = g.batch * g.outH * g.outW;
  const index_t K = g.kh * g.kw * g.inC, O = g.outC, size = K * O;
  const index_t groups = std::max<index_t>(1, std::min(GROUPS, rows / MIN_GROUP_PIXELS));
  const index_t per = (rows + groups - 1) / groups;
  // Each group's gradient in rows of K (o-major), so that a pixel's taps add to contiguous runs.
  std::vector<float> partial(static_cast<std::size_t>(groups * size));
  parallelFor(groups, [&](index_t grp) {
    float* acc = partial.data() + grp * size;
    std::fill(acc, acc + size, 0.0f);
    filterGradPixels(x, dy, acc, g, std::min(rows, grp * per), std::min(rows, (grp + 1) * per));
  });
  // dw[k, o] = the groups' sums in order, split across the pool by slices of k.
  const index_t slice = 2048;
  parallelFor((K + slice - 1) / slice, [&](index_t t) {
    for (index_t k = t * slice; k < std::min(K, (t + 1) * slice); k++) {
      for (index_t o = 0; o < O; o++) {
        float s = partial[static_cast<std::size_t>(o * K + k)];
        for (index_t grp = 1; grp < groups; grp++) s += partial[static_cast<std::size_t>(grp * size + o * K + k)];
        dw[k * O + o] = s;
      }
    }
  });
}

void conv2dBackpropInputNarrow(const float* dy, const float* filter, float* dx, const ConvGeom& g) {
  const float* wT = filterColumns(filter, g.kh * g.kw * g.inC, g.outC);
  // One task per image: images own disjoint parts of dx.
  parallelFor(g.batch, [&](index_t n) { inputGradImage(dy, wT, dx, g, n); });
}

}  // namespace lamina
