// Elementwise float32 kernels: the activations and math functions, their gradients and the binary
// ops with NumPy broadcasting. Every value is computed in double by the same formula as the JS
// reference (src/backend/js/elementwise.ts) and rounded once to float32, so arithmetic, sqrt,
// rounding and the comparisons give bit-identical results; the transcendental functions come from
// the C library instead of V8's fdlibm port, both within an ulp in double, so that after rounding
// to float32 they agree to the bit but for values next to a rounding boundary (one float32 ulp).
// Large arrays are split across the thread pool.
#include <algorithm>
#include <cmath>
#include <vector>

#include "common.h"

namespace lamina {
namespace {

constexpr index_t GRAIN = index_t(1) << 14;

template <typename F>
void forChunks(index_t n, F&& f) {
  if (n <= 2 * GRAIN) {
    f(index_t(0), n);
    return;
  }
  parallelFor((n + GRAIN - 1) / GRAIN, [&](index_t t) { f(t * GRAIN, std::min(n, (t + 1) * GRAIN)); });
}

inline double sigmoid(double v) { return v >= 0 ? 1.0 / (1.0 + std::exp(-v)) : std::exp(v) / (1.0 + std::exp(v)); }

inline double softplus(double v) { return v > 0 ? v + std::log1p(std::exp(-v)) : std::log1p(std::exp(v)); }

constexpr double SELU_ALPHA = 1.6732632423543772;
constexpr double SELU_SCALE = 1.0507009873554805;
constexpr double PI = 3.141592653589793;
constexpr double SQRT2 = 1.4142135623730951;
constexpr double LN2 = 0.6931471805599453;
constexpr double LN10 = 2.302585092994046;
const double SQRT_2_OVER_PI = std::sqrt(2 / PI);
const double TWO_OVER_SQRT_PI = 2 / std::sqrt(PI);
const double SQRT_2PI = std::sqrt(2 * PI);

/*
 * erf to double precision by the JS reference's own method and order of operations (its Maclaurin
 * series below |x| = 2.5, the continued fraction of erfc by the modified Lentz method above), so
 * erf and gelu match the JS backend as closely as exp allows.
 */
double erfRef(double x) {
  const double z = std::fabs(x);
  if (z < 2.5) {
    const double z2 = z * z;
    double term = z, sum = z;
    for (int n = 1; n < 60; n++) {
      term *= -z2 / n;
      const double add = term / (2 * n + 1);
      sum += add;
      if (std::fabs(add) < 1e-17 * std::fabs(sum)) break;
    }
    const double r = (2 / std::sqrt(PI)) * sum;
    return x < 0 ? -r : r;
  }
  if (!std::isfinite(z)) return std::isnan(x) ? x : (x > 0 ? 1.0 : -1.0);
  const double tiny = 1e-300;
  double f = z, c = z, d = 0;
  for (int n = 1; n < 200; n++) {
    const double an = n / 2.0;
    d = z + an * d;
    d = std::fabs(d) < tiny ? tiny : d;
    d = 1 / d;
    c = z + an / c;
    c = std::fabs(c) < tiny ? tiny : c;
    const double delta = c * d;
    f *= delta;
    if (std::fabs(delta - 1) < 1e-16) break;
  }
  const double erfc = std::exp(-z * z) / std::sqrt(PI) / f;
  return x < 0 ? erfc - 1 : 1 - erfc;
}

/** JS's Math.pow where it differs from C's pow: a NaN exponent, and +-1 to an infinite power, give NaN. */
inline double jsPow(double a, double b) {
  if (std::isnan(b) || (std::isinf(b) && std::fabs(a) == 1)) return NAN;
  return std::pow(a, b);
}

/*
 * C's fmod (JS's %), exact, by x87's fprem as V8 computes it (the dividend's sign, NaN for an
 * infinite dividend or a zero divisor, the dividend for an infinite divisor). The native mod still
 * measured slower than V8's in process (bench/native-math.ts), so the backend routes mod to JS.
 */
inline double fmodExact(double a, double b) {
#if defined(__x86_64__) && defined(__GNUC__)
  double r;
  __asm__("1: fprem\n\t"
          "fnstsw %%ax\n\t"
          "testw $0x400, %%ax\n\t"
          "jnz 1b"
          : "=t"(r)
          : "0"(a), "u"(b)
          : "ax", "cc");
  return r;
#else
  return std::fmod(a, b);
#endif
}

/*
 * fmod of two float32 values (held in doubles) without fprem when the quotient is below 2^29:
 * q * b then has at most 29 + 24 bits, so a - q * b is exact; q = trunc(a / b) can only be one too
 * large in magnitude (a / b rounded up onto an integer), which the remainder's sign shows.
 */
inline double fmodF32(double a, double b) {
  const double q = std::trunc(a / b);
  if (!(std::fabs(q) < 536870912.0) || !std::isfinite(b)) return fmodExact(a, b);
  double r = a - q * b;
  if (r != 0 && (r < 0) != (a < 0)) r += q > 0 ? b : -b;
  return r == 0 ? std::copysign(0.0, a) : r;
}

/** Python's %: the remainder takes the divisor's sign. */
inline double floorMod(double a, double b) {
  const double r = fmodF32(a, b);
  return r != 0 && (r < 0) != (b < 0) ? r + b : r;
}

template <typename F>
void mapUnary(const float* x, float* out, index_t n, F f) {
  forChunks(n, [&](index_t i0, index_t i1) {
    for (index_t i = i0; i < i1; i++) out[i] = static_cast<float>(f(static_cast<double>(x[i])));
  });
}

template <typename F>
void mapGrad(const float* x, const float* y, const float* dy, float* dx, index_t n, F f) {
  forChunks(n, [&](index_t i0, index_t i1) {
    for (index_t i = i0; i < i1; i++) {
      dx[i] = static_cast<float>(f(static_cast<double>(x[i]), static_cast<double>(y[i]), static_cast<double>(dy[i])));
    }
  });
}

template <typename TOut, typename F>
void mapBinary(const float* a, const index_t* sa, const float* b, const index_t* sb, TOut* out, const index_t* shape,
               int rank, F f) {
  index_t total = 1;
  for (int d = 0; d < rank; d++) total *= shape[d];
  if (total == 0) return;
  const index_t inner = rank > 0 ? shape[rank - 1] : 1;
  const index_t ia = rank > 0 ? sa[rank - 1] : 0, ib = rank > 0 ? sb[rank - 1] : 0;
  const index_t rows = total / inner;
  // Rows per task so that a task covers about GRAIN elements.
  const index_t perTask = std::max<index_t>(1, GRAIN / std::max<index_t>(1, inner));
  auto run = [&](index_t r0, index_t r1) {
    // Offsets of row r0 from its multi-index over the leading axes.
    index_t oa = 0, ob = 0, rem = r0;
    std::vector<index_t> idx(static_cast<std::size_t>(std::max(rank - 1, 0)));
    for (int d = rank - 2; d >= 0; d--) {
      idx[static_cast<std::size_t>(d)] = rem % shape[d];
      rem /= shape[d];
      oa += idx[static_cast<std::size_t>(d)] * sa[d];
      ob += idx[static_cast<std::size_t>(d)] * sb[d];
    }
    for (index_t r = r0; r < r1; r++) {
      TOut* o = out + r * inner;
      const float* pa = a + oa;
      const float* pb = b + ob;
      if (ia == 1 && ib == 1) {
        for (index_t j = 0; j < inner; j++) o[j] = static_cast<TOut>(f(static_cast<double>(pa[j]), static_cast<double>(pb[j])));
      } else if (ia == 1 && ib == 0) {
        const double bv = pb[0];
        for (index_t j = 0; j < inner; j++) o[j] = static_cast<TOut>(f(static_cast<double>(pa[j]), bv));
      } else if (ia == 0 && ib == 1) {
        const double av = pa[0];
        for (index_t j = 0; j < inner; j++) o[j] = static_cast<TOut>(f(av, static_cast<double>(pb[j])));
      } else {
        for (index_t j = 0; j < inner; j++) {
          o[j] = static_cast<TOut>(f(static_cast<double>(pa[j * ia]), static_cast<double>(pb[j * ib])));
        }
      }
      for (int d = rank - 2; d >= 0; d--) {
        std::size_t du = static_cast<std::size_t>(d);
        idx[du]++;
        oa += sa[d];
        ob += sb[d];
        if (idx[du] < shape[d]) break;
        oa -= sa[d] * shape[d];
        ob -= sb[d] * shape[d];
        idx[du] = 0;
      }
    }
  };
  if (total <= 2 * GRAIN) {
    run(0, rows);
  } else {
    parallelFor((rows + perTask - 1) / perTask, [&](index_t t) { run(t * perTask, std::min(rows, (t + 1) * perTask)); });
  }
}

/**
 * out = relu(x) as reluKeepNaN, four at a time on x86 with maxps(0, v) (v for a NaN or a zero, as
 * zeroIfNegative gives). The generic map's per-element conditional on the double's bits compiled
 * to a branch, mispredicted half the time on activations of either sign: 23 ms against 1.3 ms for
 * 3.2M floats on the 2-core Intel Xeon.
 */
void reluF32(const float* x, float* out, index_t n) {
  forChunks(n, [&](index_t i0, index_t i1) {
    index_t i = i0;
#if defined(__SSE2__)
    const __m128 zero = _mm_setzero_ps();
    for (; i + 4 <= i1; i += 4) _mm_storeu_ps(out + i, _mm_max_ps(zero, _mm_loadu_ps(x + i)));
#endif
    for (; i < i1; i++) out[i] = reluKeepNaN(x[i]);
  });
}

/** out = min(6, max(0, v)) four at a time: maxps keeps a NaN or -0 (as reluKeepNaN), minps then keeps them too. */
void relu6F32(const float* x, float* out, index_t n) {
  forChunks(n, [&](index_t i0, index_t i1) {
    index_t i = i0;
#if defined(__SSE2__)
    const __m128 zero = _mm_setzero_ps(), six = _mm_set1_ps(6.0f);
    for (; i + 4 <= i1; i += 4) _mm_storeu_ps(out + i, _mm_min_ps(six, _mm_max_ps(zero, _mm_loadu_ps(x + i))));
#endif
    for (; i < i1; i++) out[i] = x[i] > 6.0f ? 6.0f : reluKeepNaN(x[i]);
  });
}

#if defined(__SSE2__)
/** The four float32 values of alpha * v, each product in double and rounded once, as the double maps give. */
inline __m128 scaleInDouble(__m128d alpha, __m128 v) {
  const __m128 lo = _mm_cvtpd_ps(_mm_mul_pd(alpha, _mm_cvtps_pd(v)));
  const __m128 hi = _mm_cvtpd_ps(_mm_mul_pd(alpha, _mm_cvtps_pd(_mm_movehl_ps(v, v))));
  return _mm_movelh_ps(lo, hi);
}

/** mask ? a : b per lane (mask all ones or all zeros). */
inline __m128 blend(__m128 mask, __m128 a, __m128 b) { return _mm_or_ps(_mm_and_ps(mask, a), _mm_andnot_ps(mask, b)); }
#endif

/*
 * leakyRelu and its gradient as compare-and-blend four at a time: as lambdas in the double maps
 * they compiled to branches mispredicted on every other activation of either sign (10 ms against
 * 1 ms for abs on 3.2M floats), and GCC does not if-convert the product in a plain loop (it may
 * trap, so it stays under the branch). A NaN x fails x > 0 and gives alpha * x (NaN), as before.
 */
void leakyReluF32(const float* x, float* out, index_t n, double alpha) {
  forChunks(n, [&](index_t i0, index_t i1) {
    index_t i = i0;
#if defined(__SSE2__)
    const __m128d a = _mm_set1_pd(alpha);
    const __m128 zero = _mm_setzero_ps();
    for (; i + 4 <= i1; i += 4) {
      const __m128 v = _mm_loadu_ps(x + i);
      _mm_storeu_ps(out + i, blend(_mm_cmpgt_ps(v, zero), v, scaleInDouble(a, v)));
    }
#endif
    for (; i < i1; i++) out[i] = x[i] > 0.0f ? x[i] : static_cast<float>(alpha * x[i]);
  });
}

void leakyReluGradF32(const float* x, const float* dy, float* dx, index_t n, double alpha) {
  forChunks(n, [&](index_t i0, index_t i1) {
    index_t i = i0;
#if defined(__SSE2__)
    const __m128d a = _mm_set1_pd(alpha);
    const __m128 zero = _mm_setzero_ps();
    for (; i + 4 <= i1; i += 4) {
      const __m128 g = _mm_loadu_ps(dy + i);
      _mm_storeu_ps(dx + i, blend(_mm_cmpgt_ps(_mm_loadu_ps(x + i), zero), g, scaleInDouble(a, g)));
    }
#endif
    for (; i < i1; i++) dx[i] = x[i] > 0.0f ? dy[i] : static_cast<float>(alpha * dy[i]);
  });
}

/*
 * d|x| = sign(x) dy, 0 where x is 0 or NaN, as a select the compiler vectorizes into
 * compare-and-blend (the double map's branches: 10 ms on 3.2M floats). ivdep: dx may be x or dy
 * itself (each element read before it is written), which without it keeps the loop scalar. clang's
 * spelling of the same promise is its loop pragma (it warns on GCC's).
 */
LAMINA_SIMD_CLONES
void absGradRange(const float* x, const float* dy, float* dx, index_t n) {
#if defined(__clang__)
#pragma clang loop vectorize(assume_safety)
#elif defined(__GNUC__)
#pragma GCC ivdep
#endif
  for (index_t i = 0; i < n; i++) {
    const float v = x[i], g = dy[i];
    dx[i] = v > 0.0f ? g : v < 0.0f ? -g : 0.0f;
  }
}

}  // namespace

bool unaryF32(UnaryKind op, const float* x, float* out, index_t n, double alpha) {
  auto map = [&](auto f) {
    mapUnary(x, out, n, f);
    return true;
  };
  switch (op) {
    // NaN and -0 stay (torch.relu); the gradient passes where x is NaN (torch's threshold_backward).
    case UnaryKind::Relu: reluF32(x, out, n); return true;
    case UnaryKind::Neg: return map([](double v) { return -v; });
    case UnaryKind::Abs: return map([](double v) { return std::fabs(v); });
    case UnaryKind::Square: return map([](double v) { return v * v; });
    case UnaryKind::Sqrt: return map([](double v) { return std::sqrt(v); });
    case UnaryKind::Rsqrt: return map([](double v) { return 1.0 / std::sqrt(v); });
    case UnaryKind::Exp: return map([](double v) { return std::exp(v); });
    case UnaryKind::Log: return map([](double v) { return std::log(v); });
    case UnaryKind::Reciprocal: return map([](double v) { return 1.0 / v; });
    case UnaryKind::Sigmoid: return map([](double v) { return sigmoid(v); });
    case UnaryKind::Tanh: return map([](double v) { return std::tanh(v); });
    // -0 gives +0, as the JS literal does.
    case UnaryKind::Sign: return map([](double v) { return v > 0 ? 1.0 : v < 0 ? -1.0 : v == 0 ? 0.0 : v; });
    case UnaryKind::Log1p: return map([](double v) { return std::log1p(v); });
    case UnaryKind::Expm1: return map([](double v) { return std::expm1(v); });
    case UnaryKind::Floor: return map([](double v) { return std::floor(v); });
    case UnaryKind::Ceil: return map([](double v) { return std::ceil(v); });
    // Half to even in the default rounding mode: the JS roundHalfEven, -0 for (-0.5, -0] included.
    case UnaryKind::Round: return map([](double v) { return std::nearbyint(v); });
    case UnaryKind::Sin: return map([](double v) { return std::sin(v); });
    case UnaryKind::Cos: return map([](double v) { return std::cos(v); });
    case UnaryKind::Erf: return map([](double v) { return erfRef(v); });
    case UnaryKind::Relu6: relu6F32(x, out, n); return true;
    case UnaryKind::LeakyRelu:
      leakyReluF32(x, out, n, alpha);
      return true;
    case UnaryKind::Elu: return map([alpha](double v) { return v > 0 ? v : alpha * std::expm1(v); });
    case UnaryKind::Selu:
      return map([](double v) { return v > 0 ? SELU_SCALE * v : SELU_SCALE * SELU_ALPHA * std::expm1(v); });
    case UnaryKind::Gelu: return map([](double v) { return 0.5 * v * (1 + erfRef(v / SQRT2)); });
    case UnaryKind::GeluTanh:
      return map([](double v) { return 0.5 * v * (1 + std::tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))); });
    case UnaryKind::Softplus: return map([](double v) { return softplus(v); });
    case UnaryKind::Softsign: return map([](double v) { return v / (1 + std::fabs(v)); });
    case UnaryKind::Swish: return map([](double v) { return v * sigmoid(v); });
    case UnaryKind::Tan: return map([](double v) { return std::tan(v); });
    case UnaryKind::Sinh: return map([](double v) { return std::sinh(v); });
    case UnaryKind::Cosh: return map([](double v) { return std::cosh(v); });
    case UnaryKind::Asin: return map([](double v) { return std::asin(v); });
    case UnaryKind::Acos: return map([](double v) { return std::acos(v); });
    case UnaryKind::Atan: return map([](double v) { return std::atan(v); });
    case UnaryKind::Asinh: return map([](double v) { return std::asinh(v); });
    case UnaryKind::Acosh: return map([](double v) { return std::acosh(v); });
    case UnaryKind::Atanh: return map([](double v) { return std::atanh(v); });
    case UnaryKind::Log2: return map([](double v) { return std::log2(v); });
    case UnaryKind::Log10: return map([](double v) { return std::log10(v); });
  }
  return false;
}

