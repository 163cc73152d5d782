// SGEMM: packed panels + register-blocked micro-kernels (Goto/BLIS loop order), split across the
// thread pool by blocks of C. The micro-kernel (AVX-512, AVX2+FMA, NEON or portable scalar) is chosen
// once at run time from the CPU's features.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>
#include <vector>

#include "common.h"

namespace lamina {
namespace {

// ------------------------------------------------------------------ portable micro-kernel

constexpr int SMR = 4;
constexpr int SNR = 8;

void kernelScalar(index_t kc, const float* a, index_t rsA, index_t csA, const float* b, float* c, index_t ldc, int mr,
                  int nr, bool accumulate) {
  float t[SMR][SNR] = {};
  index_t ro[SMR];
  for (int i = 0; i < SMR; i++) ro[i] = std::min(i, mr - 1) * rsA;
  for (index_t p = 0; p < kc; p++) {
    for (int i = 0; i < SMR; i++) {
      const float av = a[ro[i]];
      for (int j = 0; j < SNR; j++) t[i][j] += av * b[j];
    }
    a += csA;
    b += SNR;
  }
  storeTileEdge(&t[0][0], SNR, c, ldc, mr, nr, accumulate);
}

const MicroKernel kScalar{"scalar", SMR, SNR, kernelScalar};

bool cpuHas(const char* feature) {
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (std::strcmp(feature, "avx512f") == 0) return __builtin_cpu_supports("avx512f");
  if (std::strcmp(feature, "avx2") == 0) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
  (void)feature;
  return false;
}

/**
 * Checks a SIMD micro-kernel against the scalar one on a full and an edge tile, packed and in-place
 * A, before trusting it with every product (a guard against a miscompiled instruction-set path).
 */
bool agreesWithScalar(const MicroKernel& k) {
  const index_t kc = 37;
  const int MR = k.mr, NR = k.nr;
  const std::size_t aSize = static_cast<std::size_t>(MR * kc), bSize = static_cast<std::size_t>(NR * kc);
  float* a = static_cast<float*>(::operator new[](aSize * sizeof(float), std::align_val_t(64)));
  float* b = static_cast<float*>(::operator new[](bSize * sizeof(float), std::align_val_t(64)));
  std::vector<float> c1(static_cast<std::size_t>(MR * NR)), c2(c1.size());
  for (std::size_t i = 0; i < aSize; i++) a[i] = static_cast<float>(static_cast<int>((i * 7) % 13) - 6) * 0.25f;
  for (std::size_t i = 0; i < bSize; i++) b[i] = static_cast<float>(static_cast<int>((i * 5) % 11) - 5) * 0.5f;
  bool ok = true;
  for (int variant = 0; variant < 4 && ok; variant++) {
    const int mr = variant % 2 == 0 ? MR : MR - 1;
    const int nr = variant % 2 == 0 ? NR : NR - 3;
    const bool packed = variant < 2;
    const index_t rsA = packed ? 1 : kc, csA = packed ? MR : 1;
    for (std::size_t i = 0; i < c1.size(); i++) c1[i] = c2[i] = static_cast<float>(i % 3);
    k.fn(kc, a, rsA, csA, b, c1.data(), NR, mr, nr, true);
    // The reference, element by element (the values are exact in float32).
    for (int i = 0; i < mr; i++) {
      for (int j = 0; j < nr; j++) {
        float s = 0.0f;
        for (index_t p = 0; p < kc; p++) s += a[i * rsA + p * csA] * b[p * NR + j];
        c2[static_cast<std::size_t>(i * NR + j)] += s;
      }
    }
    for (std::size_t i = 0; i < c1.size(); i++) ok = ok && c1[i] == c2[i];
  }
  ::operator delete[](a, std::align_val_t(64));
  ::operator delete[](b, std::align_val_t(64));
  return ok;
}

const MicroKernel* chooseKernel() {
  const char* env = std::getenv("LAMINA_SIMD");
  const std::string_view want = env != nullptr ? env : "";
  const MicroKernel* k512 = avx512Kernel();
  const MicroKernel* k256 = avx2Kernel();
  const MicroKernel* kNeon = neonKernel();
  if ((want.empty() || want == "neon") && kNeon != nullptr && agreesWithScalar(*kNeon)) return kNeon;
  const bool allow512 = want.empty() || want == "avx512";
  const bool allow256 = allow512 || want == "avx2";
  if (allow512 && k512 != nullptr && cpuHas("avx512f") && agreesWithScalar(*k512)) return k512;
  if (allow256 && k256 != nullptr && cpuHas("avx2") && agreesWithScalar(*k256)) return k256;
  return &kScalar;
}

// ------------------------------------------------------------------ blocking and scratch

constexpr index_t KC = 256;   // depth of a packed panel: an MR x KC and an NR x KC micro-panel share L1
constexpr index_t MC = 144;   // rows of A packed per task (multiple of 4, 6, 8 and 12): stays in L2
constexpr index_t NC = 3072;  // columns of B packed per pass (multiple of 8, 12, 16 and 32): stays in L3

thread_local AlignedBuffer tlsPackA;
thread_local AlignedBuffer tlsPackB;

/** Packs op(A)[i0:i0+mc, p0:p0+kc] into MR-row micro-panels, zero-padded to whole panels. */
void packA(bool transA, const float* a, index_t lda, index_t i0, index_t p0, index_t mc, index_t kc, int MR, float* dst) {
  for (index_t ip = 0; ip < mc; ip += MR) {
    const int rows = static_cast<int>(std::min<index_t>(MR, mc - ip));
    if (transA) {
      // op(A)[i, p] = A[p, i]: each step's MR values are contiguous.
      for (index_t p = 0; p < kc; p++) {
        const float* src = a + (p0 + p) * lda + i0 + ip;
        int ii = 0;
        for (; ii < rows; ii++) dst[ii] = src[ii];
        for (; ii < MR; ii++) dst[ii] = 0.0f;
        dst += MR;
      }
    } else {
      const float* src = a + (i0 + ip) * lda + p0;
      if (rows == MR) {
        for (index_t p = 0; p < kc; p++) {
          for (int ii = 0; ii < MR; ii++) dst[ii] = src[ii * lda + p];
          dst += MR;
        }
      } else {
        for (index_t p = 0; p < kc; p++) {
          int ii = 0;
          for (; ii < rows; ii++) dst[ii] = src[ii * lda + p];
          for (; ii < MR; ii++) dst[ii] = 0.0f;
          dst += MR;
        }
      }
    }
  }
}

/** Packs op(B)[p0:p0+kc, j0:j0+nc] into NR-column micro-panels, zero-padded to whole panels. */
void packBPanel(bool transB, const float* b, index_t ldb, index_t p0, index_t j0, index_t kc, index_t cols, int NR, float* dst) {
  if (!transB) {
    const float* src = b + p0 * ldb + j0;
    if (cols == NR) {
      for (index_t p = 0; p < kc; p++) {
        std::memcpy(dst, src + p * ldb, sizeof(float) * NR);
        dst += NR;
      }
    } else {
      for (index_t p = 0; p < kc; p++) {
        const float* s = src + p * ldb;
        index_t jj = 0;
        for (; jj < cols; jj++) dst[jj] = s[jj];
        for (; jj < NR; jj++) dst[jj] = 0.0f;
        dst += NR;
      }
    }
  } else {
    // op(B)[p, j] = B[j, p]
    const float* src = b + j0 * ldb + p0;
    for (index_t p = 0; p < kc; p++) {
      index_t jj = 0;
      for (; jj < cols; jj++) dst[jj] = src[jj * ldb + p];
      for (; jj < NR; jj++) dst[jj] = 0.0f;
      dst += NR;
    }
  }
}

}  // namespace

const MicroKernel& activeKernel() {
  static const MicroKernel* k = chooseKernel();
  return *k;
}

void PackedB::layOut(index_t kIn, index_t nIn) {
  const MicroKernel& uk = activeKernel();
  nr = uk.nr;
  k = kIn;
  n = nIn;
  kBlocks = std::max<index_t>(1, (k + KC - 1) / KC);
  kc = (k + kBlocks - 1) / kBlocks;
  nPanels = (n + nr - 1) / nr;
  const std::size_t size = static_cast<std::size_t>(kBlocks * nPanels * nr * std::max<index_t>(kc, 1));
  if (size > cap_) {
    if (data_ != nullptr) ::operator delete[](data_, std::align_val_t(64));
    cap_ = size;
    data_ = static_cast<float*>(::operator new[](cap_ * sizeof(float), std::align_val_t(64)));
  }
}

void PackedB::pack(bool transB, const float* b, index_t ldb, index_t kIn, index_t nIn) {
  layOut(kIn, nIn);
  if (k <= 0 || n <= 0) return;
  parallelFor(kBlocks * nPanels, [&](index_t t) {
    const index_t kb = t / nPanels, jp = t % nPanels;
    const index_t p0 = kb * kc;
    packBPanel(transB, b, ldb, p0, jp * nr, std::min(kc, k - p0), std::min<index_t>(nr, n - jp * nr), nr,
               data_ + t * nr * kc);
  });
}

PackedB::~PackedB() {
  if (data_ != nullptr) ::operator delete[](data_, std::align_val_t(64));
}

namespace {

/*
 * One block of C: rows [0, mc) of cRows times the column panels [jp0, jp1) of one packed depth
 * block of B (panel jp at bPanels + jp * NR * panelDepth). Row ir of op(A) starts at
 * aRows + ir * aRowStride, its elements rsA/csA apart (read in place, or packed: stride MR per
 * step). Columns count from cRows (and from bias, when there is one); `finish` (the last depth
 * block) runs the epilogue on each tile while it is still in L1.
 */
void multiplyPanels(const MicroKernel& uk, index_t kc, const float* aRows, index_t aRowStride, index_t rsA, index_t csA,
                    const float* bPanels, index_t panelDepth, index_t jp0, index_t jp1, index_t n, float* cRows,
                    index_t ldc, index_t mc, bool accumulate, const Epilogue* finish, const float* bias) {
  const int MR = uk.mr, NR = uk.nr;
  for (index_t jp = jp0; jp < jp1; jp++) {
    const index_t j0 = jp * NR;
    const int nr = static_cast<int>(std::min<index_t>(NR, n - j0));
    const float* bpanel = bPanels + jp * NR * panelDepth;
    float* cBase = cRows + j0;
    for (index_t ir = 0; ir < mc; ir += MR) {
      const int mr = static_cast<int>(std::min<index_t>(MR, mc - ir));
      uk.fn(kc, aRows + ir * aRowStride, rsA, csA, bpanel, cBase + ir * ldc, ldc, mr, nr, accumulate);
      if (finish != nullptr) {
        const float* tileBias = bias != nullptr ? bias + j0 : nullptr;
        for (int i = 0; i < mr; i++) applyEpilogueRow(cBase + (ir + i) * ldc, nr, tileBias, finish->act);
      }
    }
  }
}

}  // namespace

void sgemmPackedB(index_t m, const float* a, index_t lda, const PackedB& b, float* c, index_t ldc, bool accumulate,
                  const Epilogue* epilogue) {
  if (m <= 0 || b.n <= 0) return;
  if (b.k <= 0) {
    for (index_t i = 0; i < m; i++) {
      if (!accumulate) std::fill(c + i * ldc, c + i * ldc + b.n, 0.0f);
      if (epilogue != nullptr) applyEpilogueRow(c + i * ldc, b.n, epilogue->bias, epilogue->act);
    }
    return;
  }
  const MicroKernel& uk = activeKernel();
  const float* bias = epilogue != nullptr ? epilogue->bias : nullptr;
  for (index_t kb = 0; kb < b.kBlocks; kb++) {
    const index_t p0 = kb * b.kc;
    const index_t kc = std::min(b.kc, b.k - p0);
    const Epilogue* finish = kb == b.kBlocks - 1 ? epilogue : nullptr;
    multiplyPanels(uk, kc, a + p0, lda, lda, 1, b.panel(kb, 0), b.kc, 0, b.nPanels, b.n, c, ldc, m, accumulate || kb > 0,
                   finish, bias);
  }
}

namespace {

/** op(B) small enough to pack whole (all depth blocks) and keep in L2/L3: up to 4 MiB. */
constexpr index_t WHOLE_B_LIMIT = index_t(1) << 20;

thread_local AlignedBuffer tlsWholeB;
thread_local AlignedBuffer tlsBlockA;

/** Depth of a whole-B block: the whole depth up to here (one pass over C instead of one per 256). */
constexpr index_t KC_WHOLE_B = 1024;
/** Bytes of op(A) rows a whole-B task keeps in L2 across all its column panels. */
constexpr index_t WHOLE_B_A_BYTES = index_t(256) << 10;

/**
 * What both whole-B paths share: equal depth blocks of at most KC_WHOLE_B, and a buffer (this
 * thread's) for every depth block's NR-wide panels of op(B), panel (kb, jp) at
 * panels + (kb * nPanels + jp) * NR * kc.
 */
struct WholeB {
  index_t kBlocks, kc, nPanels;
  float* panels;

