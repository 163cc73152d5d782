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

// Each variant is its own loop over restrict pointers with no branch inside, so that it
// vectorizes (sqrtps and divps are as exactly rounded as their scalar forms).

namespace {

void sgd(const float* __restrict w, const float* __restrict g, float* __restrict wOut, float lr, index_t i0, index_t i1) {
  for (index_t i = i0; i < i1; i++) wOut[i] = w[i] - g[i] * lr;
}

void momentum(const float* __restrict w, const float* __restrict g, const float* __restrict v, float* __restrict wOut,
              float* __restrict vOut, float lr, float mom, bool nesterov, index_t i0, index_t i1) {
  if (nesterov) {
    for (index_t i = i0; i < i1; i++) {
      const float gl = g[i] * lr;
      const float vn = v[i] * mom - gl;
      vOut[i] = vn;
      wOut[i] = w[i] + (vn * mom - gl);
    }
  } else {
    for (index_t i = i0; i < i1; i++) {
      const float vn = v[i] * mom - g[i] * lr;
      vOut[i] = vn;
      wOut[i] = w[i] + vn;
    }
  }
}

void adam(const float* __restrict w, const float* __restrict g, const float* __restrict m, const float* __restrict v,
          float* __restrict wOut, float* __restrict mOut, float* __restrict vOut, const OptimizerParams& p, index_t i0,
          index_t i1) {
  const float alpha = p.alpha, c1 = p.oneMinusBeta1, c2 = p.oneMinusBeta2, eps = p.epsilon;
  for (index_t i = i0; i < i1; i++) {
    const float gi = g[i];
    const float mn = m[i] + (gi - m[i]) * c1;
    const float vn = v[i] + (gi * gi - v[i]) * c2;
    mOut[i] = mn;
    vOut[i] = vn;
    wOut[i] = w[i] - (mn * alpha) / (std::sqrt(vn) + eps);
  }
}

void adamAmsgrad(const float* w, const float* g, const float* m, const float* v, const float* vh, float* wOut, float* mOut,
                 float* vOut, float* vhOut, const OptimizerParams& p, index_t i0, index_t i1) {
  const float alpha = p.alpha, c1 = p.oneMinusBeta1, c2 = p.oneMinusBeta2, eps = p.epsilon;
  for (index_t i = i0; i < i1; i++) {
    const float gi = g[i];
    const float mn = m[i] + (gi - m[i]) * c1;
    const float vn = v[i] + (gi * gi - v[i]) * c2;
    mOut[i] = mn;
    vOut[i] = vn;
    const float h = vh[i];
    const float vmax = (h > vn || std::isnan(h)) ? h : vn;  // tf.maximum: the first operand on ties and NaN
    vhOut[i] = vmax;
    wOut[i] = w[i] - (mn * alpha) / (std::sqrt(vmax) + eps);
  }
}

void rmsprop(const float* __restrict w, const float* __restrict g, const float* __restrict v, float* __restrict wOut,
             float* __restrict vOut, const OptimizerParams& p, index_t i0, index_t i1) {
  const float lr = p.lr, rho = p.rho, omr = p.oneMinusRho, eps = p.epsilon;
  for (index_t i = i0; i < i1; i++) {
    const float gi = g[i];
    const float vn = rho * v[i] + omr * (gi * gi);
    vOut[i] = vn;
    wOut[i] = w[i] - (lr * gi) / std::sqrt(vn + eps);
  }
}

/** RMSprop with momentum and/or centering (m, a null when unused): the rarer variants, scalar. */
void rmspropGeneral(const float* w, const float* g, const float* v, const float* m, const float* a, float* wOut, float* vOut,
                    float* mOut, float* aOut, const OptimizerParams& p, index_t i0, index_t i1) {
  const float lr = p.lr, rho = p.rho, omr = p.oneMinusRho, eps = p.epsilon, mom = p.momentum;
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
}

}  // namespace

void optimizerUpdateF32(const OptimizerParams& p, const float* w, const float* g, const float* const* slots, float* wOut,
                        float* const* slotsOut, index_t n) {
  forChunks(n, [&](index_t i0, index_t i1) {
    switch (p.kind) {
      case OptimizerKind::Sgd:
        sgd(w, g, wOut, p.lr, i0, i1);
        return;
      case OptimizerKind::Momentum:
        momentum(w, g, slots[0], wOut, slotsOut[0], p.lr, p.momentum, p.nesterov, i0, i1);
        return;
      case OptimizerKind::Adam:
        if (slots[2] != nullptr) {
          adamAmsgrad(w, g, slots[0], slots[1], slots[2], wOut, slotsOut[0], slotsOut[1], slotsOut[2], p, i0, i1);
        } else {
          adam(w, g, slots[0], slots[1], wOut, slotsOut[0], slotsOut[1], p, i0, i1);
        }
        return;
      case OptimizerKind::Rmsprop:
        if (slots[1] == nullptr && slots[2] == nullptr) {
          rmsprop(w, g, slots[0], wOut, slotsOut[0], p, i0, i1);
        } else {
          rmspropGeneral(w, g, slots[0], slots[1], slots[2], wOut, slotsOut[0], slotsOut[1], slotsOut[2], p, i0, i1);
        }
        return;
    }
  });
}

}  // namespace lamina
