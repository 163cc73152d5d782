// The filter gradient of a 3x3 stride-1 convolution by Winograd F(2x2, 3x3), the backward pass of
// winograd.cc's forward: with the tile's output Y = A^T [U . V] A, U = G g G^T and V = B^T d B,
// the products' gradient is dM = A dY A^T (4x4 from the tile's 2x2 output gradient), then
// dU[e] = sum over tiles of V[e] (c) dM[e] (o): 16 GEMMs of C x O over the tiles, and
// dg = G^T dU G. 16 products of C x O per tile instead of im2col's 36.
//
// The tiles are taken in chunks: the pool transforms a chunk's patches and output gradients (V and
// dM, kept in cache-sized buffers of the calling thread), then runs its 16 GEMMs, one per task,
// each adding into its own dU[e]. Every dU[e] thus sums the chunks in order on one thread: the
// result does not depend on the number of threads.
#include <algorithm>
#include <vector>

#include "common.h"

namespace lamina {
namespace {

/** Floats of V and dM together per chunk (4 MiB: L3-resident between the transforms and the GEMMs; measured). */
constexpr index_t CHUNK_FLOATS = index_t(1) << 20;
/** Filter elements (c, o) per task of the final transform. */
constexpr index_t SLICE = 4096;

thread_local AlignedBuffer tlsV;
thread_local AlignedBuffer tlsM;
thread_local AlignedBuffer tlsU;
thread_local std::vector<float> tlsZeros;

/**
 * dw[(a * 3 + b) * CO + k] = (G^T dU G)[a][b] for k in [k0, k1), dU's 16 matrices CO apart, with
 * G^T = [1 1/2 1/2 0; 0 1/2 -1/2 0; 0 1/2 1/2 1].
 */
void filterTransform(const float* __restrict du, index_t CO, index_t k0, index_t k1, float* __restrict dw) {
  for (index_t k = k0; k < k1; k++) {
    float t[3][4];  // G^T dU: row a of G^T over dU's rows, for each column j
    for (int j = 0; j < 4; j++) {
      const float u0 = du[j * CO + k], u1 = du[(4 + j) * CO + k], u2 = du[(8 + j) * CO + k], u3 = du[(12 + j) * CO + k];
      t[0][j] = u0 + 0.5f * (u1 + u2);
      t[1][j] = 0.5f * (u1 - u2);
      t[2][j] = 0.5f * (u1 + u2) + u3;
    }
    for (int a = 0; a < 3; a++) {
      dw[(a * 3) * CO + k] = t[a][0] + 0.5f * (t[a][1] + t[a][2]);
      dw[(a * 3 + 1) * CO + k] = 0.5f * (t[a][1] - t[a][2]);
      dw[(a * 3 + 2) * CO + k] = 0.5f * (t[a][1] + t[a][2]) + t[a][3];
    }
  }
}

}  // namespace

void conv2dBackpropFilterWinograd(const float* x, const float* dy, float* dw, const ConvGeom& g) {
  const index_t C = g.inC, O = g.outC, OH = g.outH, OW = g.outW;
  const index_t CO = C * O;
  const index_t tilesH = (OH + 1) / 2, tilesW = (OW + 1) / 2;
  const index_t perImage = tilesH * tilesW;
  const index_t tiles = g.batch * perImage;
  if (tiles == 0 || CO == 0) {
    std::fill(dw, dw + 9 * CO, 0.0f);
    return;
  }
  const WinogradTransforms& tr = winogradTransforms();
  std::vector<float>& zeros = tlsZeros;
  if (static_cast<index_t>(zeros.size()) < std::max(C, O)) zeros.assign(static_cast<std::size_t>(std::max(C, O)), 0.0f);
  const float* zero = zeros.data();
  const index_t chunk = std::min(tiles, std::max<index_t>(activeKernel().mr, CHUNK_FLOATS / (16 * (C + O))));
  const index_t threads = numThreads();
  // The transforms of a chunk: a few blocks of tiles per thread.
  const index_t block = std::max<index_t>(1, (chunk + 4 * threads - 1) / (4 * threads));
  const index_t vs = skewedStride(chunk * C), ms = skewedStride(chunk * O);
  float* v = tlsV.get(static_cast<std::size_t>(16 * vs));
  float* m = tlsM.get(static_cast<std::size_t>(16 * ms));
  float* du = tlsU.get(static_cast<std::size_t>(16 * CO));
  for (index_t c0 = 0; c0 < tiles; c0 += chunk) {
    const index_t nt = std::min(chunk, tiles - c0);
    // V[e] and dM[e] of the chunk's tiles as rows of v + e * vs and m + e * ms.
    parallelFor((nt + block - 1) / block, [&](index_t b) {
      for (index_t k = b * block; k < std::min(nt, (b + 1) * block); k++) {
        const index_t t = c0 + k, n = t / perImage, ty = (t % perImage) / tilesW, tx = t % tilesW;
        const float* d[16];
        winogradPatch(x, g, t, zero, d);
        tr.input(d, C, v + k * C, vs);
        const float* q[4];
        for (int p = 0; p < 4; p++) {
          const index_t oy = 2 * ty + p / 2, ox = 2 * tx + p % 2;
          q[p] = oy < OH && ox < OW ? dy + ((n * OH + oy) * OW + ox) * O : zero;
        }
        tr.outputGradient(q, O, m + k * O, ms);
      }
    });
    // dU[e] (C x O) += V[e]^T (C x nt) @ dM[e] (nt x O), V[e] stored [nt, C].
    parallelFor(16, [&](index_t e) {
      sgemm(true, false, C, O, nt, v + e * vs, C, m + e * ms, O, du + e * CO, O, c0 > 0, false);
    });
  }
  parallelFor((CO + SLICE - 1) / SLICE, [&](index_t s) { filterTransform(du, CO, s * SLICE, std::min(CO, (s + 1) * SLICE), dw); });
}

}  // namespace lamina
