// Grouped convolutions (groups > 1): input channel block g meets only filter columns and output
// channels block g. Narrow groups run as one ordinary convolution with the block-diagonal filter
// (denseIsFaster) unless x or dy holds a NaN or Inf; otherwise each group's operands are gathered into contiguous scratch and handed to the
// ordinary kernels (conv.cc: Winograd, the per-task im2col + GEMM, the direct single-channel path),
// so every group gets the same fast paths as an ungrouped convolution of its size; the gathers and
// scatters are plain copies, small next to the convolution itself. groups === inC (one input
// channel per group, the depthwise filter's layout) goes to depthwise.cc's kernels instead.
#include <algorithm>
#include <cstring>

#include "common.h"

namespace lamina {
namespace {

thread_local AlignedBuffer tlsGroupIn, tlsGroupFilter, tlsGroupOut, tlsDense;

/** Groups narrower than this (input or output channels) take the block-diagonal filter... */
constexpr index_t WIDE_GROUP = 32;
/** ...when there are at most this many (its multiplies grow with the count). */
constexpr index_t MAX_DENSE_GROUPS = 64;

/** Pixels per copy task. */
constexpr index_t COPY_ROWS = 2048;

/** The geometry of one group's ordinary convolution. */
ConvGeom groupGeom(const ConvGeom& g) {
  ConvGeom t = g;
  t.inC = g.inC / g.groups;
  t.outC = g.outC / g.groups;
  t.groups = 1;
  return t;
}

/** dst[r, 0:n] = src[r, off:off + n] for r < rows, src rows ld floats apart. */
void gather(const float* src, index_t ld, index_t off, index_t n, index_t rows, float* dst) {
  parallelFor((rows + COPY_ROWS - 1) / COPY_ROWS, [&](index_t t) {
    const index_t r1 = std::min(rows, (t + 1) * COPY_ROWS);
    for (index_t r = t * COPY_ROWS; r < r1; r++) std::memcpy(dst + r * n, src + r * ld + off, sizeof(float) * n);
  });
}

/** dst[r, off:off + n] = src[r, 0:n] for r < rows: gather's inverse. */
void scatter(const float* src, index_t n, index_t rows, float* dst, index_t ld, index_t off) {
  parallelFor((rows + COPY_ROWS - 1) / COPY_ROWS, [&](index_t t) {
    const index_t r1 = std::min(rows, (t + 1) * COPY_ROWS);
    for (index_t r = t * COPY_ROWS; r < r1; r++) std::memcpy(dst + r * ld + off, src + r * n, sizeof(float) * n);
  });
}

/*
 * Many narrow groups make GEMMs a few columns wide, which run far below the micro-kernel's speed,
 * and each group pays for its gathers and its calls: 32 groups of 2 channels (64 -> 64, 3x3, 32
 * images of 28x28) took 39 ms forward one group at a time against 6 ms for the whole ungrouped
 * convolution. Those run as one ordinary convolution with the block-diagonal filter instead (zeros
 * off the groups' blocks): groups times the multiplies, at full speed. Wide groups (2 groups of
 * 32 channels: 5.4 ms against 6 ms) and very many groups keep the group-by-group path.
 * The zero blocks would turn a NaN or Inf of x (forward) or dy (input gradient) into NaN in every
 * group's channels, where the groups' own convolutions keep it in its group: such operands, found by
 * the dense paths' own checks, go group by group too (except pointwise ones: conv.cc's conv2dPaths). The filter gradient needs no such care: each
 * of its elements is a sum over pixels of one input and one output channel, and those of different
 * groups are dropped.
 */
bool denseIsFaster(const ConvGeom& g) {
  const index_t Cg = g.inC / g.groups, Og = g.outC / g.groups;
  return g.groups <= MAX_DENSE_GROUPS && std::min(Cg, Og) < WIDE_GROUP;
}

/** The block-diagonal [kh * kw, inC, outC] filter equal to a grouped [kh * kw, inC / groups, outC] one. */
const float* denseFilter(const float* filter, const ConvGeom& g) {
  const index_t taps = g.kh * g.kw, Cg = g.inC / g.groups, Og = g.outC / g.groups, C = g.inC, O = g.outC;
  float* w = tlsDense.get(static_cast<std::size_t>(taps * C * O));
  std::fill(w, w + taps * C * O, 0.0f);
  for (index_t t = 0; t < taps; t++) {
    for (index_t c = 0; c < C; c++) {
      const index_t grp = c / Cg;
      std::memcpy(w + (t * C + c) * O + grp * Og, filter + (t * Cg + c % Cg) * O + grp * Og, sizeof(float) * Og);
    }
  }
  return w;
}

ConvGeom denseGeom(const ConvGeom& g) {
  ConvGeom t = g;
  t.groups = 1;
  return t;
}

}  // namespace

void conv2dGrouped(const float* x, const float* filter, float* out, const ConvGeom& g, const Epilogue* ep) {
  if (g.groups == g.inC) {
    depthwiseConv2d(x, filter, out, g, ep);
    return;
  }
  if (denseIsFaster(g) && conv2dUnlessNonFinite(x, denseFilter(filter, g), out, denseGeom(g), g.outC / g.groups, ep)) return;
  const ConvGeom t = groupGeom(g);
  const index_t pixelsIn = g.batch * g.inH * g.inW, pixelsOut = g.batch * g.outH * g.outW, taps = g.kh * g.kw * t.inC;
  float* xg = tlsGroupIn.get(static_cast<std::size_t>(std::max<index_t>(1, pixelsIn * t.inC)));
  float* wg = tlsGroupFilter.get(static_cast<std::size_t>(std::max<index_t>(1, taps * t.outC)));
  float* yg = tlsGroupOut.get(static_cast<std::size_t>(std::max<index_t>(1, pixelsOut * t.outC)));
  for (index_t grp = 0; grp < g.groups; grp++) {
    gather(x, g.inC, grp * t.inC, t.inC, pixelsIn, xg);
    gather(filter, g.outC, grp * t.outC, t.outC, taps, wg);
    Epilogue e{};
    if (ep != nullptr) e = Epilogue{ep->bias != nullptr ? ep->bias + grp * t.outC : nullptr, ep->act};
    conv2d(xg, wg, yg, t, ep != nullptr ? &e : nullptr);
    scatter(yg, t.outC, pixelsOut, out, g.outC, grp * t.outC);
  }
}

void conv2dBackpropInputGrouped(const float* dy, const float* filter, float* dx, const ConvGeom& g) {
  if (g.groups == g.inC) {
    depthwiseConv2dBackpropInput(dy, filter, dx, g);
    return;
  }
  if (denseIsFaster(g) && conv2dBackpropInputUnlessNonFinite(dy, denseFilter(filter, g), dx, denseGeom(g), g.inC / g.groups)) return;
  const ConvGeom t = groupGeom(g);
  const index_t pixelsIn = g.batch * g.inH * g.inW, pixelsOut = g.batch * g.outH * g.outW, taps = g.kh * g.kw * t.inC;
  float* dyg = tlsGroupOut.get(static_cast<std::size_t>(std::max<index_t>(1, pixelsOut * t.outC)));
  float* wg = tlsGroupFilter.get(static_cast<std::size_t>(std::max<index_t>(1, taps * t.outC)));
  float* dxg = tlsGroupIn.get(static_cast<std::size_t>(std::max<index_t>(1, pixelsIn * t.inC)));
  for (index_t grp = 0; grp < g.groups; grp++) {
    gather(dy, g.outC, grp * t.outC, t.outC, pixelsOut, dyg);
    gather(filter, g.outC, grp * t.outC, t.outC, taps, wg);
    conv2dBackpropInput(dyg, wg, dxg, t);
    scatter(dxg, t.inC, pixelsIn, dx, g.inC, grp * t.inC);
  }
}

void conv2dBackpropFilterGrouped(const float* x, const float* dy, float* dw, const ConvGeom& g) {
  if (g.groups == g.inC) {
    depthwiseConv2dBackpropFilter(x, dy, dw, g);
    return;
  }
  if (denseIsFaster(g)) {
    // The dense gradient's blocks are the grouped one's; the rest (pairs of different groups) is dropped.
    const index_t taps = g.kh * g.kw, Cg = g.inC / g.groups, Og = g.outC / g.groups, C = g.inC, O = g.outC;
    float* full = tlsDense.get(static_cast<std::size_t>(taps * C * O));
    conv2dBackpropFilter(x, dy, full, denseGeom(g));
    for (index_t t = 0; t < taps; t++) {
      for (index_t c = 0; c < C; c++) {
        const index_t grp = c / Cg;
        std::memcpy(dw + (t * Cg + c % Cg) * O + grp * Og, full + (t * C + c) * O + grp * Og, sizeof(float) * Og);
      }
    }
    return;
  }
  const ConvGeom t = groupGeom(g);
  const index_t pixelsIn = g.batch * g.inH * g.inW, pixelsOut = g.batch * g.outH * g.outW, taps = g.kh * g.kw * t.inC;
  float* xg = tlsGroupIn.get(static_cast<std::size_t>(std::max<index_t>(1, pixelsIn * t.inC)));
  float* dyg = tlsGroupOut.get(static_cast<std::size_t>(std::max<index_t>(1, pixelsOut * t.outC)));
  float* dwg = tlsGroupFilter.get(static_cast<std::size_t>(std::max<index_t>(1, taps * t.outC)));
  for (index_t grp = 0; grp < g.groups; grp++) {
    gather(x, g.inC, grp * t.inC, t.inC, pixelsIn, xg);
    gather(dy, g.outC, grp * t.outC, t.outC, pixelsOut, dyg);
    conv2dBackpropFilter(xg, dyg, dwg, t);
    scatter(dwg, t.outC, taps, dw, g.outC, grp * t.outC);
  }
}

}  // namespace lamina
