// The AVX-512 GEMM micro-kernel: a 12 x 32 tile of C in twenty-four zmm accumulators. Built with
// -mavx512f in this translation unit only; used when the CPU reports AVX-512F at run time.
#include "common.h"

#if defined(__AVX512F__)
#include <immintrin.h>

#include <algorithm>

namespace lamina {
namespace {

constexpr int MR = 12;
constexpr int NR = 32;

void kernel12x32(index_t kc, const float* a, index_t rsA, index_t csA, const float* b, float* c, index_t ldc, int mr, int nr,
                 bool accumulate) {
  // Row offsets; rows past mr repeat the last real row (computed, never stored).
  index_t ro[MR];
  for (int i = 0; i < MR; i++) ro[i] = std::min(i, mr - 1) * rsA;
  // The C tile is read only after the loop: fetching it now hides its cache misses.
  for (int i = 0; i < mr; i++) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + NR - 1), _MM_HINT_T0);
  }
  __m512 acc[MR][2];
#define LAMINA_ZERO(I) acc[I][0] = _mm512_setzero_ps(); acc[I][1] = _mm512_setzero_ps();
  LAMINA_ZERO(0) LAMINA_ZERO(1) LAMINA_ZERO(2) LAMINA_ZERO(3) LAMINA_ZERO(4) LAMINA_ZERO(5)
  LAMINA_ZERO(6) LAMINA_ZERO(7) LAMINA_ZERO(8) LAMINA_ZERO(9) LAMINA_ZERO(10) LAMINA_ZERO(11)
#undef LAMINA_ZERO
  for (index_t p = 0; p < kc; p++) {
    const __m512 b0 = _mm512_load_ps(b);
    const __m512 b1 = _mm512_load_ps(b + 16);
#define LAMINA_ROW(I)                                   \
  {                                                     \
    const __m512 av = _mm512_set1_ps(a[ro[I]]);             \
    acc[I][0] = _mm512_fmadd_ps(av, b0, acc[I][0]);     \
    acc[I][1] = _mm512_fmadd_ps(av, b1, acc[I][1]);     \
  }
    LAMINA_ROW(0) LAMINA_ROW(1) LAMINA_ROW(2) LAMINA_ROW(3) LAMINA_ROW(4) LAMINA_ROW(5)
    LAMINA_ROW(6) LAMINA_ROW(7) LAMINA_ROW(8) LAMINA_ROW(9) LAMINA_ROW(10) LAMINA_ROW(11)
#undef LAMINA_ROW
    a += csA;
    b += NR;
  }
  if (mr == MR && nr == NR) {
    for (int i = 0; i < MR; i++) {
      float* row = c + i * ldc;
      if (accumulate) {
        _mm512_storeu_ps(row, _mm512_add_ps(_mm512_loadu_ps(row), acc[i][0]));
        _mm512_storeu_ps(row + 16, _mm512_add_ps(_mm512_loadu_ps(row + 16), acc[i][1]));
      } else {
        _mm512_storeu_ps(row, acc[i][0]);
        _mm512_storeu_ps(row + 16, acc[i][1]);
      }
    }
    return;
  }
  alignas(64) float t[MR * NR];
  for (int i = 0; i < MR; i++) {
    _mm512_store_ps(t + i * NR, acc[i][0]);
    _mm512_store_ps(t + i * NR + 16, acc[i][1]);
  }
  for (int i = 0; i < mr; i++) {
    float* row = c + i * ldc;
    const float* tr = t + i * NR;
    if (accumulate) {
      for (int j = 0; j < nr; j++) row[j] += tr[j];
    } else {
      for (int j = 0; j < nr; j++) row[j] = tr[j];
    }
  }
}

const MicroKernel kAvx512{"avx512", MR, NR, kernel12x32};

}  // namespace

const MicroKernel* avx512Kernel() { return &kAvx512; }

}  // namespace lamina

#else

namespace lamina {
const MicroKernel* avx512Kernel() { return nullptr; }
}  // namespace lamina

#endif
