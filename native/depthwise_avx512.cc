// AVX-512 row kernels of depthwise convolutions (depthwise_simd.h over 16-lane zmm vectors, the
// channel tail through a lane mask). Built with -mavx512f in this translation unit only;
// depthwise.cc takes it when the AVX-512 GEMM kernel is the active one.
#include "common.h"

#if defined(__AVX512F__)
#include <immintrin.h>

#include "depthwise_simd.h"

namespace lamina {
namespace {

struct V512 {
  using F = __m512;
  using Mask = __mmask16;
  static constexpr index_t width = 16;
  static F zero() { return _mm512_setzero_ps(); }
  static F load(const float* p) { return _mm512_loadu_ps(p); }
  static F loadMasked(const float* p, Mask m) { return _mm512_maskz_loadu_ps(m, p); }
  static void store(float* p, F v) { _mm512_storeu_ps(p, v); }
  static void storeMasked(float* p, Mask m, F v) { _mm512_mask_storeu_ps(p, m, v); }
  static F fmadd(F a, F b, F c) { return _mm512_fmadd_ps(a, b, c); }
  static F add(F a, F b) { return _mm512_add_ps(a, b); }
  static Mask tailMask(index_t n) { return static_cast<Mask>((1u << n) - 1u); }
};

const DepthwiseKernels kernels{"avx512", depthwise_simd::tapRow<V512>, depthwise_simd::gradRow<V512>};

}  // namespace

const DepthwiseKernels* avx512Depthwise() { return &kernels; }

}  // namespace lamina

#else

namespace lamina {
const DepthwiseKernels* avx512Depthwise() { return nullptr; }
}  // namespace lamina

#endif
