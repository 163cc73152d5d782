// Sorting and counting kernels, the twins of src/backend/js/sort.ts: sort indices (argsort, sort,
// topk), running sums and products (cumsum, cumprod) and bincount. Each gives the JS kernel's
// exact result: the sort order is a total order (value, then index), so any correct sort yields the
// same indices; running sums and bin sums keep the JS order of operations, rounded to the element
// type at every step (float + and * in float equal the JS double-then-round), and only rows or
// columns independent of one another run in parallel.
#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "common.h"

namespace lamina {
namespace {

constexpr index_t GRAIN = index_t(1) << 14;

/** Runs f(i0, i1) over [0, count) in pieces of about `per` items, across the pool when there are several. */
template <typename F>
void forRanges(index_t count, index_t per, F&& f) {
  per = std::max<index_t>(1, per);
  const index_t tasks = (count + per - 1) / per;
  if (tasks <= 1) {
    if (count > 0) f(index_t(0), count);
    return;
  }
  parallelFor(tasks, [&](index_t t) { f(t * per, std::min(count, (t + 1) * per)); });
}

/*
 * Order-preserving unsigned keys: a < b as numbers exactly when key(a) < key(b), with -0 mapped to
 * +0's key and every NaN to the largest key (NaN sorts last, after +Inf).
 */
inline std::uint32_t key32(float v) {
  if (v != v) return 0xFFFFFFFFu;
  if (v == 0) v = 0;
  std::uint32_t b;
  std::memcpy(&b, &v, 4);
  return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}
inline std::uint32_t key32(std::int32_t v) { return static_cast<std::uint32_t>(v) ^ 0x80000000u; }
inline std::uint32_t key32(std::uint8_t v) { return v; }
inline std::uint64_t key64(double v) {
  if (v != v) return ~std::uint64_t(0);
  if (v == 0) v = 0;
  std::uint64_t b;
  std::memcpy(&b, &v, 8);
  return (b >> 63) ? ~b : (b | (std::uint64_t(1) << 63));
}

/** Stable LSD radix sort of the packed (key << 32 | index) items by their upper 32 bits, 11 bits a pass. */
void radixSortHigh(std::vector<std::uint64_t>& a, std::vector<std::uint64_t>& tmp) {
  const std::size_t n = a.size();
  tmp.resize(n);
  for (int shift = 32; shift < 64; shift += 11) {
    std::size_t count[2049] = {0};
    for (std::uint64_t v : a) count[((v >> shift) & 2047) + 1]++;
    if (count[((a[0] >> shift) & 2047) + 1] == n) continue;  // one digit for all: nothing moves
    for (int d = 0; d < 2048; d++) count[d + 1] += count[d];
    for (std::uint64_t v : a) tmp[count[(v >> shift) & 2047]++] = v;
    a.swap(tmp);
  }
}

/** The first k of the packed items in ascending order, in place at the front. */
template <typename Item>
void sortFront(std::vector<Item>& items, index_t k) {
  const auto end = items.end();
  if (k < static_cast<index_t>(items.size()) / 8) {
    std::nth_element(items.begin(), items.begin() + k, end);
    std::sort(items.begin(), items.begin() + k);
  } else {
    std::sort(items.begin(), end);
  }
}

template <typename T>
void sortRows32(const T* x, index_t rows, index_t n, index_t k, bool descending, std::int32_t* out) {
  const std::uint32_t flip = descending ? 0xFFFFFFFFu : 0u;
  forRanges(rows, GRAIN / std::max<index_t>(1, n), [&](index_t r0, index_t r1) {
    std::vector<std::uint64_t> items(static_cast<std::size_t>(n)), tmp;
    for (index_t r = r0; r < r1; r++) {
      const T* row = x + r * n;
      // Descending flips the key only: equal values still come in index order.
      for (index_t i = 0; i < n; i++) items[i] = (std::uint64_t(key32(row[i]) ^ flip) << 32) | std::uint64_t(i);
      if (n >= 2048 && k * 8 >= n) {
        radixSortHigh(items, tmp);
      } else {
        sortFront(items, k);
      }
      std::int32_t* o = out + r * k;
      for (index_t i = 0; i < k; i++) o[i] = static_cast<std::int32_t>(items[i] & 0xFFFFFFFFu);
    }
  });
}

struct Key64 {
  std::uint64_t key;
  std::int32_t index;
  bool operator<(const Key64& o) const { return key < o.key || (key == o.key && index < o.index); }
};

void sortRows64(const double* x, index_t rows, index_t n, index_t k, bool descending, std::int32_t* out) {
  const std::uint64_t flip = descending ? ~std::uint64_t(0) : 0;
  forRanges(rows, GRAIN / std::max<index_t>(1, n), [&](index_t r0, index_t r1) {
    std::vector<Key64> items(static_cast<std::size_t>(n));
    for (index_t r = r0; r < r1; r++) {
      const double* row = x + r * n;
      for (index_t i = 0; i < n; i++) items[i] = {key64(row[i]) ^ flip, static_cast<std::int32_t>(i)};
      sortFront(items, k);
      std::int32_t* o = out + r * k;
      for (index_t i = 0; i < k; i++) o[i] = items[i].index;
    }
  });
}

/*
 * One step of a running sum or product in the element type: floats round once per step (as the
 * JS kernel's store into a float32 cell), integers wrap around (Math.imul, and the store's ToInt32
 * or ToUint8).
 */
template <typename T>
inline T step(T acc, T v, bool prod) {
  if constexpr (std::is_floating_point_v<T>) {
    return prod ? acc * v : acc + v;
  } else {
    using U = std::make_unsigned_t<std::conditional_t<(sizeof(T) < 4), std::int32_t, T>>;
    const U a = static_cast<U>(acc), b = static_cast<U>(v);
    return static_cast<T>(prod ? a * b : a + b);
  }
}

template <typename T>
void cumulativeT(bool prod, const T* x, index_t outer, index_t n, index_t inner, bool exclusive, bool reverse, T* out) {
  const T identity = prod ? T(1) : T(0);
  if (inner == 1) {
    forRanges(outer, GRAIN / std::max<index_t>(1, n), [&](index_t o0, index_t o1) {
      for (index_t o = o0; o < o1; o++) {
        const T* xr = x + o * n;
        T* orow = out + o * n;
        T acc = identity;
        for (index_t t = 0; t < n; t++) {
          const index_t i = reverse ? n - 1 - t : t;
          const T next = step(acc, xr[i], prod);
          orow[i] = exclusive ? acc : next;
          acc = next;
        }
      }
    });
    return;
  }
  // Columns in blocks, each carrying its running values down the axis (vectorizable across j).
  constexpr index_t WIDTH = 512;
  const index_t blocks = (inner + WIDTH - 1) / WIDTH;
  const index_t perTask = std::max<index_t>(1, GRAIN / std::max<index_t>(1, n * std::min(inner, WIDTH)));
  forRanges(outer * blocks, perTask, [&](index_t u0, index_t u1) {
    T acc[WIDTH];
    for (index_t u = u0; u < u1; u++) {
      const index_t o = u / blocks, j0 = (u % blocks) * WIDTH, w = std::min(WIDTH, inner - j0);
      for (index_t j = 0; j < w; j++) acc[j] = identity;
      for (index_t t = 0; t < n; t++) {
        const index_t i = reverse ? n - 1 - t : t;
        const T* xr = x + (o * n + i) * inner + j0;
        T* orow = out + (o * n + i) * inner + j0;
        if (exclusive) {
          for (index_t j = 0; j < w; j++) {
            orow[j] = acc[j];
            acc[j] = step(acc[j], xr[j], prod);
          }
        } else {
          for (index_t j = 0; j < w; j++) orow[j] = acc[j] = step(acc[j], xr[j], prod);
        }
      }
    }
  });
}

/** Counts (or integer weights: sums that wrap, in any order the same) of one row range. */
template <typename T>
void bincountRows(const std::int32_t* x, index_t r0, index_t r1, index_t n, const T* w, index_t size, T* out) {
  for (index_t r = r0; r < r1; r++) {
    const std::int32_t* xr = x + r * n;
    T* o = out + r * size;
    for (index_t i = 0; i < n; i++) {
      const std::int32_t v = xr[i];
      if (v >= 0 && v < size) o[v] = step(o[v], w == nullptr ? T(1) : w[r * n + i], false);
    }
  }
}

template <typename T>
void bincountT(const std::int32_t* x, index_t rows, index_t n, const T* w, index_t size, T* out) {
  const index_t threads = numThreads();
  // One long row of integer sums: private histograms per slice, added afterwards (wrapping integer
  // addition does not depend on the order). Float weights keep the index order, on one thread.
  if (!std::is_floating_point_v<T> && rows == 1 && threads > 1 && n >= 4 * GRAIN && size * threads <= n) {
    const index_t slices = threads;
    std::vector<T> partial(static_cast<std::size_t>(slices * size), T(0));
    const index_t per = (n + slices - 1) / slices;
    parallelFor(slices, [&](index_t s) {
      const index_t i0 = s * per, i1 = std::min(n, i0 + per);
      if (i0 < i1) bincountRows(x + i0, 0, 1, i1 - i0, w == nullptr ? nullptr : w + i0, size, partial.data() + s * size);
    });
    for (index_t s = 0; s < slices; s++) {
      for (index_t v = 0; v < size; v++) out[v] = step(out[v], partial[s * size + v], false);
    }
    return;
  }
  forRanges(rows, GRAIN / std::max<index_t>(1, n), [&](index_t r0, index_t r1) { bincountRows(x, r0, r1, n, w, size, out); });
}

}  // namespace

void sortIndices(ElemType type, const void* x, index_t rows, index_t n, index_t k, bool descending, std::int32_t* out) {
  if (rows == 0 || k == 0) return;
  switch (type) {
    case ElemType::F32: sortRows32(static_cast<const float*>(x), rows, n, k, descending, out); return;
    case ElemType::I32: sortRows32(static_cast<const std::int32_t*>(x), rows, n, k, descending, out); return;
    case ElemType::U8: sortRows32(static_cast<const std::uint8_t*>(x), rows, n, k, descending, out); return;
    case ElemType::F64: sortRows64(static_cast<const double*>(x), rows, n, k, descending, out); return;
  }
}

void cumulative(ElemType type, bool prod, const void* x, index_t outer, index_t n, index_t inner, bool exclusive,
                bool reverse, void* out) {
  if (outer == 0 || n == 0 || inner == 0) return;
  switch (type) {
    case ElemType::F32:
      cumulativeT(prod, static_cast<const float*>(x), outer, n, inner, exclusive, reverse, static_cast<float*>(out));
      return;
    case ElemType::F64:
      cumulativeT(prod, static_cast<const double*>(x), outer, n, inner, exclusive, reverse, static_cast<double*>(out));
      return;
    case ElemType::I32:
      cumulativeT(prod, static_cast<const std::int32_t*>(x), outer, n, inner, exclusive, reverse, static_cast<std::int32_t*>(out));
      return;
    case ElemType::U8:
      cumulativeT(prod, static_cast<const std::uint8_t*>(x), outer, n, inner, exclusive, reverse, static_cast<std::uint8_t*>(out));
      return;
  }
}

void bincount(const std::int32_t* x, index_t rows, index_t n, ElemType weightType, const void* weights, index_t size,
              void* out) {
  if (rows == 0 || n == 0 || size == 0) return;
  if (weights == nullptr) {
    bincountT<std::int32_t>(x, rows, n, nullptr, size, static_cast<std::int32_t*>(out));
    return;
  }
  switch (weightType) {
    case ElemType::F32: bincountT(x, rows, n, static_cast<const float*>(weights), size, static_cast<float*>(out)); return;
    case ElemType::F64: bincountT(x, rows, n, static_cast<const double*>(weights), size, static_cast<double*>(out)); return;
    case ElemType::I32:
      bincountT(x, rows, n, static_cast<const std::int32_t*>(weights), size, static_cast<std::int32_t*>(out));
      return;
    case ElemType::U8:
      bincountT(x, rows, n, static_cast<const std::uint8_t*>(weights), size, static_cast<std::uint8_t*>(out));
      return;
  }
}

}  // namespace lamina
