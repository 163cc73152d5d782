// Fused optimizer updates on float32 variables, the twins of src/backend/js/optimizer.ts. Each
// operation is one float32 operation (correctly rounded, as the JS reference's double result
// rounded to float32 is) and the translation unit is built with -ffp-contract=off, so no multiply
// and add are merged: results are bit-identical to the composite Keras formulas.
#include <algorithm>
#include <cmath>

#include "common.h"

namespace lamina {
namespace {

constexpr index_t GRAIN = index_t(1) << 15;

template <typename F>
void forChunks(index_t n, F&& f) {
  const index_t tasks = (n + GRAIN - 1) / GRAIN;
  if (tasks <= 1) {
    f(index_t(0), n);
    return;
  }
  parallelFor(tasks, [&](index_t t) { f(t * GRAIN, std::min(n, (t + 1) * GRAIN)); });
}

}  // namespace

void optimizerUpdateF32(const OptimizerParams& p, const float* w, const float* g, const float* const* slots, float* wOut,
                        float* const* slotsOut, index_t n) {
  switch (p.kind) {
    case OptimizerKind::Sgd: {
      const float lr = p.lr;
      forChunks(n, [&](index_t i0, index_t i1) {
        for (index_t i = i0; i < i1; i++) wOut[i] = w[i] - g[i] * lr;
      });
      return;
    }
    case OptimizerKind::Momentum: {
      const float lr = p.lr, mom = p.momentum;
      const float* v = slots[0];
      float* vOut = slotsOut[0];
      forChunks(n, [&](index_t i0, index_t i1) {
        for (index_t i = i0; i < i1; i++) {
          const float gl = g[i] * lr;
          const float vn = v[i] * mom - gl;
          vOut[i] = vn;
          wOut[i] = p.nesterov ? w[i] + (vn * mom - gl) : w[i] + vn;
        }
      });
      return;
    }
    case OptimizerKind::Adam: {
      const float alpha = p.alpha, c1 = p.oneMinusBeta1, c2 = p.oneMinusBeta2, eps = p.epsilon;
      const float* m = slots[0];
      const float* v = slots[1];
      const float* vh = slots[2];
      float* mOut = slotsOut[0];
      float* vOut = slotsOut[1];
      float* vhOut = slotsOut[2];
      forChunks(n, [&](index_t i0, index_t i1) {
        for (index_t i = i0; i < i1; i++) {
          const float gi = g[i];
          const float mn = m[i] + (gi - m[i]) * c1;
          float vn = v[i] + (gi * gi - v[i]) * c2;
          mOut[i] = mn;
          vOut[i] = vn;
          if (vh != nullptr) {
            const float h = vh[i];
            vn = (h > vn || std::isnan(h)) ? h : vn;  // tf.maximum: the first operand on ties and NaN
            vhOut[i] = vn;
          }
          wOut[i] = w[i] - (mn * alpha) / (std::sqrt(vn) + eps);
        }
      });
      return;
    }
    case OptimizerKind::Rmsprop: {
      const float lr = p.lr, rho = p.rho, omr = p.oneMinusRho, eps = p.epsilon, mom = p.momentum;
      const float* v = slots[0];
      const float* m = slots[1];
      const float* a = slots[2];
      float* vOut = slotsOut[0];
      float* mOut = slotsOut[1];
      float* aOut = slotsOut[2];
      forChunks(n, [&](index_t i0, index_t i1) {
        for (index_t i = i0; i < i1; i++) {
          const float gi = g[i];
          const float vn = rho * v[i] + omr * (gi * gi);
          vOut[i] = vn;
          float den;
          if (a != nullptr) {
            const float an = rho * a[i] + omr * gi;
            aOut[i] = an;
            den = (vn - an * an) + eps;
          } else {
            den = vn + eps;
          }
          const float inc = (lr * gi) / std::sqrt(den);
          if (m != nullptr) {
            const float mn = mom * m[i] + inc;
            mOut[i] = mn;
            wOut[i] = w[i] - mn;
          } else {
            wOut[i] = w[i] - inc;
          }
        }
      });
      return;
    }
  }
}

}  // namespace lamina