bool unaryGradF32(UnaryKind op, const float* x, const float* y, const float* dy, float* dx, index_t n, double alpha) {
  auto map = [&](auto f) {
    mapGrad(x, y, dy, dx, n, f);
    return true;
  };
  switch (op) {
    case UnaryKind::Relu: return map([](double v, double, double g) { return v <= 0 ? 0.0 : g; });
    case UnaryKind::Neg: return map([](double, double, double g) { return -g; });
    case UnaryKind::Abs:
      forChunks(n, [&](index_t i0, index_t i1) { absGradRange(x + i0, dy + i0, dx + i0, i1 - i0); });
      return true;
    case UnaryKind::Square: return map([](double v, double, double g) { return 2 * v * g; });
    case UnaryKind::Sqrt: return map([](double, double r, double g) { return g / (2 * r); });
    case UnaryKind::Rsqrt: return map([](double v, double r, double g) { return (-0.5 * g * r) / v; });
    case UnaryKind::Log: return map([](double v, double, double g) { return g / v; });
    case UnaryKind::Reciprocal: return map([](double, double r, double g) { return -g * r * r; });
    case UnaryKind::Exp: return map([](double, double r, double g) { return g * r; });
    case UnaryKind::Sigmoid: return map([](double, double r, double g) { return g * r * (1 - r); });
    case UnaryKind::Tanh: return map([](double, double r, double g) { return g * (1 - r * r); });
    // Piecewise constant: a zero gradient even where dy is NaN, as the JS reference.
    case UnaryKind::Sign: case UnaryKind::Floor: case UnaryKind::Ceil: case UnaryKind::Round:
      return map([](double, double, double) { return 0.0; });
    case UnaryKind::Log1p: return map([](double v, double, double g) { return g / (1 + v); });
    case UnaryKind::Expm1: return map([](double, double r, double g) { return g * (r + 1); });
    case UnaryKind::Sin: return map([](double v, double, double g) { return g * std::cos(v); });
    case UnaryKind::Cos: return map([](double v, double, double g) { return -g * std::sin(v); });
    case UnaryKind::Erf: return map([](double v, double, double g) { return g * TWO_OVER_SQRT_PI * std::exp(-v * v); });
    case UnaryKind::Relu6: return map([](double v, double, double g) { return v <= 0 || v >= 6 ? 0.0 : g; });
    case UnaryKind::LeakyRelu:
      leakyReluGradF32(x, dy, dx, n, alpha);
      return true;
    // From x, not y, as the JS kernel (torch's elu_backward on the input); a NaN x passes g on.
    case UnaryKind::Elu: return map([alpha](double v, double, double g) { return v <= 0 ? g * alpha * std::exp(v) : g; });
    case UnaryKind::Selu:
      return map([](double v, double, double g) { return v <= 0 ? g * SELU_SCALE * SELU_ALPHA * std::exp(v) : SELU_SCALE * g; });
    case UnaryKind::Gelu:
      return map([](double v, double, double g) {
        const double cdf = 0.5 * (1 + erfRef(v / SQRT2));
        const double pdf = std::exp(-0.5 * v * v) / SQRT_2PI;
        return g * (cdf + v * pdf);
      });
    case UnaryKind::GeluTanh:
      return map([](double v, double, double g) {
        const double t = std::tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v));
        const double dInner = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v);
        return g * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * dInner);
      });
    case UnaryKind::Softplus: return map([](double v, double, double g) { return g * sigmoid(v); });
    case UnaryKind::Softsign:
      return map([](double v, double, double g) {
        const double d = 1 + std::fabs(v);
        return g / (d * d);
      });
    case UnaryKind::Swish:
      return map([](double v, double, double g) {
        const double s = sigmoid(v);
        return g * (s + v * s * (1 - s));
      });
    case UnaryKind::Tan: return map([](double, double r, double g) { return g * (1 + r * r); });
    case UnaryKind::Sinh: return map([](double v, double, double g) { return g * std::cosh(v); });
    case UnaryKind::Cosh: return map([](double v, double, double g) { return g * std::sinh(v); });
    // (1 - x)(1 + x) keeps its digits near |x| = 1, as in the JS reference.
    case UnaryKind::Asin: return map([](double v, double, double g) { return g / std::sqrt((1 - v) * (1 + v)); });
    case UnaryKind::Acos: return map([](double v, double, double g) { return -g / std::sqrt((1 - v) * (1 + v)); });
    case UnaryKind::Atan: return map([](double v, double, double g) { return g / (1 + v * v); });
    case UnaryKind::Asinh: return map([](double v, double, double g) { return g / std::sqrt(v * v + 1); });
    case UnaryKind::Acosh: return map([](double v, double, double g) { return g / std::sqrt((v - 1) * (v + 1)); });
    case UnaryKind::Atanh: return map([](double v, double, double g) { return g / ((1 - v) * (1 + v)); });
    case UnaryKind::Log2: return map([](double v, double, double g) { return g / (v * LN2); });
    case UnaryKind::Log10: return map([](double v, double, double g) { return g / (v * LN10); });
  }
  return false;
}

