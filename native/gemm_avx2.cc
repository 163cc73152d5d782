// The AVX2 + FMA GEMM micro-kernel: a 6 x 16 tile of C in twelve ymm accumulators, one broadcast of
// A and two loads of B per step. Built with -mavx2 -mfma in this translation unit only; used when
// the CPU reports both features at run time.
#include "common.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include <algorithm>

namespace lamina {
namespace {

constexpr int MR = 6;
constexpr int NR = 16;

void kernel6x16(index_t kc, const float* a, index_t rsA, index_t csA, const float* b, float* c, index_t ldc, int mr, int nr,
                bool accumulate) {
  // Row pointers; rows past mr repeat the last real row (computed, never stored).
  const float* a0 = a;
  const float* a1 = a + std::min(1, mr - 1) * rsA;
  const float* a2 = a + std::min(2, mr - 1) * rsA;
  const float* a3 = a + std::min(3, mr - 1) * rsA;
  const float* a4 = a + std::min(4, mr - 1) * rsA;
  const float* a5 = a + std::min(5, mr - 1) * rsA;
  index_t off = 0;
  // The C tile is read only after the loop: fetching it now hides its cache misses (C is usually
  // far bigger than L2) behind the arithmetic.
  for (int i = 0; i < mr; i++) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + NR - 1), _MM_HINT_T0);
  }
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
#define LAMINA_STEP(P)                                                     \
  {                                                                        \
    const __m256 b0 = _mm256_load_ps(b + (P) * NR);                        \
    const __m256 b1 = _mm256_load_ps(b + (P) * NR + 8);                   \
    __m256 av = _mm256_broadcast_ss(a0 + off);                             \
    c00 = _mm256_fmadd_ps(av, b0, c00); c01 = _mm256_fmadd_ps(av, b1, c01); \
    av = _mm256_broadcast_ss(a1 + off);                                    \
    c10 = _mm256_fmadd_ps(av, b0, c10); c11 = _mm256_fmadd_ps(av, b1, c11); \
    av = _mm256_broadcast_ss(a2 + off);                                    \
    c20 = _mm256_fmadd_ps(av, b0, c20); c21 = _mm256_fmadd_ps(av, b1, c21); \
    av = _mm256_broadcast_ss(a3 + off);                                    \
    c30 = _mm256_fmadd_ps(av, b0, c30); c31 = _mm256_fmadd_ps(av, b1, c31); \
    av = _mm256_broadcast_ss(a4 + off);                                    \
    c40 = _mm256_fmadd_ps(av, b0, c40); c41 = _mm256_fmadd_ps(av, b1, c41); \
    av = _mm256_broadcast_ss(a5 + off);                                    \
    c50 = _mm256_fmadd_ps(av, b0, c50); c51 = _mm256_fmadd_ps(av, b1, c51); \
    off += csA;                                                            \
  }
  // One step per iteration: a manual unroll (or a software prefetch) makes GCC rotate the
  // accumulators through extra register moves and measured 15-20% slower.
  for (index_t p = 0; p < kc; p++) {
    LAMINA_STEP(0)
    b += NR;
  }
#undef LAMINA_STEP
  if (mr == MR && nr == NR) {
#define LAMINA_STORE(I, R0, R1)                                                        \
  {                                                                                    \
    float* row = c + (I) * ldc;                                                        \
    if (accumulate) {                                                                  \
      _mm256_storeu_ps(row, _mm256_add_ps(_mm256_loadu_ps(row), R0));                  \
      _mm256_storeu_ps(row + 8, _mm256_add_ps(_mm256_loadu_ps(row + 8), R1));          \
    } else {                                                                           \
      _mm256_storeu_ps(row, R0);                                                       \
      _mm256_storeu_ps(row + 8, R1);                                                   \
    }                                                                                  \
  }
    LAMINA_STORE(0, c00, c01) LAMINA_STORE(1, c10, c11) LAMINA_STORE(2, c20, c21)
    LAMINA_STORE(3, c30, c31) LAMINA_STORE(4, c40, c41) LAMINA_STORE(5, c50, c51)
#undef LAMINA_STORE
    return;
  }
  alignas(32) float t[MR * NR];
  _mm256_store_ps(t + 0 * NR, c00); _mm256_store_ps(t + 0 * NR + 8, c01);
  _mm256_store_ps(t + 1 * NR, c10); _mm256_store_ps(t + 1 * NR + 8, c11);
  _mm256_store_ps(t + 2 * NR, c20); _mm256_store_ps(t + 2 * NR + 8, c21);
  _mm256_store_ps(t + 3 * NR, c30); _mm256_store_ps(t + 3 * NR + 8, c31);
  _mm256_store_ps(t + 4 * NR, c40); _mm256_store_ps(t + 4 * NR + 8, c41);
  _mm256_store_ps(t + 5 * NR, c50); _mm256_store_ps(t + 5 * NR + 8, c51);
  storeTileEdge(t, NR, c, ldc, mr, nr, accumulate);
}

const MicroKernel kAvx2{"avx2", MR, NR, kernel6x16};

}  // namespace

const MicroKernel* avx2Kernel() { return &kAvx2; }

}  // namespace lamina

#else

namespace lamina {
const MicroKernel* avx2Kernel() { return nullptr; }
}  // namespace lamina

#endif
