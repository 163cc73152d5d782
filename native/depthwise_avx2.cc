// AVX2 + FMA row kernels of depthwise convolutions (depthwise_simd.h over 8-lane ymm vectors, the
// channel tail through maskload/maskstore): the same sums in the same order as the AVX-512 build,
// so the same bits. Built with -mavx2 -mfma in this translation unit only.
#include "common.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include "depthwise_simd.h"

namespace lamina {
namespace {

struct V256 {
  using F = __m256;
  using Mask = __m256i;
  static constexpr index_t width = 8;
  static F zero() { return _mm256_setzero_ps(); }
  static F load(const float* p) { return _mm256_loadu_ps(p); }
  static F loadMasked(const float* p, Mask m) { return _mm256_maskload_ps(p, m); }
  static void store(float* p, F v) { _mm256_storeu_ps(p, v); }
  static void storeMasked(float* p, Mask m, F v) { _mm256_maskstore_ps(p, m, v); }
  static F fmadd(F a, F b, F c) { return _mm256_fmadd_ps(a, b, c); }
  static F add(F a, F b) { return _mm256_add_ps(a, b); }
  /** Lanes below n set (their sign bits: what maskload and maskstore read). */
  static Mask tailMask(index_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
};

const DepthwiseKernels kernels{"avx2", depthwise_simd::tapRow<V256>, depthwise_simd::gradRow<V256>};

}  // namespace

const DepthwiseKernels* avx2Depthwise() { return &kernels; }

}  // namespace lamina

#else

namespace lamina {
const DepthwiseKernels* avx2Depthwise() { return nullptr; }
}  // namespace lamina

#endif
