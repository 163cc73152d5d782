// Convolutions on small feature maps, tap by tap. With SAME padding on a 2x2 map each output pixel
// sees 4 of a 3x3 filter's 9 taps inside the image; im2col writes zeros for the other 5 and the
// GEMM multiplies them (2.25x the work needed). Here each tap (ky, kx) is a GEMM of its own over
// the pixels whose tap lies inside the image, with W[ky, kx] (a contiguous C x O block of the
// [kh, kw, C, O] filter) as the other operand:
//   forward          out[n, p] += x[n, tap's input pixel of p] @ W[ky, kx], per output pixel p;
//   input gradient   dx[n, q] += dy[n, tap's output pixel of q] @ W[ky, kx]^T, per input pixel q;
//   filter gradient  dW[ky, kx] = X_tap^T @ dY_tap over the output pixels inside for that tap.
// The forward and input gradient run one GEMM per (pixel, tap) over the batch's rows, read in place
// (a pixel's rows are H * W * C floats apart), against the filter blocks packed once per call.
//
// Sums: im2col's GEMM (gemm.cc) adds the depth blocks of 256 of its K = kh * kw * C into C in turn,
// each block summed from +0 by the micro-kernel. For C a multiple of that block (C = 256, 512),
// the blocks fall on tap boundaries; a block of zero columns then adds +0 to each sum, which
// changes nothing (no sum started from +0 is ever -0), and the taps here add the same blocks in the
// same order (forward: taps in filter order; input gradient: each tap's product finished, then
// added to dx in the order of the output pixels, as col2im adds them; filter gradient: the rows
// inside, in order, in one depth block as im2col's whole-B GEMM has them for up to 1024 rows), so
// the results are bit-identical to im2col's. Other channel counts split K elsewhere: the same sums
// in another grouping (rounding differences only).
#include "conv_tapwise.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <vector>

namespace lamina {
namespace {

/** LAMINA_TAPWISE: 0 (off), 1 (forced), -1 (the measured rules). */
int setting() { return pathSwitch("LAMINA_TAPWISE"); }

bool eligible(const ConvGeom& g) {
  const bool pointwise = g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.padTop == 0 && g.padLeft == 0 &&
                         g.padBottom == 0 && g.padRight == 0;
  return g.groups == 1 && !pointwise && g.batch > 0 && g.outH > 0 && g.outW > 0 && g.inC > 0 && g.outC > 0;
}

/** One tap along one axis and the pixel it pairs with on the other side (input for forward, output for backward). */
struct AxisTap {
  index_t k, at;
};

/**
 * Per position along one axis, the taps inside the image: forward (positions = outputs, taps in
 * order, `at` the input index) or backward (positions = inputs, taps in reverse order, so that the
 * output index `at` rises, `at` the output index).
 */
struct AxisTaps {
  std::vector<index_t> start;  // position i's taps: taps[start[i] .. start[i + 1])
  std::vector<AxisTap> taps;
  std::vector<bool> reached;   // per tap: inside for some position
  bool anyEmpty = false;       // a position with no tap inside

