// The AArch64 NEON GEMM micro-kernel: an 8 x 12 tile of C in twenty-four 128-bit accumulators (of
// the thirty-two vector registers), three loads of B per step. NEON is part of every AArch64 CPU, so
// this needs no run-time feature check; other machines get nullptr and keep their own kernels.
#include "common.h"

#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>

#include <algorithm>

namespace lamina {
namespace {

constexpr int MR = 8;
constexpr int NR = 12;

// The twenty-four accumulators are named locals (an array of them, or a struct, makes GCC keep the
// tile in memory and store it back at every step).
#define LAMINA_ACC(I) float32x4_t c##I##0 = vdupq_n_f32(0.0f), c##I##1 = c##I##0, c##I##2 = c##I##0;
#define LAMINA_FMA(I, AV)                  \
  c##I##0 = vfmaq_f32(c##I##0, AV, b0);    \
  c##I##1 = vfmaq_f32(c##I##1, AV, b1);    \
  c##I##2 = vfmaq_f32(c##I##2, AV, b2);
#define LAMINA_LANE(I, V, L)                       \
  c##I##0 = vfmaq_laneq_f32(c##I##0, b0, V, L);   \
  c##I##1 = vfmaq_laneq_f32(c##I##1, b1, V, L);   \
  c##I##2 = vfmaq_laneq_f32(c##I##2, b2, V, L);
#define LAMINA_ALL(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7)

void kernel8x12(index_t kc, const float* a, index_t rsA, index_t csA, const float* b, float* c, index_t ldc, int mr, int nr,
                bool accumulate) {
  // The C tile is read only after the loop: fetching it now hides its cache misses behind the arithmetic.
  for (int i = 0; i < mr; i++) {
    __builtin_prefetch(c + i * ldc);
    __builtin_prefetch(c + i * ldc + NR - 1);
  }
  LAMINA_ALL(LAMINA_ACC)
  // Eight contiguous values of op(A) per step are safe to read when the panel is packed (zero-padded
  // to MR rows, csA == MR) or when all MR rows exist: two loads, then FMAs by lane.
  if (rsA == 1 && (csA == MR || mr == MR)) {
    for (index_t p = 0; p < kc; p++) {
      const float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
      const float32x4_t lo = vld1q_f32(a), hi = vld1q_f32(a + 4);
      LAMINA_LANE(0, lo, 0) LAMINA_LANE(1, lo, 1) LAMINA_LANE(2, lo, 2) LAMINA_LANE(3, lo, 3)
      LAMINA_LANE(4, hi, 0) LAMINA_LANE(5, hi, 1) LAMINA_LANE(6, hi, 2) LAMINA_LANE(7, hi, 3)
      a += csA;
      b += NR;
    }
  } else {
    // op(A) in place: each row's value broadcast from its own pointer. Rows past mr repeat the last
    // real row (computed, never stored).
    const float* a0 = a;
    const float* a1 = a + std::min(1, mr - 1) * rsA;
    const float* a2 = a + std::min(2, mr - 1) * rsA;
    const float* a3 = a + std::min(3, mr - 1) * rsA;
    const float* a4 = a + std::min(4, mr - 1) * rsA;
    const float* a5 = a + std::min(5, mr - 1) * rsA;
    const float* a6 = a + std::min(6, mr - 1) * rsA;
    const float* a7 = a + std::min(7, mr - 1) * rsA;
    index_t off = 0;
    for (index_t p = 0; p < kc; p++) {
      const float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
#define LAMINA_ROW(I) { const float32x4_t av = vld1q_dup_f32(a##I + off); LAMINA_FMA(I, av) }
      LAMINA_ALL(LAMINA_ROW)
#undef LAMINA_ROW
      off += csA;
      b += NR;
    }
  }
  alignas(16) float tmp[MR * NR];
  const bool whole = mr == MR && nr == NR;
  // A whole tile goes straight to C; an edge tile through tmp, its first mr rows and nr columns.
#define LAMINA_STORE(I)                                                                              \
  {                                                                                                  \
    float* row = whole ? c + (I) * ldc : tmp + (I) * NR;                                              \
    if (whole && accumulate) {                                                                       \
      vst1q_f32(row, vaddq_f32(vld1q_f32(row), c##I##0));                                            \
      vst1q_f32(row + 4, vaddq_f32(vld1q_f32(row + 4), c##I##1));                                    \
      vst1q_f32(row + 8, vaddq_f32(vld1q_f32(row + 8), c##I##2));                                    \
    } else {                                                                                         \
      vst1q_f32(row, c##I##0); vst1q_f32(row + 4, c##I##1); vst1q_f32(row + 8, c##I##2);             \
    }                                                                                                \
  }
  LAMINA_ALL(LAMINA_STORE)
#undef LAMINA_STORE
  if (whole) return;
  storeTileEdge(tmp, NR, c, ldc, mr, nr, accumulate);
}

#undef LAMINA_ALL
#undef LAMINA_LANE
#undef LAMINA_FMA
#undef LAMINA_ACC

const MicroKernel kNeon{"neon", MR, NR, kernel8x12};

}  // namespace

const MicroKernel* neonKernel() { return &kNeon; }

}  // namespace lamina

#else

namespace lamina {
const MicroKernel* neonKernel() { return nullptr; }
}  // namespace lamina

#endif