void predicateF32(PredicateKind op, const float* x, std::uint8_t* out, index_t n) {
  forChunks(n, [&](index_t i0, index_t i1) {
    if (op == PredicateKind::IsNaN) {
      for (index_t i = i0; i < i1; i++) out[i] = std::isnan(x[i]) ? 1 : 0;
    } else {
      for (index_t i = i0; i < i1; i++) out[i] = std::isfinite(x[i]) ? 1 : 0;
    }
  });
}

bool binaryF32(BinaryKind op, const float* a, const index_t* sa, const float* b, const index_t* sb, float* out,
               const index_t* shape, int rank) {
  switch (op) {
    case BinaryKind::Add: mapBinary(a, sa, b, sb, out, shape, rank, [](double p, double q) { return p + q; }); return true;
    case BinaryKind::Sub: mapBinary(a, sa, b, sb, out, shape, rank, [](double p, double q) { return p - q; }); return true;
    case BinaryKind::Mul: mapBinary(a, sa, b, sb, out, shape, rank, [](double p, double q) { return p * q; }); return true;
    case BinaryKind::Div: mapBinary(a, sa, b, sb, out, shape, rank, [](double p, double q) { return p / q; }); return true;
    case BinaryKind::Maximum:
      mapBinary(a, sa, b, sb, out, shape, rank, [](double p, double q) { return p > q || std::isnan(p) ? p : q; });
      return true;
    case BinaryKind::Minimum:
      mapBinary(a, sa, b, sb, out, shape, rank, [](double p, double q) { return p < q || std::isnan(p) ? p : q; });
      return true;
    case BinaryKind::SquaredDifference:
      mapBinary(a, sa, b, sb, out, shape, rank, [](double p, double q) { return (p - q) * (p - q); });
      return true;
    case BinaryKind::Pow: mapBinary(a, sa, b, sb, out, shape, rank, [](double p, double q) { return jsPow(p, q); }); return true;
    case BinaryKind::FloorDiv:
      mapBinary(a, sa, b, sb, out, shape, rank, [](double p, double q) { return std::floor(p / q); });
      return true;
    case BinaryKind::Mod: mapBinary(a, sa, b, sb, out, shape, rank, [](double p, double q) { return floorMod(p, q); }); return true;
    case BinaryKind::Atan2:
      mapBinary(a, sa, b, sb, out, shape, rank, [](double p, double q) { return std::atan2(p, q); });
      return true;
  }
  return false;
}

