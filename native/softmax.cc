// Softmax and log-softmax over the last axis, and the softmax gradient: rows split across the
// pool, each row in SIMD registers when the CPU has AVX2 or AVX-512 (softmax_simd.h).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "common.h"

namespace lamina {
namespace {

constexpr index_t GRAIN = index_t(1) << 14;

/** The row kernel of the active GEMM kernel's instruction set (LAMINA_SIMD may ask for less); null for the scalar one. */
SoftmaxRowFn softmaxRowKernel() {
  static const SoftmaxRowFn k = [] {
    const char* name = activeKernel().name;
    if (std::strcmp(name, "avx512") == 0) return avx512SoftmaxRow();
    if (std::strcmp(name, "avx2") == 0) return avx2SoftmaxRow();
    return static_cast<SoftmaxRowFn>(nullptr);
  }();
  return k;
}

/** f(r0, r1) over row ranges of about GRAIN elements, across the pool when there are several. */
template <typename F>
void forRowRanges(index_t rows, index_t cols, F&& f) {
  const index_t perTask = std::max<index_t>(1, GRAIN / std::max<index_t>(1, cols));
  if (rows * cols <= 2 * GRAIN) {
    f(index_t(0), rows);
  } else {
    parallelFor((rows + perTask - 1) / perTask, [&](index_t t) { f(t * perTask, std::min(rows, (t + 1) * perTask)); });
  }
}

}  // namespace

void softmaxRowScalar(const float* x, float* o, index_t n, bool log, double* e) {
  double max = -INFINITY;
  for (index_t j = 0; j < n; j++) {
    const double v = x[j];
    if (v > max || std::isnan(v)) max = v;
  }
  double sum = 0;
  if (log) {
    for (index_t j = 0; j < n; j++) sum += std::exp(x[j] - max);
    const double logSum = std::log(sum);
    for (index_t j = 0; j < n; j++) o[j] = static_cast<float>((x[j] - max) - logSum);
  } else {
    for (index_t j = 0; j < n; j++) {
      const double v = std::exp(x[j] - max);
      e[j] = v;
      sum += v;
    }
    for (index_t j = 0; j < n; j++) o[j] = static_cast<float>(e[j] / sum);
  }
}

void softmaxRowsF32(const float* x, float* out, index_t rows, index_t cols, bool log) {
  if (cols <= 0) return;
  const SoftmaxRowFn simd = softmaxRowKernel();
  forRowRanges(rows, cols, [&](index_t r0, index_t r1) {
    std::vector<double> e(static_cast<std::size_t>(cols));
    for (index_t r = r0; r < r1; r++) {
      if (simd != nullptr) simd(x + r * cols, out + r * cols, cols, log, e.data());
      else softmaxRowScalar(x + r * cols, out + r * cols, cols, log, e.data());
    }
  });
}

void softmaxGradF32(const float* y, const float* dy, float* dx, index_t rows, index_t cols) {
  if (cols <= 0) return;
  forRowRanges(rows, cols, [&](index_t r0, index_t r1) {
    for (index_t r = r0; r < r1; r++) {
      const float* yr = y + r * cols;
      const float* g = dy + r * cols;
      float* o = dx + r * cols;
      // reduceSumF32's order: four partial sums in double, (s0 + s1) + (s2 + s3), of the float products.
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      index_t j = 0;
      for (; j + 3 < cols; j += 4) {
        s0 += static_cast<double>(g[j] * yr[j]);
        s1 += static_cast<double>(g[j + 1] * yr[j + 1]);
        s2 += static_cast<double>(g[j + 2] * yr[j + 2]);
        s3 += static_cast<double>(g[j + 3] * yr[j + 3]);
      }
      for (; j < cols; j++) s0 += static_cast<double>(g[j] * yr[j]);
      const float s = static_cast<float>((s0 + s1) + (s2 + s3));
      for (j = 0; j < cols; j++) o[j] = yr[j] * (g[j] - s);
    }
  });
}

}  // namespace lamina
