// Shared declarations of lamina's native kernels (C++17, no dependencies beyond the standard library).
#pragma once
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <cstdint>
#include <functional>
#include <type_traits>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

/*
 * Builds a function for AVX-512, AVX2 and the baseline, the loader picking one for the CPU (GCC
 * on x86-64 Linux with glibc, whose ifunc resolvers make the pick; musl has none, and elsewhere
 * there is one baseline build): for plain loops the compiler vectorizes, whose results do not
 * depend on the vector width.
 */
#if defined(__x86_64__) && defined(__linux__) && defined(__GLIBC__) && defined(__GNUC__) && !defined(__clang__)
#define LAMINA_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define LAMINA_SIMD_CLONES
#endif

namespace lamina {

using index_t = std::int64_t;

/*
 * A register-blocked GEMM micro-kernel: C[0:mr, 0:nr] = (accumulate ? C : 0) + A * Bp over kc steps.
 * A's element (i, p) is a[i * rsA + p * csA]: a packed micro-panel has rsA = 1, csA = MR, and an
 * unpacked op(A) is read in place (rsA = lda, csA = 1, or rsA = 1, csA = lda when transposed); rows
 * at or past mr are never read. Bp is a packed, 64-byte aligned micro-panel of kc steps of NR
 * values of op(B). Only the first mr rows and nr columns of the MR x NR tile are stored.
 */
using MicroKernelFn = void (*)(index_t kc, const float* a, index_t rsA, index_t csA, const float* b, float* c,
                               index_t ldc, int mr, int nr, bool accumulate);

struct MicroKernel {
  const char* name;
  int mr;
  int nr;
  MicroKernelFn fn;
};

// Each SIMD translation unit is compiled with its own -m flags (NEON needs none on AArch64) and returns
// nullptr when the compiler could not target that instruction set (AVX off x86, NEON off AArch64).
const MicroKernel* avx2Kernel();
const MicroKernel* avx512Kernel();
const MicroKernel* neonKernel();

/** C[0:mr, 0:nr] = (accumulate ? C : 0) + tile[0:mr, 0:nr]: a micro-kernel's edge tile, its rows ldt apart. */
inline void storeTileEdge(const float* tile, int ldt, float* c, index_t ldc, int mr, int nr, bool accumulate) {
  for (int i = 0; i < mr; i++) {
    float* row = c + i * ldc;
    const float* tr = tile + i * ldt;
    if (accumulate) {
      for (int j = 0; j < nr; j++) row[j] += tr[j];
    } else {
      for (int j = 0; j < nr; j++) row[j] = tr[j];
    }
  }
}

// ------------------------------------------------------------------ allocator (allocator.cc)

/** Tunes glibc's malloc for tensor-sized blocks (see allocator.cc); false when left alone. */
bool tuneAllocator();

// ------------------------------------------------------------------ thread pool (threadpool.cc)

/** Threads of the persistent pool, the calling thread included (>= 1). */
int numThreads();
/** Runs fn(0) .. fn(n - 1) across the pool; returns when all are done. Serial when called from a task. */
void parallelFor(index_t n, const std::function<void(index_t)>& fn);

/** A 64-byte aligned float buffer that grows to the largest size asked (per-thread scratch). */
struct AlignedBuffer {
  float* data = nullptr;
  std::size_t cap = 0;
  float* get(std::size_t n) {
    if (n > cap) {
      if (data != nullptr) ::operator delete[](data, std::align_val_t(64));
      cap = n;
      data = static_cast<float*>(::operator new[](cap * sizeof(float), std::align_val_t(64)));
    }
    return data;
  }
  ~AlignedBuffer() {
    if (data != nullptr) ::operator delete[](data, std::align_val_t(64));
  }
};

/**
 * The distance between matrices of n floats written side by side as many streams at once (Winograd's
 * 16): n rounded up to a 64-byte line, plus a line when that is a multiple of 4 KiB, so that the
 * streams do not all fall into the same L1 sets (that made the transforms 2-3x slower, measured).
 */
inline index_t skewedStride(index_t n) {
  const index_t line = 16;
  const index_t r = (n + line - 1) / line * line;
  return r % 1024 == 0 ? r + line : r;
}

// ------------------------------------------------------------------ GEMM (gemm.cc)

/** The activations fused into bias kernels (the JS FusedActivation, in order). */
enum class Activation { Linear = 0, Relu = 1 };

/** What a GEMM applies to each finished row of C: + bias[column] (when bias is set), then the activation. */
struct Epilogue {
  const float* bias;
  Activation act;
};

/**
 * v < 0 ? +0 : v, -0 and NaN kept, decided on the bits: clang (LLVM 14 at least) compiles the
 * float conditional, and a mask made from it, to AArch64's fmax, whose fmax(-0, +0) is +0, so
 * relu(-0) there would differ from JS's -0. v < 0 exactly when its bits lie in [-denormin, -inf]:
 * sign set, not -0, not NaN.
 */
template <typename F>
inline F zeroIfNegative(F v) {
  using Bits = std::conditional_t<sizeof(F) == 4, std::uint32_t, std::uint64_t>;
  constexpr Bits sign = Bits(1) << (8 * sizeof(F) - 1);
  constexpr Bits infinity = sizeof(F) == 4 ? Bits(0x7f800000u) : Bits(0x7ff0000000000000ull);
  Bits bits;
  std::memcpy(&bits, &v, sizeof(F));
  if (bits - (sign + 1) < infinity) bits = 0;
  std::memcpy(&v, &bits, sizeof(F));
  return v;
}

/** relu(v) = v < 0 ? 0 : v: NaN and -0 stay (torch.relu, TF's NaN-propagating max), as in JS. */
inline float reluKeepNaN(float v) {
#if defined(__SSE2__)
  // maxss returns its second operand when either is NaN or both are zeros: max(0, v) is v then.
  return _mm_cvtss_f32(_mm_max_ss(_mm_setzero_ps(), _mm_set_ss(v)));
#else
  return zeroIfNegative(v);
#endif
}

/**
 * row[j] = act(row[j] + bias[j]) for j < n (bias may be null), relu as reluKeepNaN. On x86 four at a
 * time with maxps(0, v): the compiler turns v < 0 ? 0 : v into a compare and a mask instead, and
 * the scalar tail into branches (measured slower than the NaN-hiding max(v, 0) it replaced).
 */
inline void applyEpilogueRow(float* row, index_t n, const float* bias, Activation act) {
  if (bias == nullptr && act == Activation::Linear) return;
  index_t j = 0;
#if defined(__SSE2__)
  if (act == Activation::Relu) {
    const __m128 zero = _mm_setzero_ps();
    if (bias != nullptr) {
      for (; j + 4 <= n; j += 4) {
        _mm_storeu_ps(row + j, _mm_max_ps(zero, _mm_add_ps(_mm_loadu_ps(row + j), _mm_loadu_ps(bias + j))));
      }
    } else {
      for (; j + 4 <= n; j += 4) _mm_storeu_ps(row + j, _mm_max_ps(zero, _mm_loadu_ps(row + j)));
    }
  }
#endif
  if (bias != nullptr) {
    if (act == Activation::Relu) {
      for (; j < n; j++) row[j] = reluKeepNaN(row[j] + bias[j]);
    } else {
      for (; j < n; j++) row[j] += bias[j];
    }
  } else {
    for (; j < n; j++) row[j] = reluKeepNaN(row[j]);
  }
}

/** The micro-kernel chosen for this CPU (LAMINA_SIMD=scalar|avx2|avx512 may force a lower one). */
const MicroKernel& activeKernel();

/**
 * C[m, n] = op(A)[m, k] @ op(B)[k, n] (+ C when accumulate), row-major with leading dimensions.
 * op(A) = A^T when transA (A stored [k, m]); op(B) = B^T when transB (B stored [n, k]).
 * `parallel` = false keeps the whole product on the calling thread.
 */
void sgemm(bool transA, bool transB, index_t m, index_t n, index_t k, const float* a, index_t lda, const float* b,
           index_t ldb, float* c, index_t ldc, bool accumulate, bool parallel = true, const Epilogue* epilogue = nullptr);

/**
 * op(B) [k, n] packed once into the active micro-kernel's panels (depth blocks of kc, NR columns
 * each), to be multiplied by many blocks of A: a convolution's filter, shared read-only by every
 * task of the pool. Packing runs across the pool.
 */
class PackedB {
 public:
  PackedB() = default;
  PackedB(const PackedB&) = delete;
  PackedB& operator=(const PackedB&) = delete;
  ~PackedB();
  void pack(bool transB, const float* b, index_t ldb, index_t k, index_t n);
  /**
   * pack's layout for op(B) [k, n] and room for it, the panels left for the caller to write
   * (panelData): each one kc rows (fewer in the last depth block) of nr values, zero past column n.
   */
  void layOut(index_t k, index_t n);
  const float* panel(index_t kb, index_t jp) const { return data_ + (kb * nPanels + jp) * nr * kc; }
  float* panelData(index_t kb, index_t jp) { return data_ + (kb * nPanels + jp) * nr * kc; }
  index_t k = 0, n = 0, kc = 0, kBlocks = 0, nPanels = 0;
  int nr = 0;

