// 2-D convolution on NHWC tensors with filters [kh, kw, in, out] as im2col + SGEMM, the same
// decomposition as the JS reference (src/backend/js/conv.ts): one im2col row per output pixel
// (n, oy, ox), one column per tap (fy, fx, c), so the output viewed as [N*OH*OW, out] is
// cols @ W. The forward pass packs the filter once and each task multiplies the im2col rows of
// its block of pixels, built in its own cache, against it (bias and activation applied to each
// finished tile); for stride 1 the input gradient is the same kind of convolution of dy with the
// flipped filter (when that holds no NaN or Inf, which dy's padding zeros would turn into NaN where
// col2im adds nothing). Otherwise rows are processed in bounded chunks: im2col/col2im across the pool
// (col2im by whole images, whose input regions are disjoint) and GEMMs that split blocks of C.
// 3x3 stride-1 forward convolutions with enough channels and tiles take Winograd F(2x2, 3x3)
// instead (winograd.cc; 2.25x fewer multiplies), and with them the stride-1 input gradients.
// Convolutions with at most 4 output channels take dot products of im2col rows forward and
// conv_narrow.cc's sums over pixels for their gradients, where the GEMM's tiles would be mostly waste.
// Wide convolutions on tiny maps, where most of im2col's columns are padding, go tap by tap
// (conv_tapwise.cc: one GEMM per tap over the pixels it reads inside the image).
#include <algorithm>
#include <atomic>
#include <cstring>
#include <new>
#include <vector>

#include "common.h"
#include "conv_tapwise.h"

namespace lamina {
namespace {

/** Upper bound on the elements of one im2col chunk (16 MiB of float32). */
constexpr index_t COL_LIMIT = index_t(1) << 22;
/** Rows of im2col per parallel task. */
constexpr index_t ROWS_PER_TASK = 64;

thread_local AlignedBuffer tlsCols;

bool isPointwise(const ConvGeom& g) {
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.padTop == 0 && g.padLeft == 0 && g.padBottom == 0 &&
         g.padRight == 0;
}

index_t chunkRows(const ConvGeom& g) {
  const index_t k = g.kh * g.kw * g.inC;
  return std::max<index_t>(1, COL_LIMIT / std::max<index_t>(1, k));
}

/** Writes the im2col rows of output pixels [r0, r1) into cols (row length kh * kw * in). */
void im2colRows(const float* x, float* cols, const ConvGeom& g, index_t r0, index_t r1) {
  const index_t H = g.inH, W = g.inW, C = g.inC, OH = g.outH, OW = g.outW, KH = g.kh, KW = g.kw;
  const index_t rowSpan = KW * C;
  const index_t perImage = OH * OW;
  index_t n = r0 / perImage, oy = (r0 % perImage) / OW, ox = r0 % OW;
  float* o = cols;
  for (index_t r = r0; r < r1; r++) {
    const float* xImage = x + n * H * W * C;
    const index_t iy0 = oy * g.sh - g.padTop;
    const index_t ix0 = ox * g.sw - g.padLeft;
    const bool contiguous = g.dw == 1 && ix0 >= 0 && ix0 + KW <= W;
    for (index_t fy = 0; fy < KH; fy++) {
      const index_t iy = iy0 + fy * g.dh;
      if (iy < 0 || iy >= H) {
        std::memset(o, 0, sizeof(float) * rowSpan);
        o += rowSpan;
        continue;
      }
      const float* xRow = xImage + iy * W * C;
      if (contiguous) {
        std::memcpy(o, xRow + ix0 * C, sizeof(float) * rowSpan);
        o += rowSpan;
        continue;
      }
      for (index_t fx = 0; fx < KW; fx++) {
        const index_t ix = ix0 + fx * g.dw;
        if (ix < 0 || ix >= W) {
          std::memset(o, 0, sizeof(float) * C);
        } else {
          std::memcpy(o, xRow + ix * C, sizeof(float) * C);
        }
        o += C;
      }
    }
    if (++ox == OW) {
      ox = 0;
      if (++oy == OH) {
        oy = 0;
        n++;
      }
    }
  }
}

/** dx += the im2col rows of output pixels [r0, r1) (held in cols from row 0), scattered back. */
void col2imRows(const float* cols, float* dx, const ConvGeom& g, index_t r0, index_t r1) {
  const index_t H = g.inH, W = g.inW, C = g.inC, OH = g.outH, OW = g.outW, KH = g.kh, KW = g.kw;
  const index_t rowSpan = KW * C;
  const index_t perImage = OH * OW;
  index_t n = r0 / perImage, oy = (r0 % perImage) / OW, ox = r0 % OW;
  const float* o = cols;
  for (index_t r = r0; r < r1; r++) {
    float* xImage = dx + n * H * W * C;
    const index_t iy0 = oy * g.sh - g.padTop;
    const index_t ix0 = ox * g.sw - g.padLeft;
    const bool contiguous = g.dw == 1 && ix0 >= 0 && ix0 + KW <= W;
    for (index_t fy = 0; fy < KH; fy++) {
      const index_t iy = iy0 + fy * g.dh;
      if (iy < 0 || iy >= H) {
        o += rowSpan;
        continue;
      }
      float* xRow = xImage + iy * W * C;
      if (contiguous) {
        float* d = xRow + ix0 * C;
        for (index_t j = 0; j < rowSpan; j++) d[j] += o[j];
        o += rowSpan;
        continue;
      }
      for (index_t fx = 0; fx < KW; fx++) {
        const index_t ix = ix0 + fx * g.dw;
        if (ix >= 0 && ix < W) {
          float* d = xRow + ix * C;
          for (index_t c = 0; c < C; c++) d[c] += o[c];
        }
        o += C;
      }
    }
    if (++ox == OW) {
      ox = 0;
      if (++oy == OH) {
        oy = 0;
        n++;
      }
    }
  }
}

/**
 * Whether the input rows under output pixels [r0, r1) are all finite: whole rows of x from the first
 * pixel's top tap to the last one's bottom tap, image by image (a superset of what their im2col rows
 * read): by an im2col task just before it copies them (they come from memory once), or after a
 * NaN or Inf in the output block of those rows.
 */
bool windowRowsFinite(const float* x, const ConvGeom& g, index_t r0, index_t r1) {
  const index_t perImage = g.outH * g.outW, rowSize = g.inW * g.inC;
  for (index_t n = r0 / perImage; n * perImage < r1; n++) {
    const index_t oy0 = (std::max(r0, n * perImage) - n * perImage) / g.outW;
    const index_t oy1 = (std::min(r1, (n + 1) * perImage) - 1 - n * perImage) / g.outW;
    const index_t iy0 = std::max<index_t>(0, oy0 * g.sh - g.padTop);
    const index_t iy1 = std::min(g.inH, oy1 * g.sh - g.padTop + (g.kh - 1) * g.dh + 1);
    if (iy1 > iy0 && !allFiniteSerial(x + (n * g.inH + iy0) * rowSize, (iy1 - iy0) * rowSize)) return false;
  }
  return true;
}

/**
 * A watched call (conv_grouped.cc's block-diagonal filter): its tasks clear `finite` on finding a NaN
 * or Inf in x (forward) or dy (input gradient), and may then stop; groupColumns is the width of the
 * output's groups (output channels per group forward, input channels per group for the input gradient).
 */
struct Watch {
  std::atomic<bool> finite{true};
  index_t groupColumns = 1;

