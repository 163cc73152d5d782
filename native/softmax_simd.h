// The vector body of a softmax row shared by softmax_avx2.cc and softmax_avx512.cc (each includes
// it once, compiled with its own -m flags, with V a traits struct over doubles of that width).
// exp(d) for d = x - max <= 0 in double: d = n ln2 + r, |r| <= ln2 / 2, Taylor to degree 11
// (truncation error below 1e-14 relative), times 2^n: within a few double ulps of std::exp, so a
// value rounded to float matches the correctly rounded one except when it lies within ~1e-14 of a
// rounding boundary (then one float ulp apart).
#pragma once
#include <cmath>

#include "common.h"

namespace lamina {
namespace softmax_simd {

template <typename V>
inline typename V::D expNonPositive(typename V::D d) {
  using D = typename V::D;
  // exp(-708) ~ 3e-308 is already far below anything a float output or a sum >= 1 can hold; the
  // clamp keeps 2^n a normal double (and turns -Inf into it). NaN is never passed (finite max).
  d = V::max(V::set(-708.0), d);
  const D n = V::round(V::mul(d, V::set(1.4426950408889634)));
  D r = V::fnmadd(n, V::set(6.93147180369123816490e-01), d);
  r = V::fnmadd(n, V::set(1.90821492927058770002e-10), r);
  D p = V::set(1.0 / 39916800.0);
  p = V::fmadd(p, r, V::set(1.0 / 3628800.0));
  p = V::fmadd(p, r, V::set(1.0 / 362880.0));
  p = V::fmadd(p, r, V::set(1.0 / 40320.0));
  p = V::fmadd(p, r, V::set(1.0 / 5040.0));
  p = V::fmadd(p, r, V::set(1.0 / 720.0));
  p = V::fmadd(p, r, V::set(1.0 / 120.0));
  p = V::fmadd(p, r, V::set(1.0 / 24.0));
  p = V::fmadd(p, r, V::set(1.0 / 6.0));
  p = V::fmadd(p, r, V::set(0.5));
  p = V::fmadd(p, r, V::set(1.0));
  p = V::fmadd(p, r, V::set(1.0));
  return V::scale2(p, n);
}

/**
 * One row of softmax (log-softmax when `log`) as softmaxRowsF32 computes it, e a scratch row of n
 * doubles; rows whose maximum is not finite (NaN, +-Inf) go to the scalar row.
 */
template <typename V>
void row(const float* x, float* out, index_t n, bool log, double* e) {
  using D = typename V::D;
  constexpr index_t W = V::width;
  const index_t full = n / W * W;
  // The maximum, and whether any value is NaN (max would drop it).
  D vmax = V::set(-INFINITY);
  D nan = V::set(0.0);
  for (index_t j = 0; j < full; j += W) {
    const D v = V::load(x + j);
    vmax = V::max(vmax, v);
    nan = V::add(nan, V::sub(v, v));  // 0, or NaN once a NaN (or an Inf) was seen
  }
  double max = V::hmax(vmax);
  double flag = V::hsum(nan);
  for (index_t j = full; j < n; j++) {
    const double v = x[j];
    if (v > max) max = v;
    flag += v - v;
  }
  if (flag != 0.0 || !std::isfinite(flag) || !std::isfinite(max)) {
    softmaxRowScalar(x, out, n, log, e);
    return;
  }
  const D vm = V::set(max);
  D s = V::set(0.0);
  for (index_t j = 0; j < full; j += W) {
    const D v = expNonPositive<V>(V::sub(V::load(x + j), vm));
    V::store(e + j, v);
    s = V::add(s, v);
  }
  double sum = V::hsum(s);
  for (index_t j = full; j < n; j++) {
    const double v = std::exp(static_cast<double>(x[j]) - max);
    e[j] = v;
    sum += v;
  }
  if (log) {
    // log(sum) cancels where sum is near 1 (one logit far above the rest): there the sum's last
    // bit is the result's leading ones, so the sum is taken in the reference's order, one by one.
    sum = 0;
    for (index_t j = 0; j < n; j++) sum += e[j];
  }
  if (log) {
    const double logSum = std::log(sum);
    const D vl = V::set(logSum);
    for (index_t j = 0; j < full; j += W) V::storeF(out + j, V::sub(V::sub(V::load(x + j), vm), vl));
    for (index_t j = full; j < n; j++) out[j] = static_cast<float>((static_cast<double>(x[j]) - max) - logSum);
  } else {
    const double inv = 1.0 / sum;
    const D vi = V::set(inv);
    for (index_t j = 0; j < full; j += W) V::storeF(out + j, V::mul(V::loadD(e + j), vi));
    for (index_t j = full; j < n; j++) out[j] = static_cast<float>(e[j] * inv);
  }
}

}  // namespace softmax_simd
}  // namespace lamina