 private:
  float* data_ = nullptr;
  std::size_t cap_ = 0;
};

/**
 * C[m, n] = A[m, k] @ B (+ C when accumulate), then the epilogue, with A read in place (row-major,
 * leading dimension lda) and B packed; on the calling thread only.
 */
void sgemmPackedB(index_t m, const float* a, index_t lda, const PackedB& b, float* c, index_t ldc, bool accumulate,
                  const Epilogue* epilogue = nullptr);

/**
 * A kernel path's switch, read per call from the environment variable `name` (for A/B comparisons
 * and tests): 0 when it starts with '0' (off), 1 with '1' (forced), else -1 (the measured rules).
 */
inline int pathSwitch(const char* name) {
  const char* env = std::getenv(name);
  if (env != nullptr && env[0] == '0') return 0;
  if (env != nullptr && env[0] == '1') return 1;
  return -1;
}

// ------------------------------------------------------------------ convolution (conv.cc)

/** NHWC geometry with filters [kh, kw, in, out]; the same fields as the TypeScript Conv2DInfo. */
struct ConvGeom {
  index_t batch, inH, inW, inC, outH, outW, outC, kh, kw, sh, sw, dh, dw, padTop, padLeft, padBottom, padRight;
  /** Grouped convolution: the filter is [kh, kw, inC / groups, outC]; conv.cc hands groups > 1 to conv_grouped.cc. */
  index_t groups = 1;
};

/**
 * Row kernels of the direct path for convolutions with one input channel (conv.cc), over one
 * output row of OW pixels whose K taps lie at src[ox * step + off[k]]: forwardRow writes
 * row[ox][o] = act(sum_k tap * filter[k][o] + bias[o]) (bias may be null; relu as reluKeepNaN);
 * filterGradRow adds sum_ox tap * dz[ox][o] into acc[k][o], and when db is given dz's column sums
 * (in double) into db[o], with dz = dyRow, or relu's gradient dyRow where yRow > 0 or NaN, else 0,
 * when yRow (the relu's output) is given.
 */
struct DirectConvKernels {
  void (*forwardRow)(const float* src, const index_t* off, index_t K, index_t step, const float* filter, const float* bias,
                     bool relu, float* row, index_t OW, index_t O);
  void (*filterGradRow)(const float* src, const index_t* off, index_t K, index_t step, const float* dyRow, const float* yRow,
                        float* acc, double* db, index_t OW, index_t O);
};
/**
 * The AVX-512 build of them (conv_direct_avx512.cc) and the AVX2 + FMA one (conv_direct_avx2.cc),
 * or null when the compiler could not target it; both sum in the same order (the same bits).
 */
const DirectConvKernels* avx512DirectConv();
const DirectConvKernels* avx2DirectConv();

/** out = conv2d(x, filter), then the epilogue (bias per output channel, activation) when given. */
void conv2d(const float* x, const float* filter, float* out, const ConvGeom& g, const Epilogue* epilogue = nullptr);
void conv2dBackpropInput(const float* dy, const float* filter, float* dx, const ConvGeom& g);
void conv2dBackpropFilter(const float* x, const float* dy, float* dw, const ConvGeom& g);
/**
 * conv2d and conv2dBackpropInput (groups 1) that return false, out / dx unspecified, where they find a
 * NaN or Inf in x / dy (or, rarely, one in values no tap reads): conv_grouped.cc's block-diagonal
 * filter would multiply it by its zero blocks, making NaN of other groups' channels; groupColumns is the
 * width of out's / dx's groups (channels per group). The checks come almost free where the paths run
 * them: Winograd's scan, two columns of each output block a task has just written (conv.cc's checkBlock).
 * Pointwise convolutions (1x1, stride 1, no padding) are not watched: they return true, NaN spread and all.
 */
bool conv2dUnlessNonFinite(const float* x, const float* filter, float* out, const ConvGeom& g, index_t groupColumns,
                           const Epilogue* epilogue);
bool conv2dBackpropInputUnlessNonFinite(const float* dy, const float* filter, float* dx, const ConvGeom& g, index_t groupColumns);
/** The three for groups > 1 (conv_grouped.cc): each group's operands gathered and run through the ones above. */
void conv2dGrouped(const float* x, const float* filter, float* out, const ConvGeom& g, const Epilogue* epilogue);
void conv2dBackpropInputGrouped(const float* dy, const float* filter, float* dx, const ConvGeom& g);
void conv2dBackpropFilterGrouped(const float* x, const float* dy, float* dw, const ConvGeom& g);
/**
 * conv2dBackpropFilter(x, dz) and dbias (when not null) = biasActivationGradF32's, from dy and the
 * output y = act(z + bias), without writing dz: a fused convolution's backward pass when its input
 * needs no gradient (a first layer).
 */
void conv2dBackpropFilterBiasActivation(const float* x, const float* dy, const float* y, Activation act, float* dw, float* dbias,
                                        const ConvGeom& g);
/**
 * The two gradients of a convolution with few output channels (conv_narrow.cc), from x, dy and the
 * filter without im2col columns or a GEMM; conv.cc picks them where they measured faster.
 */
void conv2dBackpropFilterNarrow(const float* x, const float* dy, float* dw, const ConvGeom& g);
void conv2dBackpropInputNarrow(const float* dy, const float* filter, float* dx, const ConvGeom& g);
/** conv2d for at most 4 output channels: dot products of each pixel's window runs of x with the filter's columns (no im2col). */
void conv2dNarrowDirect(const float* x, const float* filter, float* out, const ConvGeom& g, const Epilogue* ep);

// ------------------------------------------------------------------ depthwise convolution (depthwise.cc)

/**
 * Depthwise convolutions: groups == inC, the filter [kh, kw, 1, outC] (a depthwise filter [kh, kw,
 * inC, multiplier], outC = inC * multiplier, has the same layout), output channel j reading input
 * channel j / multiplier only. conv_grouped.cc hands them here; the output buffers are written whole.
 */
void depthwiseConv2d(const float* x, const float* filter, float* out, const ConvGeom& g, const Epilogue* epilogue);
void depthwiseConv2dBackpropInput(const float* dy, const float* filter, float* dx, const ConvGeom& g);
void depthwiseConv2dBackpropFilter(const float* x, const float* dy, float* dw, const ConvGeom& g);

/** One tap of a depthwise row kernel: the offsets (in floats) of its source pixel and of its filter entry. */
struct DepthwiseTap {
  index_t src, w;
};

/**
 * The row kernels of depthwise.cc, vectorised over channels (depthwise_simd.h):
 * tapRow writes out[j * C + c] = sum over row taps r, then the column taps k of pixel j (cols[colStart[j]
 * .. colStart[j + 1])), of src[r.src + k.src + c] * w[r.w + k.w + c], for j < n, c < C;
 * gradRow adds sum over i < n of x[i * xStep + c] * dy[i * C + c] into acc[c], for c < C.
 */
struct DepthwiseKernels {
  const char* name;
  void (*tapRow)(const float* src, const float* w, const DepthwiseTap* rows, index_t nRows, const DepthwiseTap* cols,
                 const index_t* colStart, index_t n, index_t C, float* out);
  void (*gradRow)(const float* x, index_t xStep, const float* dy, index_t n, index_t C, float* acc);
};
/** The AVX-512 build (depthwise_avx512.cc) and the AVX2 + FMA one (depthwise_avx2.cc), or null when the compiler could not target it. */
const DepthwiseKernels* avx512Depthwise();
const DepthwiseKernels* avx2Depthwise();

// ------------------------------------------------------------------ Winograd F(2x2, 3x3) (winograd.cc)

/**
 * The per-tile transforms over a run of channels. input: v[e * vStride + c] = (B^T d B)[e] for
 * c < C, where d[e] points at the channels of the tile's pixel e (4x4, row-major; a zero row for
 * padding). output: y[q][o] = act((A^T m A)[q] + bias[o]) for o < O, with m[e * mStride + o] the
 * tile's 16 products and y[q] its 2x2 outputs (row-major), null where clipped at the map's edge.
 * outputGradient is output's backward pass (the filter gradient's, winograd_filter_grad.cc).
 */
struct WinogradTransforms {
  const char* name;
  void (*input)(const float* const* d, index_t C, float* v, index_t vStride);
  void (*output)(const float* m, index_t mStride, index_t O, float* const* y, const float* bias, Activation act);
  /** m[e * mStride + o] = (A dY A^T)[e] for o < O, dY the tile's 2x2 output gradient at q[0..3] (a zero row past the map's edge). */
  void (*outputGradient)(const float* const* q, index_t O, float* m, index_t mStride);
};

/**
 * d[0..15]: the channels of the 4x4 input patch under tile t of the convolution g (tiles numbered
 * image by image, row by row, 2x2 outputs each), row-major; `zero` (g.inC zeros) where the patch
 * passes the image's edge.
 */
inline void winogradPatch(const float* x, const ConvGeom& g, index_t t, const float* zero, const float** d) {
  const index_t tilesW = (g.outW + 1) / 2, perImage = ((g.outH + 1) / 2) * tilesW;
  const index_t n = t / perImage, ty = (t % perImage) / tilesW, tx = t % tilesW;
  const float* image = x + n * g.inH * g.inW * g.inC;
  const index_t iy0 = 2 * ty - g.padTop, ix0 = 2 * tx - g.padLeft;
  for (int r = 0; r < 4; r++) {
    const index_t iy = iy0 + r;
    for (int s = 0; s < 4; s++) {
      const index_t ix = ix0 + s;
      d[4 * r + s] = iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW ? image + (iy * g.inW + ix) * g.inC : zero;
    }
  }
}

/** The transforms in use: AVX2 alongside an AVX2 (or wider) GEMM kernel, else portable ones. */
const WinogradTransforms& winogradTransforms();
/** The portable transforms (plain C++, any machine; also the AVX2 ones' last few channels). */
const WinogradTransforms& winogradPortableTransforms();
/** The AVX2 transforms (winograd_avx2.cc, built with -mavx2); nullptr where the compiler could not target AVX2. */
const WinogradTransforms* winogradAvx2Transforms();

/**
 * Whether conv2d takes the Winograd path: 3x3 filter, stride 1, dilation 1, and a shape where it
 * measured faster than im2col. LAMINA_WINOGRAD=0 turns it off, =1 takes it for every 3x3 stride-1
 * geometry (read per call, for A/B comparisons and tests).
 */
bool winogradApplies(const ConvGeom& g);
/** Whether a stride-1 input gradient, the convolution t of dy with the turned filter, takes conv2dWinogradFlipped (the same switch). */
bool winogradAppliesToInputGradient(const ConvGeom& t);
/**
 * Whether every value of x[0..n) is finite (on the thread pool). Winograd's transforms add and
 * subtract input values, so an Inf becomes Inf - Inf = NaN where a direct convolution gives +-Inf:
 * the convolutions check their operands and take im2col when one is not finite.
 */
bool allFinite(const float* x, index_t n);
/** allFinite on the calling thread only (for a task's own block). */
bool allFiniteSerial(const float* x, index_t n);
/** Whether columns j and j + 1 of rows [0, rows) of c (rows ld floats apart) are finite, on the calling thread. */
bool pairFinite(const float* c, index_t rows, index_t ld, index_t j);
/**
 * conv2d (with its epilogue) by Winograd F(2x2, 3x3); g must be 3x3, stride 1, dilation 1, and x
 * finite (allFinite). Returns false, having written nothing, when the filter is not all finite.
 */
bool conv2dWinograd(const float* x, const float* filter, float* out, const ConvGeom& g, const Epilogue* epilogue);
/** Whether conv2dBackpropFilter of g takes conv2dBackpropFilterWinograd (the same switch). */
bool winogradAppliesToFilterGradient(const ConvGeom& g);
/** The filter gradient dw [3, 3, g.inC, g.outC] of the convolution g by Winograd F(2x2, 3x3); g as for conv2dWinograd. */
void conv2dBackpropFilterWinograd(const float* x, const float* dy, float* dw, const ConvGeom& g);
/**
 * The same with the filter [3, 3, g.outC, g.inC] turned 180 degrees and its channel axes swapped
 * (W'[fy, fx, c, o] = filter[2 - fy, 2 - fx, o, c]) without a turned copy: a stride-1 input
 * gradient, dx = conv(dy, W'), with g the geometry of that convolution; false as conv2dWinograd.
 */
bool conv2dWinogradFlipped(const float* x, const float* filter, float* out, const ConvGeom& g);

// ------------------------------------------------------------------ image transform (image_transform.cc)

/** How tf.image.transform reads positions outside the image (the JS ImageTransformInfo's fillMode, in order). */
enum class TransformFill { Reflect = 0, Wrap = 1, Constant = 2, Nearest = 3 };

/** The JS ImageTransformInfo: NHWC input [batch, inH, inW, channels], output [batch, outH, outW, channels]. */
struct ImageTransformGeom {
  index_t batch, inH, inW, channels, outH, outW;
  bool perImage, bilinear;
  TransformFill fill;
  double fillValue;
};

/** out = the images sampled through their transforms (rows of 8 doubles: one per image, or one for all). */
void imageTransform(const float* x, const double* transforms, float* out, const ImageTransformGeom& g);
/** dx (overwritten) = the adjoint of imageTransform applied to dy. */
void imageTransformGrad(const float* dy, const double* transforms, float* dx, const ImageTransformGeom& g);

// ------------------------------------------------------------------ pooling (pool.cc)

struct PoolGeom {
  index_t batch, inH, inW, channels, outH, outW, poolH, poolW, sh, sw, padTop, padLeft, padBottom, padRight;
};

void maxPool(const float* x, float* out, const PoolGeom& g);
void maxPoolGrad(const float* x, const float* dy, float* dx, const PoolGeom& g);
/**
 * maxPool, also writing per output element the plane index iy * inW + ix of the cell it took
 * (maxPoolGrad's cell: the first maximum, or the last NaN; -1 for a window of padding only).
 */
void maxPoolWithArgmax(const float* x, float* out, std::int32_t* argmax, const PoolGeom& g);
/**
 * One output row oy of maxPoolWithArgmax for one image (o, a: that row's outputs and positions):
 * the AVX-512 build (pool_avx512.cc) and the AVX2 one (pool_avx2.cc), or null when the compiler
 * could not target it.
 */
using MaxPoolArgmaxRowFn = void (*)(const float* xImage, float* o, std::int32_t* a, const PoolGeom& g, index_t oy);
MaxPoolArgmaxRowFn avx512MaxPoolArgmaxRow();
MaxPoolArgmaxRowFn avx2MaxPoolArgmaxRow();
/** dx (every element written) = maxPoolGrad's, from the argmax maxPoolWithArgmax wrote instead of x. */
void maxPoolGradFromArgmax(const std::int32_t* argmax, const float* dy, float* dx, const PoolGeom& g);
void avgPool(const float* x, float* out, const PoolGeom& g);
void avgPoolGrad(const float* dy, float* dx, const PoolGeom& g);

// ------------------------------------------------------------------ elementwise (elementwise.cc)

/**
 * The unary ops with a native float32 kernel and gradient (src/backend/native/index.ts's NATIVE_UNARY,
 * in order); the rest stay on the JS backend.
 */
enum class UnaryKind {
  Relu, Neg, Abs, Square, Sqrt, Rsqrt, Exp, Log, Reciprocal, Sigmoid, Tanh,
  Sign, Log1p, Expm1, Floor, Ceil, Round, Sin, Cos, Erf, Relu6, LeakyRelu, Elu, Selu, Gelu, GeluTanh,
  Softplus, Softsign, Swish, Tan, Sinh, Cosh, Asin, Acos, Atan, Asinh, Acosh, Atanh, Log2, Log10,
  Last = Log10
};
enum class BinaryKind { Add, Sub, Mul, Div, Maximum, Minimum, SquaredDifference, Pow, FloorDiv, Mod, Atan2, Last = Atan2 };
/** Float32 tests with a bool result (one byte, 0 or 1). */
enum class PredicateKind { IsNaN, IsFinite, Last = IsFinite };
/** The comparisons with a native float32 kernel; their results are bool tensors (one byte, 0 or 1). */
enum class CompareKind { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual };

/** out = op(x) (alpha: leakyRelu's slope, elu's scale); false when op has no native kernel. */
bool unaryF32(UnaryKind op, const float* x, float* out, index_t n, double alpha);
/** dx = dy * op'(x) (y = op(x)); false when op's gradient has no native kernel. */
bool unaryGradF32(UnaryKind op, const float* x, const float* y, const float* dy, float* dx, index_t n, double alpha);
/** out[i] = op(x[i]) ? 1 : 0. */
void predicateF32(PredicateKind op, const float* x, std::uint8_t* out, index_t n);
/** out = a op b over `shape` (rank axes), sa/sb the operands' broadcast strides (0 on broadcast axes). */
bool binaryF32(BinaryKind op, const float* a, const index_t* sa, const float* b, const index_t* sb, float* out,
               const index_t* shape, int rank);
/** out = (a op b) ? 1 : 0 over `shape`, broadcast as binaryF32 (NaN compares false, and not-equal). */
void compareF32(CompareKind op, const float* a, const index_t* sa, const float* b, const index_t* sb, std::uint8_t* out,
                const index_t* shape, int rank);
/**
 * out[i] = cond[i] ? a[i * ia] : b[i * ib] for i < n: tf.where over same-shape operands, where
 * ia / ib are 0 for a scalar operand.
 */
void selectF32(const std::uint8_t* cond, const float* a, index_t ia, const float* b, index_t ib, float* out, index_t n);

/** out[o, j] = sum over k of x[o, k, j] / divisor (x viewed as [outer, r, inner]), in double like the JS reference. */
void reduceSumF32(const float* x, float* out, index_t outer, index_t r, index_t inner, double divisor);

// ------------------------------------------------------------------ softmax (softmax.cc)

/**
 * Row-wise softmax (or log-softmax when `log`) over the last axis of x [rows, cols], as the JS
 * reference computes it: the row maximum (NaN when the row holds one) is subtracted, exponentials
 * and their sum are taken in double, each output is rounded to float once. With AVX2 or AVX-512
 * the exponentials are softmax_simd.h's (a few double ulps from std::exp), rows across the pool.
 */
void softmaxRowsF32(const float* x, float* out, index_t rows, index_t cols, bool log);
/** One row of softmaxRowsF32 with std::exp (e: a scratch row of n doubles); the SIMD rows' fallback. */
void softmaxRowScalar(const float* x, float* out, index_t n, bool log, double* e);
/** One row of softmaxRowsF32 in SIMD registers, from softmax_avx2.cc / softmax_avx512.cc (null when not built). */
using SoftmaxRowFn = void (*)(const float* x, float* out, index_t n, bool log, double* e);
SoftmaxRowFn avx2SoftmaxRow();
SoftmaxRowFn avx512SoftmaxRow();
/**
 * The softmax gradient from its output y over rows of `cols`: dx = y * (dy - s), s = sum(dy * y)
 * over the row; with the roundings of the ops it replaces (mul, sum, sub, mul: each product and
 * difference rounded to float, the sum as reduceSumF32 takes it), so the same values.
 */
void softmaxGradF32(const float* y, const float* dy, float* dx, index_t rows, index_t cols);

// ------------------------------------------------------------------ sorting and counting (sort.cc)

/** The element types of the typed arrays the sorting and counting kernels take. */
enum class ElemType { F32, F64, I32, U8 };

/**
 * For each row of x viewed as [rows, n], the indices of its first k elements in sorted order into
 * out [rows, k]: ascending, or descending, NaN counting as the largest value, -0 equal to 0, equal
 * values in index order (the JS sortIndices' total order, so the same indices).
 */
void sortIndices(ElemType type, const void* x, index_t rows, index_t n, index_t k, bool descending, std::int32_t* out);
/**
 * Running sums (or products) along the middle axis of x viewed as [outer, n, inner] into out of
 * the same type, each step rounded to float (or wrapped for integers) in order as the JS kernel.
 */
void cumulative(ElemType type, bool prod, const void* x, index_t outer, index_t n, index_t inner, bool exclusive,
                bool reverse, void* out);
/**
 * Per row of x viewed as [rows, n]: out[row, v] += 1 (out int32), or the weight at the same
 * position (out of the weights' type), for every v in [0, size), in index order.
 */
void bincount(const std::int32_t* x, index_t rows, index_t n, ElemType weightType, const void* weights, index_t size,
              void* out);

// ------------------------------------------------------------------ fused kernels (fused.cc)

/** y = act(y + bias) in place over [rows, channels]; bias may be null. */
void biasActivationF32(float* y, index_t rows, index_t channels, const float* bias, Activation act);
/** dz = dy * act'(y) (dz may be dy itself when act is linear); dbias (when not null) = column sums of dz. */
void biasActivationGradF32(const float* dy, const float* y, index_t rows, index_t channels, Activation act, float* dz,
                           float* dbias);
/** out = x * scale[c] + shift[c] in double, rounded once. */
void channelAffineF32(const float* x, index_t rows, index_t channels, const double* scale, const double* shift, float* out);
/** One LSTM timestep after its matmuls (src/backend/backend.ts lstmCell). */
void lstmCellF32(const float* xp, const float* hr, const float* cPrev, index_t rows, index_t units, float* h, float* c);
/** One GRU timestep after its matmuls (src/backend/backend.ts gruCell): hh null for reset_after. */
void gruCellF32(const float* xp, const float* hr, const float* hh, const float* hPrev, index_t rows, index_t units, float* h);
/** The reset-before GRU's rh = sigmoid(xp_r + hr_r) * hPrev (src/backend/backend.ts gruResetGate). */
void gruResetGateF32(const float* xp, const float* hr, const float* hPrev, index_t rows, index_t units, float* rh);
/** out = sign(x) * (|x| + eps)^p[c] over [rows, channels] (src/backend/backend.ts signedPower). */
void signedPowerF32(const float* x, index_t rows, index_t channels, const float* p, double eps, float* out);
/** dx = dy * p * |y| / (|x| + eps); dp[c] = sum over rows of dy * y * log(|x| + eps) when dp is not null. */
void signedPowerGradF32(const float* x, const float* y, const float* dy, index_t rows, index_t channels, const float* p, double eps,
                        float* dx, float* dp);
/** Batch statistics and normalization; saved = [mean | 1 / sqrt(var + eps)] in double. gamma/beta may be null. */
void batchNormTrainingF32(const float* x, index_t rows, index_t channels, const float* gamma, const float* beta, double epsilon,
                          float* y, float* mean, float* variance, double* saved);
/** The backward pass through the batch statistics; dgamma/dbeta may be null. */
void batchNormTrainingGradF32(const float* x, const float* dy, index_t rows, index_t channels, const float* gamma,
                              const double* saved, float* dx, float* dgamma, float* dbeta);

// ------------------------------------------------------------------ optimizer updates (optimizer.cc)

enum class OptimizerKind { Sgd = 0, Momentum = 1, Adam = 2, Rmsprop = 3 };

/** The JS OptimizerUpdate's scalars, already rounded to float32. */
struct OptimizerParams {
  OptimizerKind kind;
  float lr, momentum, alpha, oneMinusBeta1, oneMinusBeta2, epsilon, rho, oneMinusRho;
  bool nesterov;
};

/**
 * One step on n elements: slots/slotsOut hold three pointers each (null where unused): momentum
 * [v]; adam [m, v, vhat]; rmsprop [velocity, momentum, average gradient].
 */
void optimizerUpdateF32(const OptimizerParams& p, const float* w, const float* g, const float* const* slots, float* wOut,
                        float* const* slotsOut, index_t n);

}  // namespace lamina