void compareF32(CompareKind op, const float* a, const index_t* sa, const float* b, const index_t* sb, std::uint8_t* out,
                const index_t* shape, int rank) {
  switch (op) {
    case CompareKind::Equal: mapBinary(a, sa, b, sb, out, shape, rank, [](double p, double q) { return p == q; }); return;
    case CompareKind::NotEqual: mapBinary(a, sa, b, sb, out, shape, rank, [](double p, double q) { return p != q; }); return;
    case CompareKind::Less: mapBinary(a, sa, b, sb, out, shape, rank, [](double p, double q) { return p < q; }); return;
    case CompareKind::LessEqual: mapBinary(a, sa, b, sb, out, shape, rank, [](double p, double q) { return p <= q; }); return;
    case CompareKind::Greater: mapBinary(a, sa, b, sb, out, shape, rank, [](double p, double q) { return p > q; }); return;
    case CompareKind::GreaterEqual:
      mapBinary(a, sa, b, sb, out, shape, rank, [](double p, double q) { return p >= q; });
      return;
  }
}

void selectF32(const std::uint8_t* cond, const float* a, index_t ia, const float* b, index_t ib, float* out, index_t n) {
  forChunks(n, [&](index_t i0, index_t i1) {
    for (index_t i = i0; i < i1; i++) out[i] = cond[i] ? a[i * ia] : b[i * ib];
  });
}

}  // namespace lamina

