// The row kernels of depthwise convolutions (depthwise.cc), written once over a traits struct V of
// float vectors and included by depthwise.cc (V: one float, the portable build), depthwise_avx2.cc
// (8 lanes) and depthwise_avx512.cc (16 lanes), each compiled with its own -m flags. NHWC keeps a
// pixel's channels contiguous and a depthwise convolution never mixes channels, so the channel axis
// is the vector axis: blocks of up to 4 vectors (4 independent FMA chains) per pixel, the last
// vector masked for a channel count that is not a multiple of the width. Every lane adds its terms
// in the same order, from zero, one V::fmadd each, whatever the width: the AVX2 and AVX-512 builds
// give the same bits (the portable one rounds products and sums apart: ScalarV's fmadd is a * b + c
// under -ffp-contract=off).
#pragma once
#include "common.h"

namespace lamina {
namespace depthwise_simd {

/** One vector at p, through the tail mask when `masked` (a constant once the block loops are unrolled). */
template <typename V>
inline typename V::F loadVector(const float* p, typename V::Mask m, bool masked) {
  return masked ? V::loadMasked(p, m) : V::load(p);
}
template <typename V>
inline void storeVector(float* p, typename V::Mask m, bool masked, typename V::F v) {
  if (masked) {
    V::storeMasked(p, m, v);
  } else {
    V::store(p, v);
  }
}

/** Remaining full vectors (0..3) and whether a masked tail follows: the block sizes tapRow/gradRow end with. */
template <typename Block>
inline void endBlocks(index_t fullLeft, bool tail, Block&& block) {
  switch (fullLeft * 2 + (tail ? 1 : 0)) {
    case 1: block.template run<1, true>(); break;
    case 2: block.template run<1, false>(); break;
    case 3: block.template run<2, true>(); break;
    case 4: block.template run<2, false>(); break;
    case 5: block.template run<3, true>(); break;
    case 6: block.template run<3, false>(); break;
    case 7: block.template run<4, true>(); break;
    default: break;
  }
}

/** U vectors of output channels [c, c + U * width) of one pixel: the sum over its row and column taps. */
template <typename V>
struct TapBlock {
  const float* src;
  const float* w;
  const DepthwiseTap* rows;
  index_t nRows;
  const DepthwiseTap* cols;
  index_t nCols;
  float* out;
  typename V::Mask m;

  template <int U, bool TAIL>
  void run() const {
    using F = typename V::F;
    constexpr index_t W = V::width;
    F acc[U];
    for (int u = 0; u < U; u++) acc[u] = V::zero();
    for (index_t r = 0; r < nRows; r++) {
      const float* s0 = src + rows[r].src;
      const float* w0 = w + rows[r].w;
      for (index_t k = 0; k < nCols; k++) {
        const float* s = s0 + cols[k].src;
        const float* ww = w0 + cols[k].w;
        for (int u = 0; u < U; u++) {
          const bool masked = TAIL && u == U - 1;
          acc[u] = V::fmadd(loadVector<V>(s + u * W, m, masked), loadVector<V>(ww + u * W, m, masked), acc[u]);
        }
      }
    }
    for (int u = 0; u < U; u++) storeVector<V>(out + u * W, m, TAIL && u == U - 1, acc[u]);
  }
};

/** DepthwiseKernels::tapRow over V (see common.h). */
template <typename V>
void tapRow(const float* src, const float* w, const DepthwiseTap* rows, index_t nRows, const DepthwiseTap* cols,
            const index_t* colStart, index_t n, index_t C, float* out) {
  constexpr index_t W = V::width;
  const index_t full = C / W, tail = C - full * W;
  const typename V::Mask m = V::tailMask(tail);
  for (index_t j = 0; j < n; j++) {
    const DepthwiseTap* ct = cols + colStart[j];
    const index_t nc = colStart[j + 1] - colStart[j];
    float* o = out + j * C;
    index_t v = 0;
    for (; v + 4 <= full; v += 4) {
      TapBlock<V>{src + v * W, w + v * W, rows, nRows, ct, nc, o + v * W, m}.template run<4, false>();
    }
    endBlocks(full - v, tail > 0, TapBlock<V>{src + v * W, w + v * W, rows, nRows, ct, nc, o + v * W, m});
  }
}

/** U vectors of channels [c, c + U * width): acc += the sum over n pixels of x * dy. */
template <typename V>
struct GradBlock {
  const float* x;
  index_t xStep;
  const float* dy;
  index_t C;
  index_t n;
  float* acc;
  typename V::Mask m;

  template <int U, bool TAIL>
  void run() const {
    using F = typename V::F;
    constexpr index_t W = V::width;
    F s[U];
    for (int u = 0; u < U; u++) s[u] = V::zero();
    for (index_t i = 0; i < n; i++) {
      const float* xi = x + i * xStep;
      const float* di = dy + i * C;
      for (int u = 0; u < U; u++) {
        const bool masked = TAIL && u == U - 1;
        s[u] = V::fmadd(loadVector<V>(xi + u * W, m, masked), loadVector<V>(di + u * W, m, masked), s[u]);
      }
    }
    for (int u = 0; u < U; u++) {
      const bool masked = TAIL && u == U - 1;
      storeVector<V>(acc + u * W, m, masked, V::add(loadVector<V>(acc + u * W, m, masked), s[u]));
    }
  }
};

/** DepthwiseKernels::gradRow over V (see common.h). */
template <typename V>
void gradRow(const float* x, index_t xStep, const float* dy, index_t n, index_t C, float* acc) {
  constexpr index_t W = V::width;
  const index_t full = C / W, tail = C - full * W;
  const typename V::Mask m = V::tailMask(tail);
  index_t v = 0;
  for (; v + 4 <= full; v += 4) GradBlock<V>{x + v * W, xStep, dy + v * W, C, n, acc + v * W, m}.template run<4, false>();
  endBlocks(full - v, tail > 0, GradBlock<V>{x + v * W, xStep, dy + v * W, C, n, acc + v * W, m});
}

}  // namespace depthwise_simd
}  // namespace lamina
