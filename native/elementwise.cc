// Elementwise float32 kernels: the hot activations, their gradients and the arithmetic binary ops
// with NumPy broadcasting. Every value is computed in double and rounded once to float32, as the
// JS reference does on Float32Arrays (src/backend/js/elementwise.ts), so +, -, *, /, sqrt and the
// comparisons give bit-identical results. Large arrays are split across the thread pool.
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

}  // namespace

bool unaryF32(UnaryKind op, const float* x, float* out, index_t n) {
  switch (op) {
    // NaN and -0 stay (torch.relu); the gradient passes where x is NaN (torch's threshold_backward).
    case UnaryKind::Relu: mapUnary(x, out, n, [](double v) { return v < 0 ? 0.0 : v; }); return true;
    case UnaryKind::Neg: mapUnary(x, out, n, [](double v) { return -v; }); return true;
    case UnaryKind::Abs: mapUnary(x, out, n, [](double v) { return std::fabs(v); }); return true;
    case UnaryKind::Square: mapUnary(x, out, n, [](double v) { return v * v; }); return true;
    case UnaryKind::Sqrt: mapUnary(x, out, n, [](double v) { return std::sqrt(v); }); return true;
    case UnaryKind::Rsqrt: mapUnary(x, out, n, [](double v) { return 1.0 / std::sqrt(v); }); return true;
    case UnaryKind::Exp: mapUnary(x, out, n, [](double v) { return std::exp(v); }); return true;
    case UnaryKind::Log: mapUnary(x, out, n, [](double v) { return std::log(v); }); return true;
    case UnaryKind::Reciprocal: mapUnary(x, out, n, [](double v) { return 1.0 / v; }); return true;
    case UnaryKind::Sigmoid: mapUnary(x, out, n, [](double v) { return sigmoid(v); }); return true;
    case UnaryKind::Tanh: mapUnary(x, out, n, [](double v) { return std::tanh(v); }); return true;
  }
  return false;
}

bool unaryGradF32(UnaryKind op, const float* x, const float* y, const float* dy, float* dx, index_t n) {
  switch (op) {
    case UnaryKind::Relu: mapGrad(x, y, dy, dx, n, [](double v, double, double g) { return v <= 0 ? 0.0 : g; }); return true;
    case UnaryKind::Neg: mapGrad(x, y, dy, dx, n, [](double, double, double g) { return -g; }); return true;
    case UnaryKind::Abs:
      mapGrad(x, y, dy, dx, n, [](double v, double, double g) { return v > 0 ? g : v < 0 ? -g : 0.0; });
      return true;
    case UnaryKind::Square: mapGrad(x, y, dy, dx, n, [](double v, double, double g) { return 2 * v * g; }); return true;
    case UnaryKind::Sqrt: mapGrad(x, y, dy, dx, n, [](double, double r, double g) { return g / (2 * r); }); return true;
    case UnaryKind::Rsqrt: mapGrad(x, y, dy, dx, n, [](double v, double r, double g) { return (-0.5 * g * r) / v; }); return true;
    case UnaryKind::Log: mapGrad(x, y, dy, dx, n, [](double v, double, double g) { return g / v; }); return true;
    case UnaryKind::Reciprocal: mapGrad(x, y, dy, dx, n, [](double, double r, double g) { return -g * r * r; }); return true;
    case UnaryKind::Exp: mapGrad(x, y, dy, dx, n, [](double, double r, double g) { return g * r; }); return true;
    case UnaryKind::Sigmoid: mapGrad(x, y, dy, dx, n, [](double, double r, double g) { return g * r * (1 - r); }); return true;
    case UnaryKind::Tanh: mapGrad(x, y, dy, dx, n, [](double, double r, double g) { return g * (1 - r * r); }); return true;
    default: return false;
  }
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

void softmaxRowsF32(const float* x, float* out, index_t rows, index_t cols, bool log) {
  if (cols <= 0) return;
  auto run = [&](index_t r0, index_t r1) {
    std::vector<double> e(log ? 0 : static_cast<std::size_t>(cols));
    for (index_t r = r0; r < r1; r++) {
      const float* xr = x + r * cols;
      float* o = out + r * cols;
      double max = -INFINITY;
      for (index_t j = 0; j < cols; j++) {
        const double v = xr[j];
        if (v > max || std::isnan(v)) max = v;
      }
      double sum = 0;
      if (log) {
        for (index_t j = 0; j < cols; j++) sum += std::exp(xr[j] - max);
        const double logSum = std::log(sum);
        for (index_t j = 0; j < cols; j++) o[j] = static_cast<float>((xr[j] - max) - logSum);
      } else {
        for (index_t j = 0; j < cols; j++) {
          const double v = std::exp(xr[j] - max);
          e[static_cast<std::size_t>(j)] = v;
          sum += v;
        }
        for (index_t j = 0; j < cols; j++) o[j] = static_cast<float>(e[static_cast<std::size_t>(j)] / sum);
      }
    }
  };
  const index_t perTask = std::max<index_t>(1, GRAIN / cols);
  if (rows * cols <= 2 * GRAIN) {
    run(0, rows);
  } else {
    parallelFor((rows + perTask - 1) / perTask, [&](index_t t) { run(t * perTask, std::min(rows, (t + 1) * perTask)); });
  }
}

}  // namespace lamina