  bool stopped() const { return !finite.load(std::memory_order_relaxed); }
};

/** Clears watch's flag and returns false where the task's scan found a non-finite value; false too once another task has. */
inline bool stillFinite(Watch* watch, bool scanFinite) {
  if (!scanFinite) watch->finite.store(false, std::memory_order_relaxed);
  return scanFinite && !watch->stopped();
}

/**
 * For a watched task that has just written its block of a block-diagonal product (still in cache):
 * a NaN or Inf that its rows of the operand read makes NaN of the block's columns of other groups
 * (times the zero blocks; bias and ReLU keep NaN), so only a non-finite block needs `operandFinite`
 * (the scan of those rows, from memory) to tell it from the filter's own NaN or an overflow, which
 * the groups' convolutions would give alike.
 */
template <typename Scan>
inline void checkBlock(Watch* watch, const float* block, index_t rows, index_t n, Scan operandFinite) {
  // One column of group 0 and one of group 1 on every row suffice: one of the two is another group's.
  if (!pairFinite(block, rows, n, watch->groupColumns - 1) && !operandFinite()) watch->finite.store(false, std::memory_order_relaxed);
}

/**
 * im2col of rows [r0, r1) into cols, split across the pool. With `watch`, each task first checks
 * the input rows it reads (windowRowsFinite) and, finding a NaN or Inf, reports it and skips its rows.
 */
void im2colParallel(const float* x, float* cols, const ConvGeom& g, index_t r0, index_t r1, Watch* watch = nullptr) {
  const index_t K = g.kh * g.kw * g.inC;
  const index_t tasks = (r1 - r0 + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
  parallelFor(tasks, [&](index_t t) {
    const index_t a = r0 + t * ROWS_PER_TASK;
    const index_t b = std::min(r1, a + ROWS_PER_TASK);
    if (watch != nullptr && !stillFinite(watch, windowRowsFinite(x, g, a, b))) return;
    im2colRows(x, cols + (a - r0) * K, g, a, b);
  });
}

/** col2im of rows [r0, r1), one task per image (images write disjoint parts of dx). */
void col2imParallel(const float* cols, float* dx, const ConvGeom& g, index_t r0, index_t r1) {
  const index_t K = g.kh * g.kw * g.inC;
  const index_t perImage = g.outH * g.outW;
  const index_t n0 = r0 / perImage;
  const index_t n1 = (r1 - 1) / perImage + 1;
  parallelFor(n1 - n0, [&](index_t t) {
    const index_t n = n0 + t;
    const index_t a = std::max(r0, n * perImage);
    const index_t b = std::min(r1, (n + 1) * perImage);
    col2imRows(cols + (a - r0) * K, dx, g, a, b);
  });
}

/*
 * Fused (per-task) path: each task builds the im2col rows of one block of output pixels in its own
 * thread's buffer (sized for L2) and multiplies them on its own thread right away, so the columns
 * never leave the cache and no task waits for another. The backward passes take it for small
 * filters (K * O up to 128 Ki floats, the common case; their per-task partial filter gradients
 * must stay small), the forward pass whenever there are enough row blocks; otherwise the chunked
 * path runs one GEMM at a time across the pool.
 */
constexpr index_t FUSED_FILTER_LIMIT = index_t(1) << 17;
/** Floats of im2col per fused task (512 KiB). */
constexpr index_t FUSED_COLS = index_t(1) << 17;
/** The filter gradient sums fixed groups of row blocks (then the groups, in order), so the result does
 *  not depend on the number of threads. */
constexpr index_t FILTER_GROUPS = 16;
/** Fewest rows per filter-gradient group (fewer rows make fewer groups). */
constexpr index_t FILTER_MIN_ROWS = 64;

bool fused(const ConvGeom& g) {
  const index_t K = g.kh * g.kw * g.inC;
  return K * g.outC <= FUSED_FILTER_LIMIT;
}

index_t fusedRows(const ConvGeom& g);

/**
 * The forward pass reads the filter from one shared packing, so its per-task path suits filters
 * of any size, as long as there are enough row blocks to keep every thread busy; with few output
 * pixels (deep layers on small maps) one pool-wide GEMM splits the work better.
 */
bool forwardPerTask(const ConvGeom& g) {
  const index_t rows = g.batch * g.outH * g.outW;
  return fused(g) || rows >= 4 * numThreads() * fusedRows(g);
}

index_t fusedRows(const ConvGeom& g) {
  const index_t K = g.kh * g.kw * g.inC;
  return std::max<index_t>(24, FUSED_COLS / std::max<index_t>(1, K));
}

/** The calling thread's packed filter (read by every task of its convolutions). */
thread_local PackedB tlsFilter;

/** With `watch`: each task checks the output block it wrote (checkBlock), its input rows only where that holds a NaN or Inf. */
void conv2dFused(const float* x, const float* filter, float* out, const ConvGeom& g, const Epilogue* ep, Watch* watch) {
  const index_t rows = g.batch * g.outH * g.outW;
  const index_t K = g.kh * g.kw * g.inC, O = g.outC;
  const index_t R = fusedRows(g);
  // The filter is packed once here, not by each task's GEMM (that was an eighth of the work).
  PackedB& w = tlsFilter;
  w.pack(false, filter, O, K, O);
  parallelFor((rows + R - 1) / R, [&](index_t t) {
    const index_t r0 = t * R, r1 = std::min(rows, r0 + R);
    if (watch != nullptr && watch->stopped()) return;
    float* cols = tlsCols.get(static_cast<std::size_t>(R * K));
    im2colRows(x, cols, g, r0, r1);
    sgemmPackedB(r1 - r0, cols, K, w, out + r0 * O, O, false, ep);
    if (watch != nullptr) checkBlock(watch, out + r0 * O, r1 - r0, O, [&] { return windowRowsFinite(x, g, r0, r1); });
  });
}

/**
 * Convolutions with at most this many output channels (an image generator's or autoencoder's last
 * layer, e.g. Conv2D(1, 7x7) over 128 channels) take dot products of each pixel's window with the
 * filter's columns (conv_narrow.cc, straight from x; here from im2col rows when the filter holds an
 * Inf or NaN, which im2col's zero columns turn NaN): the GEMM's micro-kernel computes a whole tile
 * width of columns (16 or more) for each, so for one output channel most of its work would be thrown away.
 */
constexpr index_t NARROW_OUT = 4;
/**
 * Taps per row (kh * kw * inC) from which the dot products win: measured paired against the GEMM on
 * [64, 28, 28, C] inputs, 4x faster at 7x7x128 and 5x5x64, 1.1-1.4x at 3x3x128 (1 to 4 outputs),
 * 0.7-0.8x at 3x3x64 and below, where the GEMM stays.
 */
constexpr index_t NARROW_MIN_TAPS = 1024;

bool narrowOutput(const ConvGeom& g) { return g.outC <= NARROW_OUT && g.kh * g.kw * g.inC >= NARROW_MIN_TAPS; }

/**
 * Taps per row from which the filter gradient of at most NARROW_OUT output channels runs as
 * conv_narrow.cc's sums over pixels instead of im2col + GEMM (whose micro-kernel's tile width of
 * columns went mostly to waste): measured paired on 28x28 and 14x14 maps at batch 64 (bench/narrow-conv.ts),
 * 3-27x faster from 3x3x8 (72 taps) up to 7x7x128, 0.8x at 3x3x4 -> 4 (36 taps).
 */
constexpr index_t NARROW_FILTER_GRAD_MIN_TAPS = 64;
/**
 * The same for the input gradient where the flipped-filter convolution does not take it (strides
 * over 1, VALID-like padding, fewer input channels than the GEMM tile's width): 1.2-6.8x faster
 * from 3x3x32 up, 0.9-2.8x at 3x3x16 (144 taps), 0.8-1.25x at 3x3x8, 0.6-0.66x at 3x3x4 -> 4.
 */
constexpr index_t NARROW_INPUT_GRAD_MIN_TAPS = 128;

bool narrowFilterGradient(const ConvGeom& g) { return g.outC <= NARROW_OUT && g.kh * g.kw * g.inC >= NARROW_FILTER_GRAD_MIN_TAPS; }

bool narrowInputGradient(const ConvGeom& g) { return g.outC <= NARROW_OUT && g.kh * g.kw * g.inC >= NARROW_INPUT_GRAD_MIN_TAPS; }

/** a . b over n floats in 16 independent partial sums (vectorisable without reassociating), then their sum. */
inline float dotLanes(const float* a, const float* b, index_t n) {
  constexpr int L = 16;
  float acc[L] = {};
  index_t k = 0;
  for (; k + L <= n; k += L) {
    for (int j = 0; j < L; j++) acc[j] += a[k + j] * b[k + j];
  }
  for (int j = 0; k < n; k++, j++) acc[j] += a[k] * b[k];
  float s = 0.0f;
  for (int j = 0; j < L; j++) s += acc[j];
  return s;
}

thread_local std::vector<float> tlsFilterColumns;

void conv2dNarrow(const float* x, const float* filter, float* out, const ConvGeom& g, const Epilogue* ep) {
  const index_t rows = g.batch * g.outH * g.outW;
  const index_t K = g.kh * g.kw * g.inC, O = g.outC;
  // The filter's columns, each contiguous: wT[o * K + k] = filter[k * O + o].
  std::vector<float>& wT = tlsFilterColumns;
  wT.resize(static_cast<std::size_t>(O * K));
  for (index_t k = 0; k < K; k++) {
    for (index_t o = 0; o < O; o++) wT[o * K + k] = filter[k * O + o];
  }
  const float* w = wT.data();
  const index_t R = fusedRows(g);
  parallelFor((rows + R - 1) / R, [&](index_t t) {
    const index_t r0 = t * R, r1 = std::min(rows, r0 + R);
    float* cols = tlsCols.get(static_cast<std::size_t>(R * K));
    im2colRows(x, cols, g, r0, r1);
    for (index_t r = r0; r < r1; r++) {
      float* y = out + r * O;
      for (index_t o = 0; o < O; o++) y[o] = dotLanes(cols + (r - r0) * K, w + o * K, K);
      if (ep != nullptr) applyEpilogueRow(y, O, ep->bias, ep->act);
    }
  });
}

thread_local std::vector<float> tlsFlipped;

/** The geometry of the convolution of dy with the turned filter that gives a stride-1 input gradient. */
ConvGeom flippedGeom(const ConvGeom& g) {
  ConvGeom t = g;
  t.inH = g.outH;
  t.inW = g.outW;
  t.inC = g.outC;
  t.outH = g.inH;
  t.outW = g.inW;
  t.outC = g.inC;
  t.padTop = (g.kh - 1) * g.dh - g.padTop;
  t.padLeft = (g.kw - 1) * g.dw - g.padLeft;
  t.padBottom = (g.kh - 1) * g.dh - g.padBottom;
  t.padRight = (g.kw - 1) * g.dw - g.padRight;
  return t;
}

/**
 * For stride 1, the input gradient is itself a convolution: dx = conv(dy, W') with W' the filter
 * turned 180 degrees and its channel axes swapped (W'[fy, fx, o, c] = W[KH-1-fy, KW-1-fx, c, o]),
 * the same dilation, and padding (K-1) * d - p. It then takes the forward path (im2col in cache,
 * packed filter, output written once) instead of a GEMM into columns and a scatter-add.
 * That convolution multiplies dy's padding zeros by every tap, which col2im never does: with an
 * Inf or NaN tap, 0 * Inf = NaN would reach dx pixels that no output pixel reads through that
 * tap. So a filter that is not all finite makes this return false, having written nothing, and the
 * caller takes a col2im path. (A contiguous scan of the filter first, at most 128 Ki floats here: one
 * thread added 2-12 us to the turning's 9-51 us, where a check inside its strided loop added 6-40 us.)
 */
void conv2dPaths(const float* x, const float* filter, float* out, const ConvGeom& g, const Epilogue* ep, Watch* watch);

/** (With `watch`, the convolution of dy watches dy as conv2dPaths watches x.) */
bool conv2dBackpropInputAsConv(const float* dy, const float* filter, float* dx, const ConvGeom& g, Watch* watch) {
  const index_t KH = g.kh, KW = g.kw, C = g.inC, O = g.outC;
  if (!allFinite(filter, KH * KW * C * O)) return false;
  std::vector<float>& flipped = tlsFlipped;
  flipped.resize(static_cast<std::size_t>(KH * KW * O * C));
  for (index_t fy = 0; fy < KH; fy++) {
    for (index_t fx = 0; fx < KW; fx++) {
      const float* src = filter + ((KH - 1 - fy) * KW + (KW - 1 - fx)) * C * O;  // [c, o]
      float* dst = flipped.data() + (fy * KW + fx) * O * C;                        // [o, c]
      for (index_t c = 0; c < C; c++) {
        for (index_t o = 0; o < O; o++) dst[o * C + c] = src[c * O + o];
      }
    }
  }
  conv2dPaths(dy, flipped.data(), dx, flippedGeom(g), nullptr, watch);
  return true;
}

/** With `watch`: each task checks its image's dy first (the GEMM then reads it from the cache). */
void conv2dBackpropInputFused(const float* dy, const float* filter, float* dx, const ConvGeom& g, Watch* watch) {
  const index_t K = g.kh * g.kw * g.inC, O = g.outC;
  const index_t perImage = g.outH * g.outW;
  const index_t imageSize = g.inH * g.inW * g.inC;
  const index_t R = fusedRows(g);
  // One task per image: images own disjoint parts of dx, so the scatter needs no locks.
  parallelFor(g.batch, [&](index_t n) {
    if (watch != nullptr && !stillFinite(watch, allFiniteSerial(dy + n * perImage * O, perImage * O))) return;
    std::fill(dx + n * imageSize, dx + (n + 1) * imageSize, 0.0f);
    float* cols = tlsCols.get(static_cast<std::size_t>(R * K));
    for (index_t r0 = n * perImage; r0 < (n + 1) * perImage; r0 += R) {
      const index_t r1 = std::min((n + 1) * perImage, r0 + R);
      sgemm(false, true, r1 - r0, K, O, dy + r0 * O, O, filter, O, cols, K, false, false);
      col2imRows(cols, dx, g, r0, r1);
    }
  });
}

void conv2dBackpropFilterFused(const float* x, const float* dy, float* dw, const ConvGeom& g) {
  const index_t rows = g.batch * g.outH * g.outW;
  const index_t K = g.kh * g.kw * g.inC, O = g.outC;
  // FILTER_GROUPS groups (fewer only for few rows) of perGroup equal blocks of at most fusedRows
  // rows: every group has work, so the pool's threads get equal shares (18 blocks of 455 rows made
  // 9 groups of 2 and 7 empty ones, 5 and 4 per thread, on mnist_convnet's second layer).
  const index_t groups = std::max<index_t>(1, std::min(FILTER_GROUPS, rows / FILTER_MIN_ROWS));
  const index_t perGroup = ((rows + fusedRows(g) - 1) / fusedRows(g) + groups - 1) / groups;
  const index_t R = (rows + groups * perGroup - 1) / (groups * perGroup);
  const index_t blocks = (rows + R - 1) / R;
  const index_t wSize = K * O;
  std::vector<float> partial(static_cast<std::size_t>((groups - 1) * wSize));
  parallelFor(groups, [&](index_t grp) {
    float* acc = grp == 0 ? dw : partial.data() + (grp - 1) * wSize;
    float* cols = tlsCols.get(static_cast<std::size_t>(R * K));
    const index_t b1 = std::min(blocks, (grp + 1) * perGroup);
    for (index_t b = grp * perGroup; b < b1; b++) {
      const index_t r0 = b * R, r1 = std::min(rows, r0 + R);
      im2colRows(x, cols, g, r0, r1);
      sgemm(true, false, K, O, r1 - r0, cols, K, dy + r0 * O, O, acc, O, b > grp * perGroup, false);
    }
    if (grp * perGroup >= b1) std::fill(acc, acc + wSize, 0.0f);
  });
  // Sum the groups in a fixed order, split across the pool by slices of dw.
  const index_t slice = 4096;
  parallelFor((wSize + slice - 1) / slice, [&](index_t t) {
    const index_t e0 = t * slice, e1 = std::min(wSize, e0 + slice);
    for (index_t grp = 1; grp < groups; grp++) {
      const float* p = partial.data() + (grp - 1) * wSize;
      for (index_t e = e0; e < e1; e++) dw[e] += p[e];
    }
  });
}

/*
 * Direct path for convolutions with a single input channel (a network's first layer on grayscale
 * images): K = kh * kw is so small that im2col + GEMM spends its time packing and storing rather
 * than multiplying. Each output row (n, oy) copies the input rows under its taps into the thread's
 * cache, padded with zeros (multiplied as im2col's zero columns are, so 0 * Inf is NaN), and the
 * row kernels of the active instruction set (conv_direct_avx512.cc, conv_direct_avx2.cc: the same
 * sums in the same order) add the taps in registers. The scalar kernel (LAMINA_SIMD=scalar, or a
 * CPU without AVX2) keeps im2col + GEMM.
 */
const DirectConvKernels* directKernels() {
  static const DirectConvKernels* k = [] {
    const char* name = activeKernel().name;
    if (std::strcmp(name, "avx512") == 0) return avx512DirectConv();
    if (std::strcmp(name, "avx2") == 0) return avx2DirectConv();
    return static_cast<const DirectConvKernels*>(nullptr);
  }();
  return k;
}

bool directSingleChannel(const ConvGeom& g) { return g.inC == 1 && !isPointwise(g) && directKernels() != nullptr; }

/** The rows under output row oy's taps, padded: the geometry's tap offsets and padded row length. */
struct DirectRows {
  index_t span;               // floats per padded row: input columns -padLeft .. (OW-1)*sw - padLeft + (KW-1)*dw
  std::vector<index_t> off;   // tap (fy, fx) of pixel ox at rows + ox * sw + off[fy * KW + fx]

  explicit DirectRows(const ConvGeom& g) : span((g.outW - 1) * g.sw + (g.kw - 1) * g.dw + 1) {
    for (index_t fy = 0; fy < g.kh; fy++) {
      for (index_t fx = 0; fx < g.kw; fx++) off.push_back(fy * span + fx * g.dw);
    }
  }

  /** Writes the KH padded rows of output row oy of image xImage into dst (KH * span floats). */
  void gather(const float* xImage, const ConvGeom& g, index_t oy, float* dst) const {
    const index_t iy0 = oy * g.sh - g.padTop;
    const index_t lo = std::min(span, std::max<index_t>(0, g.padLeft));          // first column inside the image
    const index_t hi = std::max(lo, std::min(span, g.inW + g.padLeft));          // past the last one
    for (index_t fy = 0; fy < g.kh; fy++, dst += span) {
      const index_t iy = iy0 + fy * g.dh;
      if (iy < 0 || iy >= g.inH) {
        std::fill(dst, dst + span, 0.0f);
        continue;
      }
      std::fill(dst, dst + lo, 0.0f);
      std::memcpy(dst + lo, xImage + iy * g.inW + (lo - g.padLeft), sizeof(float) * static_cast<std::size_t>(hi - lo));
      std::fill(dst + hi, dst + span, 0.0f);
    }
  }
};

/** Asks for n floats from p into the cache (a hint; nothing where SSE is missing). */
inline void prefetchRange(const float* p, index_t n) {
#if defined(__SSE2__)
  for (index_t i = 0; i < n; i += 16) _mm_prefetch(reinterpret_cast<const char*>(p + i), _MM_HINT_T0);
#else
  (void)p;
  (void)n;
#endif
}

/** Output rows per task: a few tasks per thread, not one per row (whose hand-offs cost more than the row). */
index_t directRowsPerTask(index_t rows) {
  const index_t want = 8 * numThreads();
  return std::max<index_t>(1, (rows + want - 1) / want);
}

void conv2dDirectSingleChannel(const float* x, const float* filter, float* out, const ConvGeom& g, const Epilogue* ep) {
  const DirectConvKernels& kern = *directKernels();
  const DirectRows layout(g);
  const index_t O = g.outC, OW = g.outW, K = g.kh * g.kw, rows = g.batch * g.outH;
  const float* bias = ep != nullptr ? ep->bias : nullptr;
  const bool relu = ep != nullptr && ep->act == Activation::Relu;
  const index_t per = directRowsPerTask(rows);
  parallelFor((rows + per - 1) / per, [&](index_t task) {
    float* buf = tlsCols.get(static_cast<std::size_t>(g.kh * layout.span));
    for (index_t t = task * per; t < std::min(rows, (task + 1) * per); t++) {
      layout.gather(x + (t / g.outH) * g.inH * g.inW, g, t % g.outH, buf);
      kern.forwardRow(buf, layout.off.data(), K, g.sw, filter, bias, relu, out + t * OW * O, OW, O);
    }
  });
}

/**
 * The filter gradient of dz (dy, or relu's gradient from y when y is given) as fixed groups of
 * output rows, each summed into its own partial, then the partials in order, so that the result
 * does not depend on the number of threads; db (when given) the same way, in double.
 */
void conv2dBackpropFilterDirectSingleChannel(const float* x, const float* dy, const float* y, float* dw, float* db, const ConvGeom& g) {
  const DirectConvKernels& kern = *directKernels();
  const DirectRows layout(g);
  const index_t O = g.outC, OW = g.outW, K = g.kh * g.kw, wSize = K * O;
  const index_t rows = g.batch * g.outH;
  const index_t groups = std::max<index_t>(1, std::min(rows, FILTER_GROUPS));
  const index_t perGroup = (rows + groups - 1) / groups;
  std::vector<float> partial(static_cast<std::size_t>(groups * wSize), 0.0f);
  std::vector<double> biasPartial(db != nullptr ? static_cast<std::size_t>(groups * O) : 0, 0.0);
  parallelFor(groups, [&](index_t grp) {
    float* acc = partial.data() + grp * wSize;
    double* dbAcc = db != nullptr ? biasPartial.data() + grp * O : nullptr;
    float* buf = tlsCols.get(static_cast<std::size_t>(g.kh * layout.span));
    const index_t t1 = std::min(rows, (grp + 1) * perGroup);
    for (index_t t = grp * perGroup; t < t1; t++) {
      if (t + 1 < t1) {
        // The next row's dy (and y): the row kernel's passes are short, too short for the
        // hardware prefetcher to run ahead of them on data coming from memory.
        prefetchRange(dy + (t + 1) * OW * O, OW * O);
        if (y != nullptr) prefetchRange(y + (t + 1) * OW * O, OW * O);
      }
      layout.gather(x + (t / g.outH) * g.inH * g.inW, g, t % g.outH, buf);
      kern.filterGradRow(buf, layout.off.data(), K, g.sw, dy + t * OW * O, y != nullptr ? y + t * OW * O : nullptr, acc, dbAcc, OW, O);
    }
  });
  std::copy(partial.begin(), partial.begin() + wSize, dw);
  for (index_t grp = 1; grp < groups; grp++) {
    const float* p = partial.data() + grp * wSize;
    for (index_t e = 0; e < wSize; e++) dw[e] += p[e];
  }
  if (db != nullptr) {
    for (index_t o = 0; o < O; o++) {
      double sum = 0.0;
      for (index_t grp = 0; grp < groups; grp++) sum += biasPartial[static_cast<std::size_t>(grp * O + o)];
      db[o] = static_cast<float>(sum);
    }
  }
}

/** Scratch for dz where conv2dBackpropFilterBiasActivation has no fused path. */
thread_local AlignedBuffer tlsDz;

/**
 * conv2d for groups == 1. With `watch` (conv_grouped.cc's block-diagonal filter), a path that finds a
 * NaN or Inf in x reports it and may stop, leaving out unspecified. The checks cost little where the
 * paths run them: Winograd's scan of x (made anyway), a look at two columns of each output block a
 * task has just written (checkBlock; x itself only where that finds a NaN or Inf), else a scan of x
 * first (paths that read x in place without tasks of their own: the narrow and direct ones). The
 * pointwise GEMM is not watched (too little work per row for any check to hide in).
 */
void conv2dPaths(const float* x, const float* filter, float* out, const ConvGeom& g, const Epilogue* ep, Watch* watch) {
  const index_t rows = g.batch * g.outH * g.outW;
  const index_t K = g.kh * g.kw * g.inC;
  const index_t O = g.outC;
  if (rows == 0 || O == 0) return;
  const index_t xSize = g.batch * g.inH * g.inW * g.inC;
  if (isPointwise(g)) {
    // Not watched: a pointwise GEMM does so little per row (2 * K * O flops) that any look at each
    // row costs more than noise. Checking two columns of each block a task had just written (in
    // 32 KiB blocks of rows, the same bits) took 1.5% longer on 64 -> 64 in 4 groups and 4-5% on
    // 32 -> 32 in 2 (one thread, 32 x 16x16 and 32 x 32x32 pixels, paired against main's build),
    // a scan of x first 5-13%; so a NaN or Inf of x still reaches every group's channels here.
    sgemm(false, false, rows, O, K, x, K, filter, O, out, O, false, true, ep);
    return;
  }
  // (Its output check catches a NaN or Inf in x, then im2col's below reports it.)
  if (tapwiseForward(g) && conv2dTapwise(x, filter, out, g, ep)) return;
  // (The filter's transform checks the filter.)
  if (winogradApplies(g)) {
    const bool xFinite = allFinite(x, xSize);
    if (watch != nullptr && !stillFinite(watch, xFinite)) return;
    if (xFinite && conv2dWinograd(x, filter, out, g, ep)) return;
  }
  if (directSingleChannel(g) || narrowOutput(g)) {
    // Both read x in place (no task copies it): one scan first.
    if (watch != nullptr && !stillFinite(watch, allFinite(x, xSize))) return;
  }
  if (directSingleChannel(g)) {
    conv2dDirectSingleChannel(x, filter, out, g, ep);
    return;
  }
  if (narrowOutput(g)) {
    // Straight from x without im2col's copies (2-2.6x faster for one output, 1.5x for four).
    if (allFinite(filter, K * O)) {
      conv2dNarrowDirect(x, filter, out, g, ep);
    } else {
      conv2dNarrow(x, filter, out, g, ep);
    }
    return;
  }
  if (forwardPerTask(g)) {
    conv2dFused(x, filter, out, g, ep, watch);
    return;
  }
  const index_t step = chunkRows(g);
  float* cols = tlsCols.get(static_cast<std::size_t>(std::min(rows, step) * K));
  for (index_t r0 = 0; r0 < rows; r0 += step) {
    const index_t r1 = std::min(rows, r0 + step);
    im2colParallel(x, cols, g, r0, r1, watch);
    if (watch != nullptr && watch->stopped()) return;
    sgemm(false, false, r1 - r0, O, K, cols, K, filter, O, out + r0 * O, O, false, true, ep);
  }
}

/** conv2dBackpropInput for groups == 1; `watch` watches dy as conv2dPaths' watches x. */
void conv2dBackpropInputPaths(const float* dy, const float* filter, float* dx, const ConvGeom& g, Watch* watch) {
  const index_t rows = g.batch * g.outH * g.outW;
  const index_t K = g.kh * g.kw * g.inC;
  const index_t O = g.outC;
  const index_t dxSize = g.batch * g.inH * g.inW * g.inC;
  if (rows == 0 || K == 0) {
    std::fill(dx, dx + dxSize, 0.0f);
    return;
  }
  if (isPointwise(g)) {
    // Not watched, as conv2dPaths' pointwise GEMM is not (the same costs measured).
    sgemm(false, true, rows, K, O, dy, O, filter, O, dx, K, false);
    return;
  }
  // The tap-wise path reads dy in place (no task copies it or reads it block by block): one scan first.
  if (watch != nullptr && tapwiseInputGradient(g) && !stillFinite(watch, allFinite(dy, rows * O))) return;
  if (tapwiseInputGradient(g) && conv2dBackpropInputTapwise(dy, filter, dx, g)) return;
  // Both flipped-filter paths below pad dy with zeros and multiply them by every tap; each reports
  // a filter holding NaN or Inf (which those zeros would turn into NaN where col2im adds nothing)
  // and leaves the gradient to col2im's paths further on.
  bool filterFinite = true;
  if (g.sh == 1 && g.sw == 1) {
    // Winograd takes the turned filter's transform from the filter itself: no turned copy.
    const ConvGeom t = flippedGeom(g);
    if (winogradAppliesToInputGradient(t)) {
      const bool dyFinite = allFinite(dy, rows * O);
      if (watch != nullptr && !stillFinite(watch, dyFinite)) return;
      if (dyFinite) {
        if (conv2dWinogradFlipped(dy, filter, dx, t)) return;
        filterFinite = false;
      }
    }
  }
  // The flipped-filter convolution computes every input pixel over every tap: worth it when the
  // input is barely larger than the output (SAME-like padding; VALID pads dy with zero taps), the
  // filter is small (flipping a large one costs more than the scatter it saves, measured on VGG's
  // layers) and there are enough input channels (its GEMM's columns) to fill the micro-kernel's width.
  if (filterFinite && g.sh == 1 && g.sw == 1 && fused(g) && g.inC >= activeKernel().nr && g.inH * g.inW * 8 <= g.outH * g.outW * 9 &&
      conv2dBackpropInputAsConv(dy, filter, dx, g, watch)) {
    return;
  }
  // After the flipped-filter convolution: for 1-4 output channels that is a convolution with 1-4
  // input channels whose sums stay in registers, 1.4-7x faster than the narrow scatter (measured).
  if (narrowInputGradient(g)) {
    if (watch != nullptr && !stillFinite(watch, allFinite(dy, rows * O))) return;
    conv2dBackpropInputNarrow(dy, filter, dx, g);
    return;
  }
  if (fused(g) && g.batch >= numThreads()) {
    conv2dBackpropInputFused(dy, filter, dx, g, watch);
    return;
  }
  const index_t perImage = g.inH * g.inW * g.inC;
  parallelFor(g.batch, [&](index_t n) { std::fill(dx + n * perImage, dx + (n + 1) * perImage, 0.0f); });
  const index_t step = chunkRows(g);
  float* cols = tlsCols.get(static_cast<std::size_t>(std::min(rows, step) * K));
  for (index_t r0 = 0; r0 < rows; r0 += step) {
    const index_t r1 = std::min(rows, r0 + step);
    if (watch != nullptr && !stillFinite(watch, allFinite(dy + r0 * O, (r1 - r0) * O))) return;
    sgemm(false, true, r1 - r0, K, O, dy + r0 * O, O, filter, O, cols, K, false);
    col2imParallel(cols, dx, g, r0, r1);
  }
}

}  // namespace

void conv2d(const float* x, const float* filter, float* out, const ConvGeom& g, const Epilogue* ep) {
  if (g.groups > 1) {
    conv2dGrouped(x, filter, out, g, ep);
    return;
  }
  conv2dPaths(x, filter, out, g, ep, nullptr);
}

bool conv2dUnlessNonFinite(const float* x, const float* filter, float* out, const ConvGeom& g, index_t groupColumns, const Epilogue* ep) {
  Watch watch;
  watch.groupColumns = groupColumns;
  conv2dPaths(x, filter, out, g, ep, &watch);
  return !watch.stopped();
}

void conv2dBackpropInput(const float* dy, const float* filter, float* dx, const ConvGeom& g) {
  if (g.groups > 1) {
    conv2dBackpropInputGrouped(dy, filter, dx, g);
    return;
  }
  conv2dBackpropInputPaths(dy, filter, dx, g, nullptr);
}

bool conv2dBackpropInputUnlessNonFinite(const float* dy, const float* filter, float* dx, const ConvGeom& g, index_t groupColumns) {
  Watch watch;
  watch.groupColumns = groupColumns;
  conv2dBackpropInputPaths(dy, filter, dx, g, &watch);
  return !watch.stopped();
}

void conv2dBackpropFilter(const float* x, const float* dy, float* dw, const ConvGeom& g) {
  if (g.groups > 1) {
    conv2dBackpropFilterGrouped(x, dy, dw, g);
    return;
  }
  const index_t rows = g.batch * g.outH * g.outW;
  const index_t K = g.kh * g.kw * g.inC;
  const index_t O = g.outC;
  if (rows == 0) {
    std::fill(dw, dw + K * O, 0.0f);
    return;
  }
  if (isPointwise(g)) {
    sgemm(true, false, K, O, rows, x, K, dy, O, dw, O, false);
    return;
  }
  if (tapwiseFilterGradient(g) && conv2dBackpropFilterTapwise(x, dy, dw, g)) return;
  if (winogradAppliesToFilterGradient(g)) {
    // A NaN or Inf anywhere in x or dy reaches dw through the transforms and sums (times zero it
    // is NaN, and every patch and tile takes part), so one look at the small dw replaces scans of
    // both large operands (two of a layer's four on the Intel Xeon's resnet); a non-finite dw is
    // recomputed below by im2col, whose results such operands must give.
    conv2dBackpropFilterWinograd(x, dy, dw, g);
    if (allFinite(dw, K * O)) return;
  }
  if (directSingleChannel(g)) {
    conv2dBackpropFilterDirectSingleChannel(x, dy, nullptr, dw, nullptr, g);
    return;
  }
  if (narrowFilterGradient(g)) {
    conv2dBackpropFilterNarrow(x, dy, dw, g);
    return;
  }
  if (fused(g)) {
    conv2dBackpropFilterFused(x, dy, dw, g);
    return;
  }
  const index_t step = chunkRows(g);
  float* cols = tlsCols.get(static_cast<std::size_t>(std::min(rows, step) * K));
  for (index_t r0 = 0; r0 < rows; r0 += step) {
    const index_t r1 = std::min(rows, r0 + step);
    im2colParallel(x, cols, g, r0, r1);
    sgemm(true, false, K, O, r1 - r0, cols, K, dy + r0 * O, O, dw, O, r0 > 0);
  }
}

void conv2dBackpropFilterBiasActivation(const float* x, const float* dy, const float* y, Activation act, float* dw, float* dbias,
                                        const ConvGeom& g) {
  const index_t pixels = g.batch * g.outH * g.outW;
  if (pixels > 0 && g.groups == 1 && directSingleChannel(g)) {
    conv2dBackpropFilterDirectSingleChannel(x, dy, act == Activation::Relu ? y : nullptr, dw, dbias, g);
    return;
  }
  float* dz = tlsDz.get(static_cast<std::size_t>(std::max<index_t>(1, pixels * g.outC)));
  biasActivationGradF32(dy, y, pixels, g.outC, act, dz, dbias);
  conv2dBackpropFilter(x, dz, dw, g);
}

}  // namespace lamina
