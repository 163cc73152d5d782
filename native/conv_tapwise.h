// The tap-wise convolution path for small feature maps (conv_tapwise.cc), which conv.cc tries
// before im2col: declared here rather than in common.h so that it stays apart from the other kernels.
#pragma once
#include "common.h"

namespace lamina {

/**
 * Whether conv2d / conv2dBackpropInput / conv2dBackpropFilter of g take the tap-wise path: a shape
 * where it measured faster than the path conv.cc would take otherwise. LAMINA_TAPWISE=0 turns it
 * off, =1 takes it for every ungrouped convolution that is not pointwise (read per call, for A/B
 * comparisons and tests).
 */
bool tapwiseForward(const ConvGeom& g);
bool tapwiseInputGradient(const ConvGeom& g);
bool tapwiseFilterGradient(const ConvGeom& g);

/**
 * The three passes, each GEMM over the output pixels whose tap lies inside the image only. The
 * forward pass and the filter gradient return false, with the output to be overwritten, where an
 * operand holding NaN or Inf would make their result differ from im2col's (whose zero columns turn
 * 0 * Inf into NaN): the caller then goes on to its other paths. The input gradient always gives
 * col2im's (which drops the padding's columns) and returns true.
 */
bool conv2dTapwise(const float* x, const float* filter, float* out, const ConvGeom& g, const Epilogue* ep);
bool conv2dBackpropInputTapwise(const float* dy, const float* filter, float* dx, const ConvGeom& g);
bool conv2dBackpropFilterTapwise(const float* x, const float* dy, float* dw, const ConvGeom& g);

}  // namespace lamina
