// The Winograd F(2x2, 3x3) input and output transforms (and the output's backward pass) with AVX2, eight channels per step (NHWC keeps
// a pixel's channels contiguous). Built with -mavx2 -mfma in this translation unit only; chosen at
// run time with the AVX2 GEMM micro-kernel (winograd.cc). Only additions and subtractions, so the
// results equal the portable transforms' bit for bit.
#include "common.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace lamina {
namespace {

// B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1] applied to the 4x4 tile's rows, then to its columns.
void inputAvx2(const float* const* d, index_t C, float* v, index_t vStride) {
  index_t c = 0;
  for (; c + 8 <= C; c += 8) {
    __m256 w[16];
    for (int j = 0; j < 4; j++) {
      const __m256 x0 = _mm256_loadu_ps(d[j] + c), x1 = _mm256_loadu_ps(d[4 + j] + c);
      const __m256 x2 = _mm256_loadu_ps(d[8 + j] + c), x3 = _mm256_loadu_ps(d[12 + j] + c);
      w[j] = _mm256_sub_ps(x0, x2);
      w[4 + j] = _mm256_add_ps(x1, x2);
      w[8 + j] = _mm256_sub_ps(x2, x1);
      w[12 + j] = _mm256_sub_ps(x1, x3);
    }
    for (int i = 0; i < 4; i++) {
      const __m256 w0 = w[4 * i], w1 = w[4 * i + 1], w2 = w[4 * i + 2], w3 = w[4 * i + 3];
      _mm256_storeu_ps(v + (4 * i) * vStride + c, _mm256_sub_ps(w0, w2));
      _mm256_storeu_ps(v + (4 * i + 1) * vStride + c, _mm256_add_ps(w1, w2));
      _mm256_storeu_ps(v + (4 * i + 2) * vStride + c, _mm256_sub_ps(w2, w1));
      _mm256_storeu_ps(v + (4 * i + 3) * vStride + c, _mm256_sub_ps(w1, w3));
    }
  }
  if (c < C) {
    // The last channels, fewer than 8: the portable transform (the same additions, so the same bits).
    const float* rest[16];
    for (int k = 0; k < 16; k++) rest[k] = d[k] + c;
    winogradPortableTransforms().input(rest, C - c, v + c, vStride);
  }
}

inline __m256 epilogue8(__m256 y, const float* bias, index_t o, Activation act) {
  if (bias != nullptr) y = _mm256_add_ps(y, _mm256_loadu_ps(bias + o));
  // max(0, y) returns its second operand, y, when y is NaN or a zero: relu keeps NaN and -0, as in JS.
  if (act == Activation::Relu) y = _mm256_max_ps(_mm256_setzero_ps(), y);
  return y;
}

// A^T = [1 1 1 0; 0 1 -1 -1] on the rows of the 4x4 product, then on its columns.
void outputAvx2(const float* m, index_t mStride, index_t O, float* const* y, const float* bias, Activation act) {
  index_t o = 0;
  for (; o + 8 <= O; o += 8) {
    __m256 s0[4], s1[4];
    for (int j = 0; j < 4; j++) {
      const __m256 m0 = _mm256_loadu_ps(m + j * mStride + o), m1 = _mm256_loadu_ps(m + (4 + j) * mStride + o);
      const __m256 m2 = _mm256_loadu_ps(m + (8 + j) * mStride + o), m3 = _mm256_loadu_ps(m + (12 + j) * mStride + o);
      s0[j] = _mm256_add_ps(_mm256_add_ps(m0, m1), m2);
      s1[j] = _mm256_sub_ps(_mm256_sub_ps(m1, m2), m3);
    }
    const __m256 y00 = _mm256_add_ps(_mm256_add_ps(s0[0], s0[1]), s0[2]);
    const __m256 y01 = _mm256_sub_ps(_mm256_sub_ps(s0[1], s0[2]), s0[3]);
    const __m256 y10 = _mm256_add_ps(_mm256_add_ps(s1[0], s1[1]), s1[2]);
    const __m256 y11 = _mm256_sub_ps(_mm256_sub_ps(s1[1], s1[2]), s1[3]);
    if (y[0] != nullptr) _mm256_storeu_ps(y[0] + o, epilogue8(y00, bias, o, act));
    if (y[1] != nullptr) _mm256_storeu_ps(y[1] + o, epilogue8(y01, bias, o, act));
    if (y[2] != nullptr) _mm256_storeu_ps(y[2] + o, epilogue8(y10, bias, o, act));
    if (y[3] != nullptr) _mm256_storeu_ps(y[3] + o, epilogue8(y11, bias, o, act));
  }
  if (o < O) {
    float* rest[4];
    for (int q = 0; q < 4; q++) rest[q] = y[q] != nullptr ? y[q] + o : nullptr;
    winogradPortableTransforms().output(m + o, mStride, O - o, rest, bias != nullptr ? bias + o : nullptr, act);
  }
}

// A = [1 0; 1 1; 1 -1; 0 -1] on the 2x2 output gradient's rows, then on its columns.
void outputGradientAvx2(const float* const* q, index_t O, float* m, index_t mStride) {
  const __m256 signBit = _mm256_set1_ps(-0.0f);
  index_t o = 0;
  for (; o + 8 <= O; o += 8) {
    const __m256 y00 = _mm256_loadu_ps(q[0] + o), y01 = _mm256_loadu_ps(q[1] + o);
    const __m256 y10 = _mm256_loadu_ps(q[2] + o), y11 = _mm256_loadu_ps(q[3] + o);
    const __m256 a[4][2] = {{y00, y01},
                            {_mm256_add_ps(y00, y10), _mm256_add_ps(y01, y11)},
                            {_mm256_sub_ps(y00, y10), _mm256_sub_ps(y01, y11)},
                            {_mm256_xor_ps(y10, signBit), _mm256_xor_ps(y11, signBit)}};
    for (int i = 0; i < 4; i++) {
      _mm256_storeu_ps(m + (4 * i) * mStride + o, a[i][0]);
      _mm256_storeu_ps(m + (4 * i + 1) * mStride + o, _mm256_add_ps(a[i][0], a[i][1]));
      _mm256_storeu_ps(m + (4 * i + 2) * mStride + o, _mm256_sub_ps(a[i][0], a[i][1]));
      _mm256_storeu_ps(m + (4 * i + 3) * mStride + o, _mm256_xor_ps(a[i][1], signBit));
    }
  }
  if (o < O) {
    const float* rest[4] = {q[0] + o, q[1] + o, q[2] + o, q[3] + o};
    winogradPortableTransforms().outputGradient(rest, O - o, m + o, mStride);
  }
}

const WinogradTransforms kAvx2{"avx2", inputAvx2, outputAvx2, outputGradientAvx2};

}  // namespace

const WinogradTransforms* winogradAvx2Transforms() { return &kAvx2; }

}  // namespace lamina

#else

namespace lamina {
const WinogradTransforms* winogradAvx2Transforms() { return nullptr; }
}  // namespace lamina

#endif
