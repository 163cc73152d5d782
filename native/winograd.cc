// 3x3 stride-1 convolution by Winograd F(2x2, 3x3) (Lavin & Gray): each 2x2 block of outputs (a
// tile) comes from the 4x4 input patch under it as Y = A^T [U . V] A, with U = G g G^T the
// transformed filter and V = B^T d B the transformed patch. Summed over input channels, the
// elementwise product becomes 16 independent GEMMs M[e] = V[e] (tiles x C) @ U[e] (C x O): 16
// products of C x O per tile instead of im2col's 36 (2.25x fewer multiplies), for a few additions
// per element in the transforms.
//
// The filter is transformed once per call straight into 16 PackedB (read by every task). Each task
// owns a block of tiles sized so that its V and M stay in L2: it transforms the block's patches,
// runs the 16 GEMMs with sgemmPackedB on its own thread, and writes the outputs (bias and
// activation applied, tiles clipped at the map's edges) straight to `out`. A stride-1 input
// gradient runs the same way with the turned filter's transform taken from the filter itself.
// Which shapes take it was measured against im2col (winogradApplies below); LAMINA_WINOGRAD=0 or 1
// overrides that. Its transforms add and subtract inputs (an Inf would become Inf - Inf = NaN), so
// operands holding NaN or Inf go to im2col instead: conv.cc scans x (allFinite below), and the
// filter's transform, which reads every tap anyway, reports a non-finite one.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <vector>
#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

#include "common.h"

