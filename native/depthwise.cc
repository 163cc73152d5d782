// Depthwise convolutions (groups == inC; conv_grouped.cc hands them here) on NHWC tensors: no
// reduction over channels, so im2col + GEMM would multiply by block-diagonal matrices. Each pass
// is a gather over taps instead, one output row at a time across the pool, vectorised over the
// channels (depthwise_simd.h; AVX-512, AVX2 + FMA or portable row kernels):
// - forward: out[n, oy, ox, j] = sum over the taps inside the image of x[n, iy, ix, j / M] *
//   filter[fy, fx, j] (M the multiplier), the taps lists of input row and column offsets built
//   per output row and once per output column; padding taps are skipped, as the JS loops do;
// - input gradient: each input pixel gathers the output pixels whose taps read it (the taps with
//   (i + pad - f * dilation) divisible by the stride), so every row of dx is written once, by one
//   task, with no scatter and no locks;
// - filter gradient: fixed groups of output rows sum into their own partial filter (each tap's run
//   of columns inside the image, summed in registers), then the partials in order, so the result
//   does not depend on the number of threads.
// With M > 1 the forward pass and the filter gradient read input rows widened to M copies of each
// channel, and the input gradient sums each group of M channels of a row of per-output-channel sums.
#include <algorithm>
#include <cstring>
#include <vector>

#include "common.h"
#include "depthwise_simd.h"