  /** Ends the current position's list. */
  void close() {
    start.push_back(static_cast<index_t>(taps.size()));
    if (start[start.size() - 1] == start[start.size() - 2]) anyEmpty = true;
  }
};

AxisTaps forwardAxis(index_t out, index_t K, index_t s, index_t pad, index_t d, index_t in) {
  AxisTaps a;
  a.reached.assign(static_cast<std::size_t>(K), false);
  a.start.push_back(0);
  for (index_t o = 0; o < out; o++) {
    for (index_t k = 0; k < K; k++) {
      const index_t i = o * s - pad + k * d;
      if (i >= 0 && i < in) {
        a.taps.push_back({k, i});
        a.reached[static_cast<std::size_t>(k)] = true;
      }
    }
    a.close();
  }
  return a;
}

AxisTaps backwardAxis(index_t in, index_t K, index_t s, index_t pad, index_t d, index_t out) {
  AxisTaps a;
  a.reached.assign(static_cast<std::size_t>(K), false);
  a.start.push_back(0);
  for (index_t i = 0; i < in; i++) {
    for (index_t k = K - 1; k >= 0; k--) {
      const index_t num = i + pad - k * d;
      if (num >= 0 && num % s == 0 && num / s < out) {
        a.taps.push_back({k, num / s});
        a.reached[static_cast<std::size_t>(k)] = true;
      }
    }
    a.close();
  }
  return a;
}

/** Share of (output pixel, tap) pairs inside the image: im2col's useful columns. */
double insideShare(const ConvGeom& g) {
  const AxisTaps y = forwardAxis(g.outH, g.kh, g.sh, g.padTop, g.dh, g.inH);
  const AxisTaps x = forwardAxis(g.outW, g.kw, g.sw, g.padLeft, g.dw, g.inW);
  return static_cast<double>(y.taps.size()) / static_cast<double>(g.outH * g.kh) * static_cast<double>(x.taps.size()) /
         static_cast<double>(g.outW * g.kw);
}

/**
 * Whether im2col's zero columns could meet a NaN or Inf of the filter that the tap-wise sums do not
 * show: a filter block no (pixel, tap) pair reads, or any block when some pixel reads none (its
 * im2col row is all zeros). Blocks that are read show up as a non-finite output, checked after.
 */
bool unreadFilterFinite(const float* filter, const ConvGeom& g, const AxisTaps& y, const AxisTaps& x) {
  const index_t block = g.inC * g.outC;
  if (y.anyEmpty || x.anyEmpty) return allFinite(filter, g.kh * g.kw * block);
  for (index_t ky = 0; ky < g.kh; ky++) {
    for (index_t kx = 0; kx < g.kw; kx++) {
      if (y.reached[static_cast<std::size_t>(ky)] && x.reached[static_cast<std::size_t>(kx)]) continue;
      if (!allFinite(filter + (ky * g.kw + kx) * block, block)) return false;
    }
  }
  return true;
}

/** The calling thread's packed filter blocks, one per (tap, column chunk), read by every task. */
thread_local std::vector<std::unique_ptr<PackedB>> tlsTapPacks;

std::vector<std::unique_ptr<PackedB>>& tapPacks(index_t n) {
  std::vector<std::unique_ptr<PackedB>>& packs = tlsTapPacks;
  while (static_cast<index_t>(packs.size()) < n) packs.push_back(std::make_unique<PackedB>());
  return packs;
}

/** Column chunks of whole micro-panels: about four tasks per thread over `positions`, at least two panels each. */
index_t columnChunks(index_t columns, index_t positions) {
  const index_t panels = (columns + activeKernel().nr - 1) / activeKernel().nr;
  const index_t want = 4 * numThreads();
  return std::max<index_t>(1, std::min((want + positions - 1) / positions, panels / 2));
}

/** Chunk ch of `chunks` over `columns`: [first, end), on micro-panel boundaries. */
void chunkRange(index_t columns, index_t chunks, index_t ch, index_t& first, index_t& end) {
  const index_t nr = activeKernel().nr;
  const index_t panels = (columns + nr - 1) / nr;
  first = std::min(columns, ch * panels / chunks * nr);
  end = std::min(columns, (ch + 1) * panels / chunks * nr);
}

thread_local AlignedBuffer tlsProduct, tlsTapRowsX, tlsTapRowsDy;

/*
 * Where it measured faster than the path conv.cc takes otherwise (3x3 SAME, 2 threads, AVX-512,
 * best of 20-40 calls each way, LAMINA_TAPWISE=1 against =0 in one build, forward / input gradient /
 * filter gradient): 2x2 maps (4/9 of the taps inside) at batch 32: 512 -> 512 2.0 / 1.5 / 1.6x,
 * 256 -> 256 3.1 / 1.3 / 1.2x, 128 -> 128 2.5 / 2.1 / 1.3x, 64 -> 64 2.0 / 1.8 / 1.2x,
 * 32 -> 32 2.0 / 1.8 / 0.88x; 1x1 maps 512 -> 512 3.8 / 4.1 / 1.5x; 3x3 maps (49/81 inside)
 * 512 -> 512 1.8 / 2.1 / 1.35x. A small batch (the GEMMs' rows) leaves the micro-kernel's tiles part
 * empty: 2x2x512 -> 512 at batch 8 0.99 / 1.06 / 1.45x, at 16 1.6 / 1.4 / 1.7x. On 4x4 maps (25/36
 * inside, Winograd's territory) 512 -> 512 1.1-1.7 / 1.2-1.3 / 0.6-0.7x, 256 -> 256 1.04 / 1.08 /
 * 0.47x, and on 8x8 maps 0.4-0.7x: left to the other paths (paired against Winograd, 15 pairs:
 * 4x4x512 -> 512 1.12 [q1 0.94, q3 1.23] / 1.11 [1.04, 1.28] / 0.71 [0.63, 0.77]). Paired against
 * the build before (bench/conv-paths.ts, 31 pairs, load 3, old/new median [q1, q3]): 2x2x512 -> 512
 * 1.49 [1.31, 1.94] / 1.37 [0.99, 1.68] / 1.87 [1.42, 2.28], 1x1 2.68 [2.01, 3.76] / 5.83 [4.31,
 * 10.7] / 1.27 [0.64, 1.49].
 */
constexpr double MAX_INSIDE_SHARE = 0.62;
constexpr index_t MIN_CHANNELS = 64;
constexpr index_t MIN_BATCH = 16;

bool wideAndPadded(const ConvGeom& g) {
  return std::min(g.inC, g.outC) >= MIN_CHANNELS && insideShare(g) <= MAX_INSIDE_SHARE;
}

}  // namespace

bool tapwiseForward(const ConvGeom& g) {
  if (!eligible(g)) return false;
  const int s = setting();
  if (s >= 0) return s == 1;
  return g.batch >= MIN_BATCH && wideAndPadded(g);
}

// The forward pass's rule: the same shapes measured faster (the table above wideAndPadded).
bool tapwiseInputGradient(const ConvGeom& g) { return tapwiseForward(g); }

bool tapwiseFilterGradient(const ConvGeom& g) {
  if (!eligible(g)) return false;
  const int s = setting();
  if (s >= 0) return s == 1;
  return wideAndPadded(g);
}

bool conv2dTapwise(const float* x, const float* filter, float* out, const ConvGeom& g, const Epilogue* ep) {
  const index_t N = g.batch, C = g.inC, O = g.outC, OW = g.outW, P = g.outH * g.outW, T = g.kh * g.kw;
  const AxisTaps ty = forwardAxis(g.outH, g.kh, g.sh, g.padTop, g.dh, g.inH);
  const AxisTaps tx = forwardAxis(g.outW, g.kw, g.sw, g.padLeft, g.dw, g.inW);
  if (!unreadFilterFinite(filter, g, ty, tx)) return false;
  const index_t chunks = columnChunks(O, P);
  std::vector<std::unique_ptr<PackedB>>& packs = tapPacks(T * chunks);
  parallelFor(T * chunks, [&](index_t t) {
    const index_t tap = t / chunks, ky = tap / g.kw, kx = tap % g.kw;
    if (!ty.reached[static_cast<std::size_t>(ky)] || !tx.reached[static_cast<std::size_t>(kx)]) return;
    index_t o0, o1;
    chunkRange(O, chunks, t % chunks, o0, o1);
    packs[static_cast<std::size_t>(t)]->pack(false, filter + tap * C * O + o0, O, C, o1 - o0);
  });
  const index_t xImage = g.inH * g.inW * C, yImage = P * O;
  parallelFor(P * chunks, [&](index_t t) {
    const index_t p = t / chunks, ch = t % chunks, oy = p / OW, ox = p % OW;
    index_t o0, o1;
    chunkRange(O, chunks, ch, o0, o1);
    float* c = out + p * O + o0;
    bool first = true;
    for (index_t a = ty.start[oy]; a < ty.start[oy + 1]; a++) {
      const AxisTap& ey = ty.taps[static_cast<std::size_t>(a)];
      for (index_t b = tx.start[ox]; b < tx.start[ox + 1]; b++) {
        const AxisTap& ex = tx.taps[static_cast<std::size_t>(b)];
        const PackedB& w = *packs[static_cast<std::size_t>((ey.k * g.kw + ex.k) * chunks + ch)];
        sgemmPackedB(N, x + (ey.at * g.inW + ex.at) * C, xImage, w, c, yImage, !first);
        first = false;
      }
    }
    if (first) {
      for (index_t n = 0; n < N; n++) std::fill(c + n * yImage, c + n * yImage + (o1 - o0), 0.0f);
    }
  });
  // A NaN or Inf of x or of a filter block read shows in the sums (times zero it is NaN, and a
  // non-finite term keeps a sum non-finite); before the activation, which could hide a -Inf.
  if (!allFinite(out, N * yImage)) return false;
  if (ep != nullptr && (ep->bias != nullptr || ep->act != Activation::Linear)) {
    const index_t rows = N * P, per = 256;
    parallelFor((rows + per - 1) / per, [&](index_t t) {
      for (index_t r = t * per; r < std::min(rows, (t + 1) * per); r++) applyEpilogueRow(out + r * O, O, ep->bias, ep->act);
    });
  }
  return true;
}

bool conv2dBackpropInputTapwise(const float* dy, const float* filter, float* dx, const ConvGeom& g) {
  const index_t N = g.batch, C = g.inC, O = g.outC, W = g.inW, Q = g.inH * g.inW, P = g.outH * g.outW, T = g.kh * g.kw;
  // col2im adds only the columns of taps inside the image, and these are its products: whatever
  // NaN or Inf dy or the filter holds, the same ones (no zero column is ever multiplied).
  const AxisTaps ay = backwardAxis(g.inH, g.kh, g.sh, g.padTop, g.dh, g.outH);
  const AxisTaps ax = backwardAxis(g.inW, g.kw, g.sw, g.padLeft, g.dw, g.outW);
  const index_t chunks = columnChunks(C, Q);
  std::vector<std::unique_ptr<PackedB>>& packs = tapPacks(T * chunks);
  parallelFor(T * chunks, [&](index_t t) {
    const index_t tap = t / chunks, ky = tap / g.kw, kx = tap % g.kw;
    if (!ay.reached[static_cast<std::size_t>(ky)] || !ax.reached[static_cast<std::size_t>(kx)]) return;
    index_t c0, c1;
    chunkRange(C, chunks, t % chunks, c0, c1);
    // op(B)[o, c] = W[ky, kx][c0 + c, o]
    packs[static_cast<std::size_t>(t)]->pack(true, filter + tap * C * O + c0 * O, O, O, c1 - c0);
  });
  const index_t xImage = Q * C, yImage = P * O;
  parallelFor(Q * chunks, [&](index_t t) {
    const index_t q = t / chunks, ch = t % chunks, iy = q / W, ix = q % W;
    index_t c0, c1;
    chunkRange(C, chunks, ch, c0, c1);
    const index_t width = c1 - c0;
    float* d = dx + q * C + c0;
    float* product = tlsProduct.get(static_cast<std::size_t>(N * width));
    bool first = true;
    // Output pixels in rising order, as col2im adds their columns; each product finished before
    // it is added (im2col's columns are, too).
    for (index_t a = ay.start[iy]; a < ay.start[iy + 1]; a++) {
      const AxisTap& ey = ay.taps[static_cast<std::size_t>(a)];
      for (index_t b = ax.start[ix]; b < ax.start[ix + 1]; b++) {
        const AxisTap& ex = ax.taps[static_cast<std::size_t>(b)];
        const PackedB& w = *packs[static_cast<std::size_t>((ey.k * g.kw + ex.k) * chunks + ch)];
        const float* a0 = dy + (ey.at * g.outW + ex.at) * O;
        if (first) {
          sgemmPackedB(N, a0, yImage, w, d, xImage, false);
          first = false;
          continue;
        }
        sgemmPackedB(N, a0, yImage, w, product, width, false);
        for (index_t n = 0; n < N; n++) {
          float* row = d + n * xImage;
          const float* add = product + n * width;
          for (index_t j = 0; j < width; j++) row[j] += add[j];
        }
      }
    }
    if (first) {
      for (index_t n = 0; n < N; n++) std::fill(d + n * xImage, d + n * xImage + width, 0.0f);
    }
  });
  return true;
}

bool conv2dBackpropFilterTapwise(const float* x, const float* dy, float* dw, const ConvGeom& g) {
  const index_t N = g.batch, C = g.inC, O = g.outC, OW = g.outW, P = g.outH * g.outW, T = g.kh * g.kw;
  // With both finite, im2col's zero columns add exact zeros to dW; its rows are all that count.
  if (!allFinite(x, N * g.inH * g.inW * C) || !allFinite(dy, N * P * O)) return false;
  // Per tap along each axis, the (output, input) index pairs inside, outputs rising.
  struct Pair {
    index_t out, in;
  };
  std::vector<std::vector<Pair>> byY(static_cast<std::size_t>(g.kh)), byX(static_cast<std::size_t>(g.kw));
  for (index_t oy = 0; oy < g.outH; oy++) {
    for (index_t k = 0; k < g.kh; k++) {
      const index_t i = oy * g.sh - g.padTop + k * g.dh;
      if (i >= 0 && i < g.inH) byY[static_cast<std::size_t>(k)].push_back({oy, i});
    }
  }
  for (index_t ox = 0; ox < g.outW; ox++) {
    for (index_t k = 0; k < g.kw; k++) {
      const index_t i = ox * g.sw - g.padLeft + k * g.dw;
      if (i >= 0 && i < g.inW) byX[static_cast<std::size_t>(k)].push_back({ox, i});
    }
  }
  // Tap t's rows: image by image, its pixels inside in row order (im2col's order), at rowStart[t].
  std::vector<index_t> perImage(static_cast<std::size_t>(T)), rowStart(static_cast<std::size_t>(T + 1), 0);
  for (index_t t = 0; t < T; t++) {
    perImage[t] = static_cast<index_t>(byY[t / g.kw].size() * byX[t % g.kw].size());
    rowStart[t + 1] = rowStart[t] + N * perImage[t];
  }
  const index_t rows = rowStart[T];
  float* xs = tlsTapRowsX.get(static_cast<std::size_t>(std::max<index_t>(1, rows * C)));
  float* dys = tlsTapRowsDy.get(static_cast<std::size_t>(std::max<index_t>(1, rows * O)));
  const index_t xImage = g.inH * g.inW * C;
  parallelFor(T * N, [&](index_t task) {
    const index_t t = task / N, n = task % N;
    index_t r = rowStart[t] + n * perImage[t];
    for (const Pair& py : byY[static_cast<std::size_t>(t / g.kw)]) {
      for (const Pair& px : byX[static_cast<std::size_t>(t % g.kw)]) {
        std::copy_n(x + n * xImage + (py.in * g.inW + px.in) * C, C, xs + r * C);
        std::copy_n(dy + (n * P + py.out * OW + px.out) * O, O, dys + r * O);
        r++;
      }
    }
  });
  // One pool hand-off for all the products (per-tap parallel GEMMs took two each, and lost their
  // gain on a busy machine): tasks of (tap, column chunk), each GEMM on its own thread. Chunks of
  // more than four micro-panels keep the GEMM on its whole-B path, whose single depth block (up to
  // 1024 rows) sums each element's rows in order, as im2col's does.
  const index_t panels = (O + activeKernel().nr - 1) / activeKernel().nr;
  const index_t chunks = std::max<index_t>(1, std::min<index_t>(panels / 5, (16 * numThreads() + T - 1) / T));
  parallelFor(T * chunks, [&](index_t task) {
    const index_t t = task / chunks;
    index_t o0, o1;
    chunkRange(O, chunks, task % chunks, o0, o1);
    float* dwTap = dw + t * C * O + o0;
    const index_t m = rowStart[t + 1] - rowStart[t];
    if (m == 0) {
      for (index_t c = 0; c < C; c++) std::fill(dwTap + c * O, dwTap + c * O + (o1 - o0), 0.0f);
      return;
    }
    sgemm(true, false, C, o1 - o0, m, xs + rowStart[t] * C, C, dys + rowStart[t] * O + o0, O, dwTap, O, false, false);
  });
  return true;
}

}  // namespace lamina
