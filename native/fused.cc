// Fused float32 kernels for the layers' hot paths, the twins of src/backend/js/fused.ts: bias +
// activation and its backward pass, batch normalization (training forward and backward, inference
// affine map). Tensors are viewed as [rows, channels]. Sums over rows are taken in double over 16
// fixed groups of rows and the groups added in order, so results do not depend on the thread
// count; per-element arithmetic follows the JS reference operation for operation (double where it
// computes in double), so the two backends agree to the last bit or two.
#include <algorithm>
#include <cmath>
#include <vector>

#include "common.h"

namespace lamina {
namespace {

constexpr index_t SUM_GROUPS = 16;
/** Elements per task of the purely elementwise passes. */
constexpr index_t GRAIN = index_t(1) << 15;

/** Runs f(r0, r1) over row ranges of about GRAIN elements across the pool. */
template <typename F>
void forRows(index_t rows, index_t channels, F&& f) {
  const index_t per = std::max<index_t>(1, GRAIN / std::max<index_t>(1, channels));
  const index_t tasks = (rows + per - 1) / per;
  if (tasks <= 1) {
    f(index_t(0), rows);
    return;
  }
  parallelFor(tasks, [&](index_t t) { f(t * per, std::min(rows, (t + 1) * per)); });
}

/**
 * Column sums over rows in SUM_GROUPS fixed groups: rowFn(r0, r1, acc) adds rows [r0, r1) into
 * acc (width channels * width), then the groups are added in order into out.
 */
template <typename F>
void groupedColumnSums(index_t rows, index_t width, double* out, F&& rowFn) {
  const index_t groups = std::max<index_t>(1, std::min(SUM_GROUPS, rows));
  const index_t per = (rows + groups - 1) / groups;
  std::vector<double> partial(static_cast<std::size_t>(groups * width), 0.0);
  parallelFor(groups, [&](index_t grp) {
    const index_t r0 = grp * per, r1 = std::min(rows, r0 + per);
    if (r0 < r1) rowFn(r0, r1, partial.data() + grp * width);
  });
  std::fill(out, out + width, 0.0);
  for (index_t grp = 0; grp < groups; grp++) {
    const double* p = partial.data() + grp * width;
    for (index_t j = 0; j < width; j++) out[j] += p[j];
  }
}

/**
 * dz = y <= 0 ? 0 : dy over n elements: a NaN y passes dy on, as torch's threshold_backward does.
 * Written as a select on restrict pointers so that it vectorizes: with possibly aliasing arrays the compiler keeps a scalar loop whose branch
 * mispredicts on every other element (7 ns per element instead of a fraction of one).
 * dz may be dy itself (each element is read before it is written).
 */
LAMINA_SIMD_CLONES
void reluGradRange(const float* dy, const float* y, float* dz, index_t n) {
  if (dz == dy) {
    float* __restrict d = dz;
    const float* __restrict yy = y;
    for (index_t i = 0; i < n; i++) d[i] = yy[i] <= 0.0f ? 0.0f : d[i];
    return;
  }
  const float* __restrict g = dy;
  const float* __restrict yy = y;
  float* __restrict d = dz;
  for (index_t i = 0; i < n; i++) {
    const float v = g[i];  // loaded unconditionally, or the select is not if-converted
    d[i] = yy[i] <= 0.0f ? 0.0f : v;
  }
}

/*
 * acc[c] += rows [0, rows) of x [rows, C] column by column, in double. Each column's sum keeps its
 * order whatever the vector width, so every clone gives the same sums.
 */
LAMINA_SIMD_CLONES
void addColumnSums(const float* __restrict x, index_t rows, index_t C, double* __restrict acc) {
  for (index_t r = 0; r < rows; r++) {
    const float* __restrict row = x + r * C;
    for (index_t c = 0; c < C; c++) acc[c] += static_cast<double>(row[c]);
  }
}

/*
 * Batch normalization's row loops, each its own function built for AVX-512, AVX2 and the baseline
 * (the same double operations per element in the same order per column at every width, under
 * -ffp-contract=off, so every clone gives the same bits). As lambdas over std::vector data the
 * compiler kept them scalar (the accumulators might alias the statistics): three passes over a
 * [256*14*14, 64] activation took 6.5 ms on the 2-core Intel Xeon.
 */
LAMINA_SIMD_CLONES
void addSquaredDeviations(const float* __restrict x, index_t rows, index_t C, const double* __restrict mean, double* __restrict acc) {
  for (index_t r = 0; r < rows; r++) {
    const float* __restrict row = x + r * C;
    for (index_t c = 0; c < C; c++) {
      const double d = static_cast<double>(row[c]) - mean[c];
      acc[c] += d * d;
    }
  }
}

/** out = x * scale + shift per column, in double, rounded once; x and out may be the same array. */
LAMINA_SIMD_CLONES
void affineRows(const float* x, index_t rows, index_t C, const double* __restrict scale, const double* __restrict shift, float* out) {
  for (index_t r = 0; r < rows; r++) {
    const float* xr = x + r * C;
    float* o = out + r * C;
    for (index_t c = 0; c < C; c++) o[c] = static_cast<float>(static_cast<double>(xr[c]) * scale[c] + shift[c]);
  }
}

/** sDy[c] += dy, sDyXhat[c] += dy * (x - mean[c]) * invStd[c], per column in row order. */
LAMINA_SIMD_CLONES
void addBatchNormGradSums(const float* __restrict x, const float* __restrict dy, index_t rows, index_t C, const double* __restrict mean,
                          const double* __restrict invStd, double* __restrict sDy, double* __restrict sDyXhat) {
  for (index_t r = 0; r < rows; r++) {
    const float* __restrict xr = x + r * C;
    const float* __restrict gr = dy + r * C;
    for (index_t c = 0; c < C; c++) {
      const double g = gr[c];
      sDy[c] += g;
      sDyXhat[c] += g * ((static_cast<double>(xr[c]) - mean[c]) * invStd[c]);
    }
  }
}

/** dx = k (dy - xhat a) - b per column, xhat = (x - mean) invStd; dx may be dy itself. */
LAMINA_SIMD_CLONES
void batchNormGradRows(const float* x, const float* dy, index_t rows, index_t C, const double* __restrict mean, const double* __restrict invStd,
                       const double* __restrict k, const double* __restrict a, const double* __restrict b, float* dx) {
  for (index_t r = 0; r < rows; r++) {
    const float* xr = x + r * C;
    const float* gr = dy + r * C;
    float* o = dx + r * C;
    for (index_t c = 0; c < C; c++) {
      const double xhat = (static_cast<double>(xr[c]) - mean[c]) * invStd[c];
      o[c] = static_cast<float>(k[c] * (static_cast<double>(gr[c]) - xhat * a[c]) - b[c]);
    }
  }
}

}  // namespace

void biasActivationF32(float* y, index_t rows, index_t channels, const float* bias, Activation act) {
  if (bias == nullptr && act == Activation::Linear) return;
  forRows(rows, channels, [&](index_t r0, index_t r1) {
    for (index_t r = r0; r < r1; r++) applyEpilogueRow(y + r * channels, channels, bias, act);
  });
}

void biasActivationGradF32(const float* dy, const float* y, index_t rows, index_t channels, Activation act, float* dz,
                           float* dbias) {
  const index_t C = channels;
  // Rows [r0, r1) of dz from dy (dz may be dy itself when act is linear).
  auto dzRows = [&](index_t r0, index_t r1) {
    if (act == Activation::Relu) {
      reluGradRange(dy + r0 * C, y + r0 * C, dz + r0 * C, (r1 - r0) * C);
    } else if (dz != dy) {
      std::copy(dy + r0 * C, dy + r1 * C, dz + r0 * C);
    }
  };
  if (dbias == nullptr) {
    forRows(rows, C, dzRows);
    return;
  }
  // One pass: each group of rows makes its part of dz, then adds those rows (still in cache) into
  // its column sums, in the groups and order groupedColumnSums always uses (the same sums).
  constexpr index_t CHUNK = 64;
  std::vector<double> total(static_cast<std::size_t>(C));
  groupedColumnSums(rows, C, total.data(), [&](index_t r0, index_t r1, double* acc) {
    for (index_t c0 = r0; c0 < r1; c0 += CHUNK) {
      const index_t c1 = std::min(r1, c0 + CHUNK);
      dzRows(c0, c1);
      addColumnSums(dz + c0 * C, c1 - c0, C, acc);
    }
  });
  for (index_t c = 0; c < C; c++) dbias[c] = static_cast<float>(total[static_cast<std::size_t>(c)]);
}

void channelAffineF32(const float* x, index_t rows, index_t channels, const double* scale, const double* shift, float* out) {
  const index_t C = channels;
  forRows(rows, C, [&](index_t r0, index_t r1) { affineRows(x + r0 * C, r1 - r0, C, scale, shift, out + r0 * C); });
}

void signedPowerF32(const float* x, index_t rows, index_t channels, const float* p, double eps, float* out) {
  const index_t C = channels;
  forRows(rows, C, [&](index_t r0, index_t r1) {
    for (index_t r = r0; r < r1; r++) {
      const float* xr = x + r * C;
      float* o = out + r * C;
      for (index_t c = 0; c < C; c++) {
        const double v = xr[c];
        const double m = std::exp(static_cast<double>(p[c]) * std::log(std::fabs(v) + eps));
        o[c] = static_cast<float>(v > 0 ? m : v < 0 ? -m : v * m);
      }
    }
  });
}

void signedPowerGradF32(const float* x, const float* y, const float* dy, index_t rows, index_t channels, const float* p, double eps,
                        float* dx, float* dp) {
  const index_t C = channels;
  auto rowsOf = [&](index_t r0, index_t r1, double* acc) {
    for (index_t r = r0; r < r1; r++) {
      const index_t o = r * C;
      for (index_t c = 0; c < C; c++) {
        const double a = std::fabs(static_cast<double>(x[o + c])) + eps, g = dy[o + c], v = y[o + c];
        dx[o + c] = static_cast<float>((g * static_cast<double>(p[c]) * std::fabs(v)) / a);
        if (acc != nullptr) acc[c] += g * v * std::log(a);
      }
    }
  };
  if (dp == nullptr) {
    forRows(rows, C, [&](index_t r0, index_t r1) { rowsOf(r0, r1, nullptr); });
    return;
  }
  std::vector<double> total(static_cast<std::size_t>(C));
  groupedColumnSums(rows, C, total.data(), rowsOf);
  for (index_t c = 0; c < C; c++) dp[c] = static_cast<float>(total[static_cast<std::size_t>(c)]);
}

void batchNormTrainingF32(const float* x, index_t rows, index_t channels, const float* gamma, const float* beta, double epsilon,
                          float* y, float* mean, float* variance, double* saved) {
  const index_t C = channels;
  std::vector<double> m(static_cast<std::size_t>(C)), v(static_cast<std::size_t>(C));
  groupedColumnSums(rows, C, m.data(), [&](index_t r0, index_t r1, double* acc) { addColumnSums(x + r0 * C, r1 - r0, C, acc); });
  for (index_t c = 0; c < C; c++) m[c] = rows > 0 ? m[c] / static_cast<double>(rows) : 0.0;
  groupedColumnSums(rows, C, v.data(), [&](index_t r0, index_t r1, double* acc) {
    addSquaredDeviations(x + r0 * C, r1 - r0, C, m.data(), acc);
  });
  std::vector<double> scale(static_cast<std::size_t>(C)), shift(static_cast<std::size_t>(C));
  for (index_t c = 0; c < C; c++) {
    v[c] = rows > 0 ? v[c] / static_cast<double>(rows) : 0.0;
    const double invStd = 1.0 / std::sqrt(v[c] + epsilon);
    scale[c] = gamma == nullptr ? invStd : static_cast<double>(gamma[c]) * invStd;
    shift[c] = (beta == nullptr ? 0.0 : static_cast<double>(beta[c])) - m[c] * scale[c];
    mean[c] = static_cast<float>(m[c]);
    variance[c] = static_cast<float>(v[c]);
    saved[c] = m[c];
    saved[C + c] = invStd;
  }
  channelAffineF32(x, rows, C, scale.data(), shift.data(), y);
}

void batchNormTrainingGradF32(const float* x, const float* dy, index_t rows, index_t channels, const float* gamma,
                              const double* saved, float* dx, float* dgamma, float* dbeta) {
  const index_t C = channels;
  const double* mean = saved;
  const double* invStd = saved + C;
  // One pass for both sums: [sum dy | sum dy * xhat] side by side.
  std::vector<double> sums(static_cast<std::size_t>(2 * C));
  groupedColumnSums(rows, 2 * C, sums.data(), [&](index_t r0, index_t r1, double* acc) {
    addBatchNormGradSums(x + r0 * C, dy + r0 * C, r1 - r0, C, mean, invStd, acc, acc + C);
  });
  std::vector<double> k(static_cast<std::size_t>(C)), a(static_cast<std::size_t>(C)), b(static_cast<std::size_t>(C));
  const double n = static_cast<double>(rows);
  for (index_t c = 0; c < C; c++) {
    k[c] = (gamma == nullptr ? 1.0 : static_cast<double>(gamma[c])) * invStd[c];
    a[c] = rows > 0 ? sums[C + c] / n : 0.0;
    b[c] = k[c] * (rows > 0 ? sums[c] / n : 0.0);
    if (dgamma != nullptr) dgamma[c] = static_cast<float>(sums[C + c]);
    if (dbeta != nullptr) dbeta[c] = static_cast<float>(sums[c]);
  }
  forRows(rows, C, [&](index_t r0, index_t r1) {
    batchNormGradRows(x + r0 * C, dy + r0 * C, r1 - r0, C, mean, invStd, k.data(), a.data(), b.data(), dx + r0 * C);
  });
}

// Each value rounded to float where the composite ops store it; the activations in double, as
// elementwise.cc's sigmoid and tanh compute them.
void lstmCellF32(const float* xp, const float* hr, const float* cPrev, index_t rows, index_t units, float* h, float* c) {
  const index_t u = units;
  auto sigmoid = [](double v) { return v >= 0 ? 1.0 / (1.0 + std::exp(-v)) : std::exp(v) / (1.0 + std::exp(v)); };
  auto sum = [](float a, float b) { return static_cast<double>(static_cast<float>(static_cast<double>(a) + static_cast<double>(b))); };
  auto f = [](double v) { return static_cast<double>(static_cast<float>(v)); };
  forRows(rows, 4 * u, [&](index_t r0, index_t r1) {
    for (index_t b = r0; b < r1; b++) {
      const float* x = xp + b * 4 * u;
      const float* y = hr + b * 4 * u;
      const float* cp = cPrev + b * u;
      float* hb = h + b * u;
      float* cb = c + b * u;
      for (index_t j = 0; j < u; j++) {
        const double gi = f(sigmoid(sum(x[j], y[j])));
        const double gf = f(sigmoid(sum(x[u + j], y[u + j])));
        const double gc = f(std::tanh(sum(x[2 * u + j], y[2 * u + j])));
        const double go = f(sigmoid(sum(x[3 * u + j], y[3 * u + j])));
        const float cv = static_cast<float>(f(gf * static_cast<double>(cp[j])) + f(gi * gc));
        cb[j] = cv;
        hb[j] = static_cast<float>(go * f(std::tanh(static_cast<double>(cv))));
      }
    }
  });
}

// As lstmCellF32: each value rounded to float where the composite GRU ops store it.
void gruCellF32(const float* xp, const float* hr, const float* hh, const float* hPrev, index_t rows, index_t units, float* h) {
  const index_t u = units;
  const index_t stride = hh == nullptr ? 3 * u : 2 * u;
  auto sigmoid = [](double v) { return v >= 0 ? 1.0 / (1.0 + std::exp(-v)) : std::exp(v) / (1.0 + std::exp(v)); };
  auto f = [](double v) { return static_cast<double>(static_cast<float>(v)); };
  auto sum = [&](float a, float b) { return f(static_cast<double>(a) + static_cast<double>(b)); };
  forRows(rows, 3 * u, [&](index_t r0, index_t r1) {
    for (index_t b = r0; b < r1; b++) {
      const float* x = xp + b * 3 * u;
      const float* y = hr + b * stride;
      const float* hp = hPrev + b * u;
      float* hb = h + b * u;
      for (index_t j = 0; j < u; j++) {
        const double z = f(sigmoid(sum(x[j], y[j])));
        const double rec = hh == nullptr ? f(f(sigmoid(sum(x[u + j], y[u + j]))) * static_cast<double>(y[2 * u + j])) : static_cast<double>(hh[b * u + j]);
        const double cand = f(std::tanh(f(static_cast<double>(x[2 * u + j]) + rec)));
        hb[j] = static_cast<float>(f(z * static_cast<double>(hp[j])) + f(f(1.0 - z) * cand));
      }
    }
  });
}

void gruResetGateF32(const float* xp, const float* hr, const float* hPrev, index_t rows, index_t units, float* rh) {
  const index_t u = units;
  auto sigmoid = [](double v) { return v >= 0 ? 1.0 / (1.0 + std::exp(-v)) : std::exp(v) / (1.0 + std::exp(v)); };
  forRows(rows, 3 * u, [&](index_t r0, index_t r1) {
    for (index_t b = r0; b < r1; b++) {
      for (index_t j = 0; j < u; j++) {
        const float x = xp[b * 3 * u + u + j], y = hr[b * 2 * u + u + j];
        const double r = static_cast<float>(sigmoid(static_cast<float>(static_cast<double>(x) + static_cast<double>(y))));
        rh[b * u + j] = static_cast<float>(r * static_cast<double>(hPrev[b * u + j]));
      }
    }
  });
}

}  // namespace lamina