namespace lamina {
namespace {

// ------------------------------------------------------------------ portable transforms

void inputPortable(const float* const* d, index_t C, float* v, index_t vStride) {
  for (index_t c = 0; c < C; c++) {
    float w[16];
    for (int j = 0; j < 4; j++) {
      const float x0 = d[j][c], x1 = d[4 + j][c], x2 = d[8 + j][c], x3 = d[12 + j][c];
      w[j] = x0 - x2;
      w[4 + j] = x1 + x2;
      w[8 + j] = x2 - x1;
      w[12 + j] = x1 - x3;
    }
    for (int i = 0; i < 4; i++) {
      const float w0 = w[4 * i], w1 = w[4 * i + 1], w2 = w[4 * i + 2], w3 = w[4 * i + 3];
      v[(4 * i) * vStride + c] = w0 - w2;
      v[(4 * i + 1) * vStride + c] = w1 + w2;
      v[(4 * i + 2) * vStride + c] = w2 - w1;
      v[(4 * i + 3) * vStride + c] = w1 - w3;
    }
  }
}

void outputPortable(const float* m, index_t mStride, index_t O, float* const* y, const float* bias, Activation act) {
  for (index_t o = 0; o < O; o++) {
    float s0[4], s1[4];
    for (int j = 0; j < 4; j++) {
      const float m0 = m[j * mStride + o], m1 = m[(4 + j) * mStride + o];
      const float m2 = m[(8 + j) * mStride + o], m3 = m[(12 + j) * mStride + o];
      s0[j] = (m0 + m1) + m2;
      s1[j] = (m1 - m2) - m3;
    }
    const float r[4] = {(s0[0] + s0[1]) + s0[2], (s0[1] - s0[2]) - s0[3], (s1[0] + s1[1]) + s1[2],
                        (s1[1] - s1[2]) - s1[3]};
    for (int q = 0; q < 4; q++) {
      if (y[q] == nullptr) continue;
      float t = r[q];
      if (bias != nullptr) t += bias[o];
      if (act == Activation::Relu) t = t < 0.0f ? 0.0f : t;  // NaN and -0 stay, as in JS
      y[q][o] = t;
    }
  }
}

/** A = [1 0; 1 1; 1 -1; 0 -1]: (r0, r0 + r1, r0 - r1, -r1) on the tile's two rows, then on the columns. */
void outputGradientPortable(const float* const* q, index_t O, float* m, index_t mStride) {
  for (index_t o = 0; o < O; o++) {
    const float y00 = q[0][o], y01 = q[1][o], y10 = q[2][o], y11 = q[3][o];
    const float a[4][2] = {{y00, y01}, {y00 + y10, y01 + y11}, {y00 - y10, y01 - y11}, {-y10, -y11}};
    for (int i = 0; i < 4; i++) {
      m[(4 * i) * mStride + o] = a[i][0];
      m[(4 * i + 1) * mStride + o] = a[i][0] + a[i][1];
      m[(4 * i + 2) * mStride + o] = a[i][0] - a[i][1];
      m[(4 * i + 3) * mStride + o] = -a[i][1];
    }
  }
}

const WinogradTransforms kPortable{"portable", inputPortable, outputPortable, outputGradientPortable};

}  // namespace

const WinogradTransforms& winogradPortableTransforms() { return kPortable; }

/** The AVX2 transforms alongside an AVX2 (or wider) GEMM kernel, else the portable ones (also under LAMINA_SIMD=scalar). */
const WinogradTransforms& winogradTransforms() {
  static const WinogradTransforms* t = [] {
    const WinogradTransforms* avx2 = winogradAvx2Transforms();
    const std::string_view kernel = activeKernel().name;
    return avx2 != nullptr && (kernel == "avx2" || kernel == "avx512") ? avx2 : &kPortable;
  }();
  return *t;
}

namespace {

// ------------------------------------------------------------------ filter transform

/** The widest micro-kernel panel (AVX-512's NR): room for one packed row of every kernel. */
constexpr index_t MAX_NR = 32;
/** Depth rows (input channels) per step of the flipped transform: one cache line of each tap's run. */
constexpr index_t FLIPPED_ROWS = 16;

/** 1 when the float's exponent field is all ones (an Inf or a NaN), else 0. */
inline std::uint32_t nonFinite(float v) {
  std::uint32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return (bits & 0x7f800000u) == 0x7f800000u ? 1u : 0u;
}

/**
 * r[e][j] = (G g G^T)[e] for j < n, with G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1] and g the
 * 3x3 taps x[a][j] (a = row * 3 + column): G over the filter's rows for each column, then over the
 * columns. Returns nonzero when a tap is not finite (checked here, where every tap is read anyway,
 * instead of by a separate scan of the filter).
 */
inline std::uint32_t transformTaps(const float* const* x, index_t n, float (*r)[MAX_NR]) {
  std::uint32_t bad = 0;
  for (index_t j = 0; j < n; j++) {
    float t[4][3];  // G g: row i of G over the filter's rows, for each filter column b
    for (int b = 0; b < 3; b++) {
      const float x0 = x[b][j], x1 = x[3 + b][j], x2 = x[6 + b][j];
      bad |= nonFinite(x0) | nonFinite(x1) | nonFinite(x2);
      t[0][b] = x0;
      t[1][b] = 0.5f * ((x0 + x1) + x2);
      t[2][b] = 0.5f * ((x0 - x1) + x2);
      t[3][b] = x2;
    }
    for (int i = 0; i < 4; i++) {
      r[4 * i][j] = t[i][0];
      r[4 * i + 1][j] = 0.5f * ((t[i][0] + t[i][1]) + t[i][2]);
      r[4 * i + 2][j] = 0.5f * ((t[i][0] - t[i][1]) + t[i][2]);
      r[4 * i + 3][j] = t[i][2];
    }
  }
  return bad;
}

/**
 * xs[q][j] = src[j * ld + q] for q < nRows (at most FLIPPED_ROWS), j < cols: a block of a flipped
 * filter's taps turned so that a row holds a panel row's output channels; 4x4 blocks through SSE
 * registers. With `prefetch`, asks for the same runs' lines two blocks on: cols runs per tap, 288
 * a line apart for AVX-512's panels, are more than the hardware prefetcher follows.
 */
inline void gatherTransposed(const float* src, index_t ld, index_t nRows, index_t cols, bool prefetch, float (*xs)[MAX_NR]) {
#if defined(__GNUC__) || defined(__clang__)
  if (prefetch) {
    for (index_t j = 0; j < cols; j++) __builtin_prefetch(src + j * ld + 2 * FLIPPED_ROWS);
  }
#else
  (void)prefetch;  // MSVC has no __builtin_prefetch; the hint only saves stalls
#endif
  index_t j = 0;
#if defined(__SSE2__)
  for (; j + 4 <= cols && nRows == FLIPPED_ROWS; j += 4) {
    const float* s = src + j * ld;
    for (index_t q = 0; q < FLIPPED_ROWS; q += 4) {
      __m128 r0 = _mm_loadu_ps(s + q), r1 = _mm_loadu_ps(s + ld + q);
      __m128 r2 = _mm_loadu_ps(s + 2 * ld + q), r3 = _mm_loadu_ps(s + 3 * ld + q);
      _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
      _mm_storeu_ps(xs[q] + j, r0);
      _mm_storeu_ps(xs[q + 1] + j, r1);
      _mm_storeu_ps(xs[q + 2] + j, r2);
      _mm_storeu_ps(xs[q + 3] + j, r3);
    }
  }
#endif
  for (; j < cols; j++) {
    for (index_t q = 0; q < nRows; q++) xs[q][j] = src[j * ld + q];
  }
}

/** Row p of the 16 panels dst[e] (NR wide) from r[e]: NR known, so that the copies are a few vector moves, not memcpy calls. */
template <index_t NR>
inline void storeRowOf(const float (*r)[MAX_NR], float* const* dst, index_t p) {
  static_assert(NR <= MAX_NR, "a panel row must fit in r");
  for (int e = 0; e < 16; e++) {
    float* d = dst[e] + p * NR;
    for (index_t j = 0; j < NR; j++) d[j] = r[e][j];
  }
}

/** storeRowOf for the micro-kernels' panel widths (AVX-512, AVX2, NEON, scalar). */
inline void storeRow(const float (*r)[MAX_NR], index_t nr, float* const* dst, index_t p) {
  switch (nr) {
    case 32: storeRowOf<32>(r, dst, p); break;
    case 16: storeRowOf<16>(r, dst, p); break;
    case 12: storeRowOf<12>(r, dst, p); break;
    case 8: storeRowOf<8>(r, dst, p); break;
    default:
      for (int e = 0; e < 16; e++) std::memcpy(dst[e] + p * nr, r[e], sizeof(float) * nr);
  }
}

/**
 * Panel (kb, jp) of the 16 packed transformed filters u[e] (k = C input channels, n = O output
 * channels), straight from the filter [3, 3, C, O], or with `flipped` from the filter [3, 3, O, C]
 * of the forward convolution whose input gradient this is: there the turned filter's transform is
 * P U P^T with U the given filter's (G J = P G, J reversing the taps, P swapping rows 0 and 3 of
 * G), transposed per matrix, so matrix e takes the result of e with rows and columns 0 and 3
 * swapped, and a panel row (input channel c) gathers its taps across the output channels. One pass
 * over the filter, no intermediate copy of the transform. Returns false when a tap is not finite.
 */
LAMINA_SIMD_CLONES
bool transformFilterPanel(const float* filter, index_t C, index_t O, bool flipped, PackedB* u, index_t kb, index_t jp) {
  const index_t nr = u[0].nr, kc = u[0].kc, CO = C * O;
  const index_t c0 = kb * kc, rows = std::min(kc, C - c0);
  const index_t o0 = jp * nr, cols = std::min(nr, O - o0);
  float* dst[16];
  for (int e = 0; e < 16; e++) {
    const int i = e / 4, j = e % 4;
    const int to = flipped ? (i == 0 || i == 3 ? 3 - i : i) * 4 + (j == 0 || j == 3 ? 3 - j : j) : e;
    dst[e] = u[to].panelData(kb, jp);
  }
  alignas(64) float r[16][MAX_NR];
  for (int e = 0; e < 16; e++) {
    for (index_t j = cols; j < nr; j++) r[e][j] = 0.0f;  // the panel's columns past O
  }
  std::uint32_t bad = 0;
  if (!flipped) {
    for (index_t p = 0; p < rows; p++) {
      const float* x[9];
      for (int a = 0; a < 9; a++) x[a] = filter + a * CO + (c0 + p) * O + o0;
      bad |= transformTaps(x, cols, r);
      storeRow(r, nr, dst, p);
    }
    return bad == 0;
  }
  // Tap a of (c, o) is filter[a * CO + o * C + c]: read a line of input channels per output
  // channel, then transpose them in L1.
  alignas(64) float xs[9][FLIPPED_ROWS][MAX_NR];
  for (index_t p0 = 0; p0 < rows; p0 += FLIPPED_ROWS) {
    const index_t nRows = std::min(FLIPPED_ROWS, rows - p0);
    const bool prefetch = p0 + 2 * FLIPPED_ROWS <= rows;
    for (int a = 0; a < 9; a++) gatherTransposed(filter + a * CO + o0 * C + c0 + p0, C, nRows, cols, prefetch, xs[a]);
    for (index_t q = 0; q < nRows; q++) {
      const float* x[9];
      for (int a = 0; a < 9; a++) x[a] = xs[a][q];
      bad |= transformTaps(x, cols, r);
      storeRow(r, nr, dst, p0 + q);
    }
  }
  return bad == 0;
}

// ------------------------------------------------------------------ buffers and blocking

/** The calling thread's transformed, packed filter (read by every task of its convolutions). */
thread_local PackedB tlsU[16];
thread_local AlignedBuffer tlsV;
thread_local AlignedBuffer tlsM;
thread_local std::vector<float> tlsZeros;

/** Floats of V and M together per task (256 KiB: half of the AMD EPYC's L2; 32K to 128K measured the same). */
constexpr index_t BLOCK_FLOATS = index_t(1) << 16;

/** Floats in the L2 cache, 0 when the system does not say. */
index_t l2Floats() {
  static const index_t n = [] {
    long bytes = -1;
#if defined(_SC_LEVEL2_CACHE_SIZE)
    bytes = sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
    return bytes > 0 ? static_cast<index_t>(bytes) / index_t(sizeof(float)) : index_t(0);
  }();
  return n;
}

/**
 * V and M's budget per task: BLOCK_FLOATS, or half of a larger L2 when the packed filter (16 C O
 * floats) does not fit in it, so that each of its panels, streamed from L3, serves more tiles.
 * Measured on the Intel Xeon (2 MiB L2, 1 MiB budget, against 256 KiB; 21 pairs): 512 -> 512 on
 * 4x4 maps 1.10x, 256 -> 256 on 8x8 1.15x; with the filter in L2 it lost (128 -> 128 0.95x, 64 ->
 * 64 0.99x). On a 512 KiB L2 it is BLOCK_FLOATS either way.
 */
index_t blockFloats(index_t C, index_t O) {
  const index_t l2 = l2Floats();
  return 16 * C * O > l2 ? std::max(BLOCK_FLOATS, l2 / 2) : BLOCK_FLOATS;
}

/**
 * Tiles per task: V and M within the budget (L2), whole micro-kernel row blocks, and a few tasks per
 * thread. (Also splitting the output channels when there are few tiles, and blocks of at least 48
 * tiles when the transformed filter is too big for L2, each measured no faster on the AMD EPYC;
 * blockFloats gives the Intel Xeon's larger L2 to such filters.)
 */
index_t tilesPerTask(const ConvGeom& g, index_t tiles) {
  const index_t mr = activeKernel().mr;
  const index_t threads = numThreads();
  const index_t want = threads > 1 ? 4 * threads : 1;
  const index_t t = std::min(blockFloats(g.inC, g.outC) / (16 * (g.inC + g.outC)), (tiles + want - 1) / want);
  return std::max(mr, (t + mr - 1) / mr * mr);
}

}  // namespace

namespace {

bool eligible(const ConvGeom& g) {
  // (Every micro-kernel's panel fits transformFilterPanel's rows; the check guards a wider one.)
  return g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1 && activeKernel().nr <= MAX_NR;
}

/** LAMINA_WINOGRAD: 0 (off), 1 (forced), -1 (the measured rules). */
int setting() { return pathSwitch("LAMINA_WINOGRAD"); }

index_t tileCount(const ConvGeom& g) { return g.batch * ((g.outH + 1) / 2) * ((g.outW + 1) / 2); }

/**
 * Measured (interleaved A/B, 2 threads): with fewer input channels the transforms cost more than
 * the GEMMs save (1 -> 64 at 0.85x, 4 -> 32 at 0.86x, 8 -> 8 at 0.98x, 8 -> 16 at 1.2x); on few
 * tiles, or little work in all, the filter's transform and the pool's hand-offs do (16 -> 16 on
 * 64 tiles at 0.56x, 32 -> 32 on 16 tiles at 0.93x), and a big filter needs tiles in proportion
 * (512 -> 512 on 32 tiles at 0.86-0.89x, on 64 at 0.97-1.04x, on 128 at 1.1-1.5x; 256 -> 512 on
 * 128 at 1.36x, 256 -> 256 on 64 at 1.41x). Since the filter's transform goes straight into the
 * packed panels (Intel Xeon, AVX-512, against im2col): 512 -> 512 on 64 tiles at 1.44x, 256 -> 512
 * on 32 at 0.99x, 512 -> 256 on 32 at 1.28x.
 */
bool forwardWins(const ConvGeom& g) {
  const index_t C = g.inC, O = g.outC, tiles = tileCount(g);
  // C * O up to 2^20 (4x the largest measured, 512 -> 512): the transformed and packed filters
  // (16 * C * O floats each, kept per calling thread) stay within 64 MiB.
  return (C >= 16 || (C >= 8 && O >= 16)) && tiles >= 24 && tiles * C * O >= 32768 && tiles * 4096 >= C * O &&
         C * O <= (index_t(1) << 20);
}

/**
 * Measured against im2col's filter gradient (interleaved A/B, 2 threads, AVX-512): 64 -> 64 on
 * 8192 tiles at 1.15x, 64 -> 64 on 12544 at 1.17x, 64 -> 128 on 2048 at 1.31x, 128 -> 128 on 2048
 * at 1.92x, 256 -> 256 on 512 at 2.0x, 512 -> 512 on 128 at 1.47x; fewer channels gain nothing
 * (32 -> 32 at 0.94-1.03x, 32 -> 64 at 0.99x) or lose (3 -> 32 at 0.40x, 1 -> 32 at 0.29x), and a
 * big filter on few tiles loses to its 16 C x O accumulators (512 -> 512 on 32 tiles at 0.41x).
 * With the AVX2 micro-kernel (LAMINA_SIMD=avx2, same machine) the chosen shapes gain 1.6-2.3x and
 * the others still lose (32 -> 32 at 0.85x, 32 -> 64 at 0.89x, 512 -> 512 on 32 tiles at 0.66x).
 */
bool filterGradientWins(const ConvGeom& g) {
  const index_t C = g.inC, O = g.outC;
  return std::min(C, O) >= 64 && tileCount(g) * 2048 >= C * O && C * O <= (index_t(1) << 20);
}

}  // namespace

bool winogradApplies(const ConvGeom& g) {
  if (!eligible(g)) return false;
  const int s = setting();
  return s >= 0 ? s == 1 : forwardWins(g);
}

bool winogradAppliesToInputGradient(const ConvGeom& t) {
  if (!eligible(t)) return false;
  const int s = setting();
  if (s >= 0) return s == 1;
  // Against a GEMM into columns and a scatter (measured, 2 threads): the forward pass's input
  // channels (t.outC) must fill the micro-kernel's width too (3 -> 32 on 32x32 maps at 0.54x), and
  // a big filter needs tiles to pay for its transform (512 -> 512 on 32 tiles at 0.73x, on 128
  // at 1.04x; 256 -> 512 on 128 at 1.5x). Since the transform goes straight into packed panels
  // (Intel Xeon, AVX-512): 512 -> 512 on 128 tiles at 1.22x (8x8 maps 1.33x), on 64 at 1.12x;
  // 256 -> 512 on 64 at 1.03x, on 32 at 0.94x, 512 -> 256 on 32 at 0.86x.
  return forwardWins(t) && t.outC >= 16 && tileCount(t) * 2048 >= t.inC * t.outC;
}

bool winogradAppliesToFilterGradient(const ConvGeom& g) {
  if (!eligible(g)) return false;
  const int s = setting();
  if (s >= 0) return s == 1;
  return filterGradientWins(g);
}

// An exponent field of all ones is an Inf or a NaN. Compare-and-or vectorizes with SSE2 alone (the
// baseline); an unsigned max needs SSE4.1 and ran scalar. The AVX-512 and AVX2 clones take 16 and 8 lanes.
LAMINA_SIMD_CLONES
bool allFiniteSerial(const float* x, index_t n) {
  std::uint32_t bad = 0;
  for (index_t i = 0; i < n; i++) bad |= nonFinite(x[i]);
  return bad == 0;
}

bool pairFinite(const float* c, index_t rows, index_t ld, index_t j) {
  std::uint32_t bad = 0;
  for (index_t r = 0; r < rows; r++) bad |= nonFinite(c[r * ld + j]) | nonFinite(c[r * ld + j + 1]);
  return bad == 0;
}

bool allFinite(const float* x, index_t n) {
  constexpr index_t CHUNK = 1 << 16;
  std::atomic<bool> finite{true};
  parallelFor((n + CHUNK - 1) / CHUNK, [&](index_t t) {
    if (!allFiniteSerial(x + t * CHUNK, std::min(n, (t + 1) * CHUNK) - t * CHUNK)) finite.store(false, std::memory_order_relaxed);
  });
  return finite.load(std::memory_order_relaxed);
}

namespace {

/**
 * The convolution g by Winograd. With `flipped`, filter is the filter [3, 3, g.outC, g.inC] of a
 * forward convolution whose input gradient this is, used turned 180 degrees with its channel axes
 * swapped: since G J = P G (J reverses the taps, P swaps rows 0 and 3 of G), the turned filter's
 * transform is P U P^T with U the given filter's, transposed per matrix, which the packing does.
 * Returns false, having written nothing, when the filter holds a NaN or an Inf.
 */
bool winograd(const float* x, const float* filter, bool flipped, float* out, const ConvGeom& g, const Epilogue* ep) {
  const index_t C = g.inC, O = g.outC, OH = g.outH, OW = g.outW;
  const index_t tilesH = (OH + 1) / 2, tilesW = (OW + 1) / 2;
  const index_t perImage = tilesH * tilesW;
  const index_t tiles = g.batch * perImage;
  if (tiles == 0 || O == 0) return true;
  const WinogradTransforms& tr = winogradTransforms();
  const float* bias = ep != nullptr ? ep->bias : nullptr;
  const Activation act = ep != nullptr ? ep->act : Activation::Linear;
  const index_t T = tilesPerTask(g, tiles);
  const index_t vs = skewedStride(T * C), ms = skewedStride(T * O);

  // The filter is transformed straight into the 16 packed matrices, a column panel per task.
  PackedB* u = tlsU;
  for (int e = 0; e < 16; e++) u[e].layOut(C, O);
  const index_t nPanels = u[0].nPanels;
  std::atomic<bool> finite{true};
  parallelFor(u[0].kBlocks * nPanels, [&](index_t t) {
    if (!transformFilterPanel(filter, C, O, flipped, u, t / nPanels, t % nPanels)) finite.store(false, std::memory_order_relaxed);
  });
  if (!finite.load(std::memory_order_relaxed)) return false;

  std::vector<float>& zeros = tlsZeros;
  if (static_cast<index_t>(zeros.size()) < C) zeros.assign(static_cast<std::size_t>(C), 0.0f);
  const float* zero = zeros.data();
  parallelFor((tiles + T - 1) / T, [&](index_t task) {
    const index_t t0 = task * T, nt = std::min(T, tiles - t0);
    float* v = tlsV.get(static_cast<std::size_t>(16 * vs));
    float* m = tlsM.get(static_cast<std::size_t>(16 * ms));
    // Transform the block's input patches: V[e] is a [T, C] matrix at v + e * vs.
    for (index_t k = 0; k < nt; k++) {
      const index_t t = t0 + k;
      const float* d[16];
      winogradPatch(x, g, t, zero, d);
      tr.input(d, C, v + k * C, vs);
    }
    // M[e] = V[e] @ U[e], a [T, O] matrix at m + e * ms.
    for (index_t e = 0; e < 16; e++) sgemmPackedB(nt, v + e * vs, C, u[e], m + e * ms, O, false);
    for (index_t k = 0; k < nt; k++) {
      const index_t t = t0 + k, n = t / perImage, ty = (t % perImage) / tilesW, tx = t % tilesW;
      float* y[4];
      for (int q = 0; q < 4; q++) {
        const index_t oy = 2 * ty + q / 2, ox = 2 * tx + q % 2;
        y[q] = oy < OH && ox < OW ? out + ((n * OH + oy) * OW + ox) * O : nullptr;
      }
      tr.output(m + k * O, ms, O, y, bias, act);
    }
  });
  return true;
}

}  // namespace

bool conv2dWinograd(const float* x, const float* filter, float* out, const ConvGeom& g, const Epilogue* ep) {
  return winograd(x, filter, false, out, g, ep);
}

bool conv2dWinogradFlipped(const float* x, const float* filter, float* out, const ConvGeom& g) {
  return winograd(x, filter, true, out, g, nullptr);
}

}  // namespace lamina