namespace lamina {
namespace {

/** One float: the portable build of the row kernels (products and sums rounded apart). */
struct ScalarV {
  using F = float;
  using Mask = bool;
  static constexpr index_t width = 1;
  static F zero() { return 0.0f; }
  static F load(const float* p) { return *p; }
  static F loadMasked(const float* p, Mask) { return *p; }
  static void store(float* p, F v) { *p = v; }
  static void storeMasked(float* p, Mask, F v) { *p = v; }
  static F fmadd(F a, F b, F c) { return a * b + c; }
  static F add(F a, F b) { return a + b; }
  static Mask tailMask(index_t) { return false; }
};

const DepthwiseKernels kPortable{"scalar", depthwise_simd::tapRow<ScalarV>, depthwise_simd::gradRow<ScalarV>};

/** The row kernels of the active GEMM kernel's instruction set (LAMINA_SIMD may ask for less). */
const DepthwiseKernels& kernels() {
  static const DepthwiseKernels* k = [] {
    const char* name = activeKernel().name;
    const DepthwiseKernels* wide = std::strcmp(name, "avx512") == 0 ? avx512Depthwise()
                                   : std::strcmp(name, "avx2") == 0 ? avx2Depthwise()
                                                                    : nullptr;
    return wide != nullptr ? wide : &kPortable;
  }();
  return *k;
}

thread_local AlignedBuffer tlsWide, tlsRowSums;

/** Filter-gradient partials (a fixed count, fewer only for fewer rows), as conv.cc's. */
constexpr index_t FILTER_GROUPS = 16;

/** Rows per task: a few tasks per thread, not one per row (whose hand-offs cost more than a small row). */
index_t rowsPerTask(index_t rows) {
  const index_t want = 8 * numThreads();
  return std::max<index_t>(1, (rows + want - 1) / want);
}

/** row[ix * C * M + c * M + m] = x[ix * C + c] for ix < W: a row of x with each channel repeated M times. */
void widenRow(const float* x, index_t W, index_t C, index_t M, float* row) {
  for (index_t i = 0; i < W * C; i++) std::fill(row + i * M, row + (i + 1) * M, x[i]);
}

/** The column taps of a row kernel: those of column j are taps[start[j] .. start[j + 1]). */
struct AxisTaps {
  std::vector<DepthwiseTap> taps;
  std::vector<index_t> start;
};

/**
 * The column taps of the forward pass: for output column ox, {ix * srcStride, fx * O} for each fx
 * whose input column is inside the image, in fx order.
 */
AxisTaps forwardColumns(const ConvGeom& g, index_t srcStride) {
  AxisTaps t;
  t.start.push_back(0);
  for (index_t ox = 0; ox < g.outW; ox++) {
    for (index_t fx = 0; fx < g.kw; fx++) {
      const index_t ix = ox * g.sw - g.padLeft + fx * g.dw;
      if (ix >= 0 && ix < g.inW) t.taps.push_back({ix * srcStride, fx * g.outC});
    }
    t.start.push_back(static_cast<index_t>(t.taps.size()));
  }
  return t;
}

/** The input column the output column o's tap f reads back: o with o * s = i + pad - f * d, or -1 when none. */
inline index_t sourceOf(index_t i, index_t pad, index_t f, index_t d, index_t s, index_t out) {
  const index_t t = i + pad - f * d;
  if (t < 0 || t % s != 0 || t / s >= out) return -1;
  return t / s;
}

/** The column taps of the input gradient: for input column ix, {ox * O, fx * O} for each fx with an output column ox reading ix through it. */
AxisTaps gradientColumns(const ConvGeom& g) {
  AxisTaps t;
  t.start.push_back(0);
  for (index_t ix = 0; ix < g.inW; ix++) {
    for (index_t fx = 0; fx < g.kw; fx++) {
      const index_t ox = sourceOf(ix, g.padLeft, fx, g.dw, g.sw, g.outW);
      if (ox >= 0) t.taps.push_back({ox * g.outC, fx * g.outC});
    }
    t.start.push_back(static_cast<index_t>(t.taps.size()));
  }
  return t;
}

/** The output columns [first, end) whose tap at filter column fx reads inside the image (as the JS loops' firstColumn / endColumn). */
void columnRange(const ConvGeom& g, index_t fx, index_t& first, index_t& end) {
  const index_t a = g.padLeft - fx * g.dw;
  first = a <= 0 ? 0 : (a + g.sw - 1) / g.sw;
  const index_t b = g.inW - 1 + g.padLeft - fx * g.dw;
  end = b < 0 ? 0 : std::min(g.outW, b / g.sw + 1);
}

}  // namespace

void depthwiseConv2d(const float* x, const float* filter, float* out, const ConvGeom& g, const Epilogue* ep) {
  const DepthwiseKernels& k = kernels();
  const index_t C = g.inC, O = g.outC, M = O / C, W = g.inW, OW = g.outW, rows = g.batch * g.outH;
  if (rows == 0 || OW == 0 || O == 0) return;
  const AxisTaps cols = forwardColumns(g, M == 1 ? C : O);
  const index_t per = rowsPerTask(rows);
  parallelFor((rows + per - 1) / per, [&](index_t task) {
    std::vector<DepthwiseTap> rowTaps;
    for (index_t t = task * per; t < std::min(rows, (task + 1) * per); t++) {
      const index_t n = t / g.outH, oy = t % g.outH;
      const float* image = x + n * g.inH * W * C;
      const float* src = image;
      rowTaps.clear();
      for (index_t fy = 0; fy < g.kh; fy++) {
        const index_t iy = oy * g.sh - g.padTop + fy * g.dh;
        if (iy >= 0 && iy < g.inH) rowTaps.push_back({iy * W * C, fy * g.kw * O});
      }
      if (M > 1) {
        // The rows under this output row, widened, one after another.
        float* wide = tlsWide.get(static_cast<std::size_t>(std::max<index_t>(1, g.kh * W * O)));
        for (std::size_t r = 0; r < rowTaps.size(); r++) {
          widenRow(image + rowTaps[r].src, W, C, M, wide + static_cast<index_t>(r) * W * O);
          rowTaps[r].src = static_cast<index_t>(r) * W * O;
        }
        src = wide;
      }
      float* row = out + t * OW * O;
      k.tapRow(src, filter, rowTaps.data(), static_cast<index_t>(rowTaps.size()), cols.taps.data(), cols.start.data(), OW, O, row);
      if (ep != nullptr) {
        for (index_t ox = 0; ox < OW; ox++) applyEpilogueRow(row + ox * O, O, ep->bias, ep->act);
      }
    }
  });
}

void depthwiseConv2dBackpropInput(const float* dy, const float* filter, float* dx, const ConvGeom& g) {
  const DepthwiseKernels& k = kernels();
  const index_t C = g.inC, O = g.outC, M = O / C, W = g.inW, rows = g.batch * g.inH;
  if (rows == 0 || W == 0 || C == 0) return;
  const AxisTaps cols = gradientColumns(g);
  const index_t per = rowsPerTask(rows);
  parallelFor((rows + per - 1) / per, [&](index_t task) {
    std::vector<DepthwiseTap> rowTaps;
    for (index_t t = task * per; t < std::min(rows, (task + 1) * per); t++) {
      const index_t n = t / g.inH, iy = t % g.inH;
      rowTaps.clear();
      for (index_t fy = 0; fy < g.kh; fy++) {
        const index_t oy = sourceOf(iy, g.padTop, fy, g.dh, g.sh, g.outH);
        if (oy >= 0) rowTaps.push_back({oy * g.outW * O, fy * g.kw * O});
      }
      const float* dyImage = dy + n * g.outH * g.outW * O;
      float* row = dx + t * W * C;
      if (M == 1) {
        k.tapRow(dyImage, filter, rowTaps.data(), static_cast<index_t>(rowTaps.size()), cols.taps.data(), cols.start.data(), W, O, row);
        continue;
      }
      // Per output channel first, then each input channel's M of them, in order.
      float* sums = tlsRowSums.get(static_cast<std::size_t>(W * O));
      k.tapRow(dyImage, filter, rowTaps.data(), static_cast<index_t>(rowTaps.size()), cols.taps.data(), cols.start.data(), W, O, sums);
      for (index_t i = 0; i < W * C; i++) {
        float s = sums[i * M];
        for (index_t m = 1; m < M; m++) s += sums[i * M + m];
        row[i] = s;
      }
    }
  });
}

void depthwiseConv2dBackpropFilter(const float* x, const float* dy, float* dw, const ConvGeom& g) {
  const DepthwiseKernels& k = kernels();
  const index_t C = g.inC, O = g.outC, M = O / C, W = g.inW, OW = g.outW, wSize = g.kh * g.kw * O;
  const index_t rows = g.batch * g.outH;
  const index_t srcStride = M == 1 ? C : O;
  std::vector<index_t> first(static_cast<std::size_t>(g.kw)), end(static_cast<std::size_t>(g.kw));
  for (index_t fx = 0; fx < g.kw; fx++) columnRange(g, fx, first[fx], end[fx]);
  const index_t groups = std::max<index_t>(1, std::min(rows, FILTER_GROUPS));
  const index_t perGroup = (rows + groups - 1) / groups;
  std::vector<float> partial(static_cast<std::size_t>(groups * wSize), 0.0f);
  parallelFor(groups, [&](index_t grp) {
    float* acc = partial.data() + grp * wSize;
    for (index_t t = grp * perGroup; t < std::min(rows, (grp + 1) * perGroup); t++) {
      const index_t n = t / g.outH, oy = t % g.outH;
      const float* dyRow = dy + t * OW * O;
      for (index_t fy = 0; fy < g.kh; fy++) {
        const index_t iy = oy * g.sh - g.padTop + fy * g.dh;
        if (iy < 0 || iy >= g.inH) continue;
        const float* src = x + (n * g.inH + iy) * W * C;
        if (M > 1) {
          float* wide = tlsWide.get(static_cast<std::size_t>(std::max<index_t>(1, W * O)));
          widenRow(src, W, C, M, wide);
          src = wide;
        }
        for (index_t fx = 0; fx < g.kw; fx++) {
          const index_t ox0 = first[fx], ox1 = end[fx];
          if (ox0 >= ox1) continue;
          const float* xs = src + (ox0 * g.sw - g.padLeft + fx * g.dw) * srcStride;
          k.gradRow(xs, g.sw * srcStride, dyRow + ox0 * O, ox1 - ox0, O, acc + (fy * g.kw + fx) * O);
        }
      }
    }
  });
  std::copy(partial.begin(), partial.begin() + wSize, dw);
  for (index_t grp = 1; grp < groups; grp++) {
    const float* p = partial.data() + grp * wSize;
    for (index_t e = 0; e < wSize; e++) dw[e] += p[e];
  }
}

}  // namespace lamina