  WholeB(index_t k, index_t n, int NR)
      : kBlocks((k + KC_WHOLE_B - 1) / KC_WHOLE_B), kc((k + kBlocks - 1) / kBlocks), nPanels((n + NR - 1) / NR),
        panels(tlsWholeB.get(static_cast<std::size_t>(kBlocks * nPanels * NR * kc))) {}

  /** Packs panel (kb, jp) of op(B) [k, n]. */
  void pack(bool transB, const float* b, index_t ldb, index_t k, index_t n, int NR, index_t kb, index_t jp) const {
    const index_t p0 = kb * kc;
    packBPanel(transB, b, ldb, p0, jp * NR, std::min(kc, k - p0), std::min<index_t>(NR, n - jp * NR), NR,
               panels + (kb * nPanels + jp) * NR * kc);
  }

  /** Depth block kb's first panel. */
  const float* block(index_t kb, int NR) const { return panels + kb * nPanels * NR * kc; }
};

/** Rows of op(A) at depth kc that stay in L2 (WHOLE_B_A_BYTES), in whole micro-panels, at least one and at most cap. */
index_t rowsInL2(index_t kc, int MR, index_t cap) {
  return std::max<index_t>(MR, std::min<index_t>(cap, WHOLE_B_A_BYTES / (kc * index_t(sizeof(float))) / MR * MR));
}

/*
 * Products whose whole op(B) fits in cache and that the column split does not take (more than
 * COLUMN_SPLIT_MAX_M rows, a transposed op(A), or one thread): op(B) is packed once for every
 * depth block, then each task owns a block of C and runs all depth blocks over it. Two pool
 * hand-offs per product instead of two per depth block, and the C block stays in cache across
 * depth blocks. Depth blocks are deep (KC_WHOLE_B, usually the whole depth): a B micro-panel is
 * streamed from L2 rather than kept in L1, which measured faster than a second pass over C (mlp
 * inference +10-18%). A row-major op(A) is read in place (its rows stay in L2 across the column
 * panels, bounded by WHOLE_B_A_BYTES); a transposed one is packed per depth block. Tasks split C
 * by rows when there are enough of them for every thread, else by columns too, so each thread
 * gets one even share. Every element sums its depth blocks in order.
 */
void sgemmWholeB(bool transA, bool transB, index_t m, index_t n, index_t k, const float* a, index_t lda, const float* b,
                 index_t ldb, float* c, index_t ldc, bool accumulate, int threads, const Epilogue* epilogue) {
  const MicroKernel& uk = activeKernel();
  const int MR = uk.mr, NR = uk.nr;
  const WholeB wb(k, n, NR);
  const index_t kBlocks = wb.kBlocks, kc = wb.kc, nPanels = wb.nPanels;
  const bool directA = !transA;
  const float* bias = epilogue != nullptr ? epilogue->bias : nullptr;
  // Rows per task: MC, fewer when deep rows would overflow L2.
  const index_t rowsCap = rowsInL2(kc, MR, MC);
  auto packPanel = [&](index_t t) { wb.pack(transB, b, ldb, k, n, NR, t / nPanels, t % nPanels); };

  // Tasks of whole micro-panels of rows, as even as possible (tasks are claimed, so uneven ones
  // leave a thread idle at the end), about four per thread (a busy machine may stall one thread;
  // two to eight measured alike on the mlp); split by columns too only when there are too few rows.
  const index_t want = threads > 1 ? 4 * static_cast<index_t>(threads) : 1;
  const index_t rowPanels = (m + MR - 1) / MR;
  const index_t nIc = std::max<index_t>(std::min<index_t>(want, rowPanels), (m + rowsCap - 1) / rowsCap);
  index_t nJc = std::min<index_t>(std::max<index_t>(1, (want + nIc - 1) / nIc), std::max<index_t>(1, nPanels / 2));
  const index_t panelsPerChunk = (nPanels + nJc - 1) / nJc;
  nJc = (nPanels + panelsPerChunk - 1) / panelsPerChunk;
  const index_t maxRowPanels = (rowPanels + nIc - 1) / nIc;
  auto task = [&](index_t t) {
    const index_t ti = t / nJc;
    const index_t ic = (ti * rowPanels / nIc) * MR;
    const index_t mc = std::min(m, ((ti + 1) * rowPanels / nIc) * MR) - ic;
    const index_t jp0 = (t % nJc) * panelsPerChunk;
    const index_t jp1 = std::min(nPanels, jp0 + panelsPerChunk);
    float* ap = directA ? nullptr : tlsBlockA.get(static_cast<std::size_t>(maxRowPanels * MR * kc));
    for (index_t kb = 0; kb < kBlocks; kb++) {
      const index_t p0 = kb * kc;
      const index_t kcb = std::min(kc, k - p0);
      const Epilogue* finish = kb == kBlocks - 1 ? epilogue : nullptr;
      const float* bPanels = wb.block(kb, NR);
      if (directA) {
        multiplyPanels(uk, kcb, a + ic * lda + p0, lda, lda, 1, bPanels, kc, jp0, jp1, n, c + ic * ldc, ldc, mc,
                       accumulate || kb > 0, finish, bias);
      } else {
        packA(transA, a, lda, ic, p0, mc, kcb, MR, ap);
        multiplyPanels(uk, kcb, ap, kcb, 1, MR, bPanels, kc, jp0, jp1, n, c + ic * ldc, ldc, mc, accumulate || kb > 0,
                       finish, bias);
      }
    }
  };
  if (threads > 1) {
    const index_t panels = kBlocks * nPanels;
    parallelFor((panels + 7) / 8, [&](index_t g) {
      const index_t e = std::min(panels, (g + 1) * 8);
      for (index_t t = g * 8; t < e; t++) packPanel(t);
    });
    parallelFor(nIc * nJc, task);
  } else {
    for (index_t t = 0; t < kBlocks * nPanels; t++) packPanel(t);
    for (index_t t = 0; t < nIc * nJc; t++) task(t);
  }
}

/** Most rows for the column split: measured equal or faster than the row split up to 2048 rows. */
constexpr index_t COLUMN_SPLIT_MAX_M = 1024;

/*
 * Products with few rows and a row-major op(A) whose op(B) fits in cache (dense layers: the mlp at
 * batch 64 to 1024, forward and input gradient): each task owns a chunk of C's columns for all
 * rows, packs the B panels of that chunk itself and reads op(A) in place, in row blocks that stay
 * in L2. No barrier between packing and computing (one pool hand-off per product, where the row
 * split needs two and packs B on one thread when it has few panels), and no packing of A.
 * Measured against the row split (best of 9, GFLOP/s): 64x784x256 119 vs 98, 64x256x128 107 vs
 * 76, 256x256x256 115 vs 88, 256x3136x256 130 vs 113, 1024x784x256 142 vs 138, 2048 rows alike.
 * About four chunks per thread (claimed, so a thread the machine stalls leaves its share to the
 * other): 256x256x128 138 vs 120 GFLOP/s with two per thread, the 784-deep layer alike; packing B
 * inside the tasks costs 3-6% of the product, so weights are not cached packed between calls.
 */
void sgemmColumnSplit(bool transB, index_t m, index_t n, index_t k, const float* a, index_t lda, const float* b,
                      index_t ldb, float* c, index_t ldc, bool accumulate, index_t chunks, const Epilogue* epilogue) {
  const MicroKernel& uk = activeKernel();
  const int MR = uk.mr, NR = uk.nr;
  const WholeB wb(k, n, NR);
  const index_t kBlocks = wb.kBlocks, kc = wb.kc, nPanels = wb.nPanels;
  chunks = std::min(chunks, nPanels);
  const float* bias = epilogue != nullptr ? epilogue->bias : nullptr;
  const index_t rowBlock = rowsInL2(kc, MR, m);
  parallelFor(chunks, [&](index_t t) {
    const index_t jp0 = t * nPanels / chunks, jp1 = (t + 1) * nPanels / chunks;
    for (index_t kb = 0; kb < kBlocks; kb++) {
      for (index_t jp = jp0; jp < jp1; jp++) wb.pack(transB, b, ldb, k, n, NR, kb, jp);
    }
    for (index_t ic = 0; ic < m; ic += rowBlock) {
      const index_t mc = std::min(rowBlock, m - ic);
      for (index_t kb = 0; kb < kBlocks; kb++) {
        const index_t p0 = kb * kc;
        const index_t kcb = std::min(kc, k - p0);
        const Epilogue* finish = kb == kBlocks - 1 ? epilogue : nullptr;
        multiplyPanels(uk, kcb, a + ic * lda + p0, lda, lda, 1, wb.block(kb, NR), kc, jp0, jp1, n,
                       c + ic * ldc, ldc, mc, accumulate || kb > 0, finish, bias);
      }
    }
  });
}

}  // namespace

void sgemm(bool transA, bool transB, index_t m, index_t n, index_t k, const float* a, index_t lda, const float* b,
           index_t ldb, float* c, index_t ldc, bool accumulate, bool parallel, const Epilogue* epilogue) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    for (index_t i = 0; i < m; i++) {
      if (!accumulate) std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
      if (epilogue != nullptr) applyEpilogueRow(c + i * ldc, n, epilogue->bias, epilogue->act);
    }
    return;
  }
  const MicroKernel& uk = activeKernel();
  const int MR = uk.mr, NR = uk.nr;
  const int threads = parallel ? numThreads() : 1;
  // Below ~2 MFLOP the pool's hand-off costs more than it saves.
  const bool useThreads = threads > 1 && static_cast<double>(m) * n * k >= 1048576.0;

  // op(B) packed whole (LAMINA_GEMM_WHOLE_B=0 turns both such paths off): wide enough, small enough.
  const char* variant = std::getenv("LAMINA_GEMM_WHOLE_B");
  const bool wholeB = (variant == nullptr || variant[0] != '0') && n > 4 * NR && k * n <= WHOLE_B_LIMIT;
  if (wholeB && useThreads && !transA && m <= COLUMN_SPLIT_MAX_M) {
    sgemmColumnSplit(transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, 4 * threads, epilogue);
    return;
  }
  // The row split is worth it when there are rows enough for every task's own block of A
  // (measured before the column split existed: 256x784x256 ~1.1-1.5x, 256x256x128 ~1.25x,
  // 256x256x256 ~1.07x over the blocked path; 784x64x256 unchanged).
  const index_t wantTasks = useThreads ? 4 * static_cast<index_t>(threads) : 1;
  if (wholeB && m >= wantTasks * 4 * MR) {
    sgemmWholeB(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, useThreads ? threads : 1, epilogue);
    return;
  }
  // Depth blocks of equal size (k = 288 runs as 2 x 144, not 256 + 32: a thin last block costs
  // a whole pass over C).
  const index_t kBlocks = (k + KC - 1) / KC;
  const index_t kcStep = (k + kBlocks - 1) / kBlocks;
  // When C is only a few micro-panels wide, each element of A is used by few B panels and packing
  // A would cost as much as the arithmetic: the micro-kernel then reads op(A) in place.
  const bool directA = n <= 4 * NR;
  const index_t rsA = transA ? 1 : lda;
  const index_t csA = transA ? lda : 1;

  static std::atomic<std::uint64_t> callCounter{0};
  for (index_t jc = 0; jc < n; jc += NC) {
    const index_t nc = std::min(NC, n - jc);
    const index_t nPanels = (nc + NR - 1) / NR;
    for (index_t pc = 0; pc < k; pc += kcStep) {
      const index_t kc = std::min(kcStep, k - pc);
      const bool acc = accumulate || pc > 0;
      const bool lastK = pc + kc >= k;
      float* bp = tlsPackB.get(static_cast<std::size_t>(nPanels * NR * kc));

      const index_t nIc = (m + MC - 1) / MC;
      // Column chunks (whole micro-panels) so that there are a few tasks per thread.
      index_t nJc = 1;
      if (useThreads) {
        const index_t want = static_cast<index_t>(threads) * 4;
        if (nIc < want) {
          nJc = std::min<index_t>((want + nIc - 1) / nIc, std::max<index_t>(1, nPanels / 4));
        }
      }
      const index_t panelsPerChunk = (nPanels + nJc - 1) / nJc;
      nJc = (nPanels + panelsPerChunk - 1) / panelsPerChunk;

      auto packB = [&](index_t jp) {
        const index_t j0 = jp * NR;
        packBPanel(transB, b, ldb, pc, jc + j0, kc, std::min<index_t>(NR, nc - j0), NR, bp + jp * NR * kc);
      };
      const std::uint64_t callId = callCounter.fetch_add(1, std::memory_order_relaxed) + 1;
      auto task = [&](index_t t) {
        const index_t ic = (t / nJc) * MC;
        const index_t jChunk = t % nJc;
        const index_t mc = std::min(MC, m - ic);
        // A thread running consecutive chunks of the same row block packs its A block once.
        thread_local std::uint64_t packedCall = 0;
        thread_local index_t packedIc = -1;
        const float* ap = nullptr;
        if (directA) {
          ap = a + ic * rsA + pc * csA;
        } else {
          // Always the full block size, so the buffer never moves under the cached packing.
          float* buf = tlsPackA.get(static_cast<std::size_t>(((MC + MR - 1) / MR) * MR * KC));
          if (packedCall != callId || packedIc != ic) {
            packA(transA, a, lda, ic, pc, mc, kc, MR, buf);
            packedCall = callId;
            packedIc = ic;
          }
          ap = buf;
        }
        const index_t jp0 = jChunk * panelsPerChunk;
        const index_t jp1 = std::min(nPanels, jp0 + panelsPerChunk);
        const float* bias = epilogue != nullptr && epilogue->bias != nullptr ? epilogue->bias + jc : nullptr;
        multiplyPanels(uk, kc, ap, directA ? rsA : kc, directA ? rsA : 1, directA ? csA : MR, bp, kc, jp0, jp1, nc,
                       c + ic * ldc + jc, ldc, mc, acc, lastK ? epilogue : nullptr, bias);
      };
      if (useThreads) {
        parallelFor((nPanels + 7) / 8, [&](index_t g) {
          const index_t e = std::min(nPanels, (g + 1) * 8);
          for (index_t jp = g * 8; jp < e; jp++) packB(jp);
        });
        parallelFor(nIc * nJc, task);
      } else {
        for (index_t jp = 0; jp < nPanels; jp++) packB(jp);
        for (index_t t = 0; t < nIc * nJc; t++) task(t);
      }
    }
  }
}

}  // namespace lamina
