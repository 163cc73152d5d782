// AVX2+FMA softmax rows (softmax_simd.h over 4 doubles). Built with -mavx2 -mfma here only.
#include "common.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include "softmax_simd.h"

namespace lamina {
namespace {

struct V256 {
  using D = __m256d;
  static constexpr index_t width = 4;
  static D set(double v) { return _mm256_set1_pd(v); }
  static D load(const float* p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
  static D loadD(const double* p) { return _mm256_loadu_pd(p); }
  static void store(double* p, D v) { _mm256_storeu_pd(p, v); }
  static void storeF(float* p, D v) { _mm_storeu_ps(p, _mm256_cvtpd_ps(v)); }
  static D add(D a, D b) { return _mm256_add_pd(a, b); }
  static D sub(D a, D b) { return _mm256_sub_pd(a, b); }
  static D mul(D a, D b) { return _mm256_mul_pd(a, b); }
  static D max(D a, D b) { return _mm256_max_pd(a, b); }
  static D fmadd(D a, D b, D c) { return _mm256_fmadd_pd(a, b, c); }
  static D fnmadd(D a, D b, D c) { return _mm256_fnmadd_pd(a, b, c); }
  static D round(D v) { return _mm256_round_pd(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  // p * 2^n for integral n in [-1022, 0]: n's biased exponent built in the integer lanes.
  static D scale2(D p, D n) {
    const __m256i e = _mm256_slli_epi64(_mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(n)), _mm256_set1_epi64x(1023)), 52);
    return _mm256_mul_pd(p, _mm256_castsi256_pd(e));
  }
  static double hsum(D v) {
    const __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
  }
  static double hmax(D v) {
    const __m128d s = _mm_max_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_max_sd(s, _mm_unpackhi_pd(s, s)));
  }
};

void row(const float* x, float* out, index_t n, bool log, double* e) { softmax_simd::row<V256>(x, out, n, log, e); }

}  // namespace

SoftmaxRowFn avx2SoftmaxRow() { return row; }

}  // namespace lamina

#else

namespace lamina {
SoftmaxRowFn avx2SoftmaxRow() { return nullptr; }
}  // namespace lamina

#endif
