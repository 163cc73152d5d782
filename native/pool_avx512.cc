// AVX-512 row kernel of maxPoolWithArgmax (pool.cc): blocks of 16 channels (the last one masked)
// held in zmm registers across a window's cells, the take mask (greater, or NaN) a mask register
// that blends value and position in one instruction each. The same rule as pool.cc's SSE loop,
// so the same bits: the first cell, then a later one wins when strictly greater or NaN (the last
// NaN wins). Built with -mavx512f in this translation unit only.
#include "common.h"

#if defined(__AVX512F__)
#include <immintrin.h>

#include <algorithm>
#include <limits>

namespace lamina {
namespace {

void argmaxRow(const float* xImage, float* o, std::int32_t* a, const PoolGeom& g, index_t oy) {
  const index_t C = g.channels;
  const index_t y0 = oy * g.sh - g.padTop;
  const index_t yStart = std::max<index_t>(0, y0), yEnd = std::min(g.inH, y0 + g.poolH);
  for (index_t ox = 0; ox < g.outW; ox++, o += C, a += C) {
    const index_t x0 = ox * g.sw - g.padLeft;
    const index_t xStart = std::max<index_t>(0, x0), xEnd = std::min(g.inW, x0 + g.poolW);
    if (yStart >= yEnd || xStart >= xEnd) {
      std::fill(o, o + C, -std::numeric_limits<float>::infinity());
      std::fill(a, a + C, -1);
      continue;
    }
    const index_t first = yStart * g.inW + xStart;
    for (index_t c = 0; c < C; c += 16) {
      const __mmask16 m = C - c >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << (C - c)) - 1u);
      const float* xc = xImage + c;
      __m512 best = _mm512_maskz_loadu_ps(m, xc + first * C);
      __m512i arg = _mm512_set1_epi32(static_cast<std::int32_t>(first));
      for (index_t iy = yStart; iy < yEnd; iy++) {
        for (index_t ix = (iy == yStart ? xStart + 1 : xStart); ix < xEnd; ix++) {
          const index_t cell = iy * g.inW + ix;
          const __m512 v = _mm512_maskz_loadu_ps(m, xc + cell * C);
          const __mmask16 take = _mm512_cmp_ps_mask(v, best, _CMP_GT_OQ) | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
          best = _mm512_mask_mov_ps(best, take, v);
          arg = _mm512_mask_mov_epi32(arg, take, _mm512_set1_epi32(static_cast<std::int32_t>(cell)));
        }
      }
      _mm512_mask_storeu_ps(o + c, m, best);
      _mm512_mask_storeu_epi32(a + c, m, arg);
    }
  }
}

}  // namespace

MaxPoolArgmaxRowFn avx512MaxPoolArgmaxRow() { return argmaxRow; }

}  // namespace lamina

#else

namespace lamina {
MaxPoolArgmaxRowFn avx512MaxPoolArgmaxRow() { return nullptr; }
}  // namespace lamina

#endif
