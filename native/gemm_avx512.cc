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
  // The accumulators are named variables, not an array: GCC 12 kept an array of them in registers
  // through the loop but zeroed it on the stack first and stored all 24 there after it, to read
  // them back for the C update (72 zmm moves through memory per tile).
#define LAMINA_ACC(I) __m512 c##I##0 = _mm512_setzero_ps(), c##I##1 = _mm512_setzero_ps();
  LAMINA_ACC(0) LAMINA_ACC(1) LAMINA_ACC(2) LAMINA_ACC(3) LAMINA_ACC(4) LAMINA_ACC(5)
  LAMINA_ACC(6) LAMINA_ACC(7) LAMINA_ACC(8) LAMINA_ACC(9) LAMINA_ACC(10) LAMINA_ACC(11)
#undef LAMINA_ACC
  for (index_t p = 0; p < kc; p++) {
    const __m512 b0 = _mm512_load_ps(b);
    const __m512 b1 = _mm512_load_ps(b + 16);
#define LAMINA_ROW(I)                               \
  {                                                 \
    const __m512 av = _mm512_set1_ps(a[ro[I]]);     \
    c##I##0 = _mm512_fmadd_ps(av, b0, c##I##0);     \
    c##I##1 = _mm512_fmadd_ps(av, b1, c##I##1);     \
  }
    LAMINA_ROW(0) LAMINA_ROW(1) LAMINA_ROW(2) LAMINA_ROW(3) LAMINA_ROW(4) LAMINA_ROW(5)
    LAMINA_ROW(6) LAMINA_ROW(7) LAMINA_ROW(8) LAMINA_ROW(9) LAMINA_ROW(10) LAMINA_ROW(11)
#undef LAMINA_ROW
    a += csA;
    b += NR;
  }
  if (mr == MR && nr == NR) {
#define LAMINA_STORE(I)                                                               \
  {                                                                                   \
    float* row = c + (I) * ldc;                                                       \
    if (accumulate) {                                                                 \
      _mm512_storeu_ps(row, _mm512_add_ps(_mm512_loadu_ps(row), c##I##0));            \
      _mm512_storeu_ps(row + 16, _mm512_add_ps(_mm512_loadu_ps(row + 16), c##I##1));  \
    } else {                                                                          \
      _mm512_storeu_ps(row, c##I##0);                                                 \
      _mm512_storeu_ps(row + 16, c##I##1);                                            \
    }                                                                                 \
  }
    LAMINA_STORE(0) LAMINA_STORE(1) LAMINA_STORE(2) LAMINA_STORE(3) LAMINA_STORE(4) LAMINA_STORE(5)
    LAMINA_STORE(6) LAMINA_STORE(7) LAMINA_STORE(8) LAMINA_STORE(9) LAMINA_STORE(10) LAMINA_STORE(11)
#undef LAMINA_STORE
    return;
  }
  alignas(64) float t[MR * NR];
#define LAMINA_SPILL(I) _mm512_store_ps(t + (I) * NR, c##I##0); _mm512_store_ps(t + (I) * NR + 16, c##I##1);
  LAMINA_SPILL(0) LAMINA_SPILL(1) LAMINA_SPILL(2) LAMINA_SPILL(3) LAMINA_SPILL(4) LAMINA_SPILL(5)
  LAMINA_SPILL(6) LAMINA_SPILL(7) LAMINA_SPILL(8) LAMINA_SPILL(9) LAMINA_SPILL(10) LAMINA_SPILL(11)
#undef LAMINA_SPILL
  storeTileEdge(t, NR, c, ldc, mr, nr, accumulate);
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