namespace lamina {

void reduceSumF32(const float* x, float* out, index_t outer, index_t r, index_t inner, double divisor) {
  if (inner == 1) {
    // Four partial sums in double, combined as (s0 + s1) + (s2 + s3): the JS reference's order.
    auto rows = [&](index_t o0, index_t o1) {
      for (index_t o = o0; o < o1; o++) {
        const float* s = x + o * r;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        index_t i = 0;
        for (; i + 3 < r; i += 4) {
          s0 += s[i];
          s1 += s[i + 1];
          s2 += s[i + 2];
          s3 += s[i + 3];
        }
        for (; i < r; i++) s0 += s[i];
        out[o] = static_cast<float>(((s0 + s1) + (s2 + s3)) / divisor);
      }
    };
    const index_t perTask = std::max<index_t>(1, GRAIN / std::max<index_t>(1, r));
    if (outer * r <= 2 * GRAIN) {
      rows(0, outer);
    } else {
      parallelFor((outer + perTask - 1) / perTask, [&](index_t t) { rows(t * perTask, std::min(outer, (t + 1) * perTask)); });
    }
    return;
  }
  // Column sums in double, rows in order; tasks split the outer rows, or the columns when there
  // is a single outer row (a bias gradient: [N*H*W, C] summed over its first axis).
  auto cols = [&](index_t o, index_t j0, index_t j1) {
    std::vector<double> acc(static_cast<std::size_t>(j1 - j0), 0.0);
    const float* base = x + o * r * inner;
    for (index_t k = 0; k < r; k++) {
      const float* row = base + k * inner + j0;
      for (index_t j = 0; j < j1 - j0; j++) acc[static_cast<std::size_t>(j)] += row[j];
    }
    for (index_t j = j0; j < j1; j++) out[o * inner + j] = static_cast<float>(acc[static_cast<std::size_t>(j - j0)] / divisor);
  };
  if (outer * r * inner <= 2 * GRAIN) {
    for (index_t o = 0; o < outer; o++) cols(o, 0, inner);
  } else if (outer >= numThreads()) {
    parallelFor(outer, [&](index_t o) { cols(o, 0, inner); });
  } else {
    const index_t width = std::max<index_t>(16, (inner + 4 * numThreads() - 1) / (4 * numThreads()));
    const index_t chunks = (inner + width - 1) / width;
    parallelFor(outer * chunks, [&](index_t t) {
      const index_t o = t / chunks, c = t % chunks;
      cols(o, c * width, std::min(inner, (c + 1) * width));
    });
  }
}

}  // namespace lamina
