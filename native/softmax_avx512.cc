// AVX-512 softmax rows (softmax_simd.h over 8 doubles): each 8 floats widened to double, so the
// row is computed in double as the JS reference computes it. Built with -mavx512f here only.
#include "common.h"

#if defined(__AVX512F__)
#include <immintrin.h>

#include "softmax_simd.h"

// GCC 12's AVX-512 header builds _mm512_cvtps_pd, _mm512_max_pd, _mm512_reduce_*_pd and the casts
// on an "undefined" pass-through that its own -Wuninitialized flags (GCC bug 105593, fixed in
// GCC 13): fifteen false warnings on every install. Silenced for the code below, in this file only.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace lamina {
namespace {

struct V512 {
  using D = __m512d;
  static constexpr index_t width = 8;
  static D set(double v) { return _mm512_set1_pd(v); }
  static D load(const float* p) { return _mm512_cvtps_pd(_mm256_loadu_ps(p)); }
  static D loadD(const double* p) { return _mm512_loadu_pd(p); }
  static void store(double* p, D v) { _mm512_storeu_pd(p, v); }
  static void storeF(float* p, D v) { _mm256_storeu_ps(p, _mm512_cvtpd_ps(v)); }
  static D add(D a, D b) { return _mm512_add_pd(a, b); }
  static D sub(D a, D b) { return _mm512_sub_pd(a, b); }
  static D mul(D a, D b) { return _mm512_mul_pd(a, b); }
  static D max(D a, D b) { return _mm512_max_pd(a, b); }
  static D fmadd(D a, D b, D c) { return _mm512_fmadd_pd(a, b, c); }
  static D fnmadd(D a, D b, D c) { return _mm512_fnmadd_pd(a, b, c); }
  static D round(D v) { return _mm512_roundscale_pd(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static D scale2(D p, D n) { return _mm512_scalef_pd(p, n); }
  static double hsum(D v) { return _mm512_reduce_add_pd(v); }
  static double hmax(D v) { return _mm512_reduce_max_pd(v); }
};

void row(const float* x, float* out, index_t n, bool log, double* e) { softmax_simd::row<V512>(x, out, n, log, e); }

}  // namespace

SoftmaxRowFn avx512SoftmaxRow() { return row; }

}  // namespace lamina

#else

namespace lamina {
SoftmaxRowFn avx512SoftmaxRow() { return nullptr; }
}  // namespace lamina

#endif
