// tf.image.transform's kernels on float32 images (NHWC): each output pixel samples the input at the
// point its projective transform gives, by nearest or bilinear interpolation, reading positions
// outside the image through a fill mode. The arithmetic (coordinates and sums in double, one
// rounding to float at the end, the samples in the same order) is the JS kernel's
// (src/backend/js/image.ts), so both backends give the same bits. Output rows run on the pool;
// the gradient scatters, so it runs one image per task (images never share pixels).
#include <cmath>
#include <vector>

#include "common.h"

namespace lamina {
namespace {

/** The input index integer position i reads along an axis of n pixels, or -1 outside in "constant" mode. */
index_t mapIndex(double i, index_t n, TransformFill mode) {
  if (i >= 0 && i < static_cast<double>(n)) return static_cast<index_t>(i);
  const double dn = static_cast<double>(n);
  switch (mode) {
    case TransformFill::Constant:
      return -1;
    case TransformFill::Nearest:
      return i < 0 ? 0 : n - 1;
    case TransformFill::Wrap: {
      double m = std::fmod(i, dn);
      if (m < 0) m += dn;
      return static_cast<index_t>(m);
    }
    case TransformFill::Reflect: {
      const double p = 2 * dn;
      double m = std::fmod(i, p);
      if (m < 0) m += p;
      return static_cast<index_t>(m < dn ? m : p - 1 - m);
    }
  }
  return -1;
}

/**
 * Calls visit(k, w) for each input pixel k (offset of its first channel within the image) that
 * output pixel (x, y) of transform t reads, with its weight, and fill(w) for the share read from
 * outside in "constant" mode (or everything when the projection is 0 or not finite): in the JS
 * kernel's order.
 */
template <typename Visit, typename Fill>
inline void forSample(const double* t, index_t x, index_t y, const ImageTransformGeom& g, Visit visit, Fill fill) {
  const double dx = static_cast<double>(x), dy = static_cast<double>(y);
  const double k = t[6] * dx + t[7] * dy + 1;
  const double sx = (t[0] * dx + t[1] * dy + t[2]) / k, sy = (t[3] * dx + t[4] * dy + t[5]) / k;
  if (k == 0 || !std::isfinite(sx) || !std::isfinite(sy)) {
    fill(1.0);
    return;
  }
  double xs[2], ys[2], wx[2], wy[2];
  int nx, ny;
  if (!g.bilinear) {
    xs[0] = std::floor(sx + 0.5);
    ys[0] = std::floor(sy + 0.5);
    wx[0] = 1;
    wy[0] = 1;
    nx = ny = 1;
  } else {
    const double fx = std::floor(sx), fy = std::floor(sy);
    xs[0] = fx;
    xs[1] = fx + 1;
    wx[1] = sx - fx;
    wx[0] = 1 - wx[1];
    ys[0] = fy;
    ys[1] = fy + 1;
    wy[1] = sy - fy;
    wy[0] = 1 - wy[1];
    nx = wx[1] == 0 ? 1 : 2;
    ny = wy[1] == 0 ? 1 : 2;
  }
  for (int j = 0; j < ny; j++) {
    const index_t iy = mapIndex(ys[j], g.inH, g.fill);
    for (int i = 0; i < nx; i++) {
      const double w = wy[j] * wx[i];
      const index_t ix = mapIndex(xs[i], g.inW, g.fill);
      if (iy < 0 || ix < 0) {
        fill(w);
      } else {
        visit((iy * g.inW + ix) * g.channels, w);
      }
    }
  }
}

}  // namespace

void imageTransform(const float* x, const double* transforms, float* out, const ImageTransformGeom& g) {
  const index_t C = g.channels;
  parallelFor(g.batch * g.outH, [&](index_t row) {
    const index_t b = row / g.outH, y = row % g.outH;
    const double* t = transforms + (g.perImage ? b * 8 : 0);
    const float* image = x + b * g.inH * g.inW * C;
    std::vector<double> acc(static_cast<std::size_t>(C));
    for (index_t xo = 0; xo < g.outW; xo++) {
      std::fill(acc.begin(), acc.end(), 0.0);
      forSample(
          t, xo, y, g,
          [&](index_t k, double w) {
            for (index_t c = 0; c < C; c++) acc[c] += w * static_cast<double>(image[k + c]);
          },
          [&](double w) {
            for (index_t c = 0; c < C; c++) acc[c] += w * g.fillValue;
          });
      float* o = out + (row * g.outW + xo) * C;
      for (index_t c = 0; c < C; c++) o[c] = static_cast<float>(acc[c]);
    }
  });
}

void imageTransformGrad(const float* dy, const double* transforms, float* dx, const ImageTransformGeom& g) {
  const index_t C = g.channels, imageSize = g.inH * g.inW * C;
  parallelFor(g.batch, [&](index_t b) {
    const double* t = transforms + (g.perImage ? b * 8 : 0);
    std::vector<double> acc(static_cast<std::size_t>(imageSize), 0.0);
    for (index_t y = 0; y < g.outH; y++) {
      for (index_t xo = 0; xo < g.outW; xo++) {
        const float* d = dy + ((b * g.outH + y) * g.outW + xo) * C;
        forSample(
            t, xo, y, g,
            [&](index_t k, double w) {
              for (index_t c = 0; c < C; c++) acc[static_cast<std::size_t>(k + c)] += w * static_cast<double>(d[c]);
            },
            [](double) {});
      }
    }
    float* o = dx + b * imageSize;
    for (index_t i = 0; i < imageSize; i++) o[i] = static_cast<float>(acc[static_cast<std::size_t>(i)]);
  });
}

}  // namespace lamina
