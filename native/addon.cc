// The N-API surface of lamina's native backend. Every kernel works in place on the typed arrays
// it is given (zero copy: the pointers are the tensors' own ArrayBuffers) and runs synchronously
// on the thread pool while the JavaScript thread waits. Shapes are checked against the arrays'
// lengths so a wrong call throws instead of touching memory it does not own.
#include <napi.h>

#include <string>
#include <vector>

#include "common.h"
#include "napi_args.h"

namespace {

using namespace lamina::napi_args;
using lamina::index_t;

// matmul(a, b, out, batch, m, k, n, transposeA, transposeB, aBatchStride, bBatchStride)
Napi::Value Matmul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 a, b, out;
  index_t batch, m, k, n, sa, sb;
  if (info.Length() < 11 || !getF32(info, 0, "a", a) || !getF32(info, 1, "b", b) || !getF32(info, 2, "out", out) ||
      !getInt(info, 3, "batch", batch) || !getInt(info, 4, "m", m) || !getInt(info, 5, "k", k) ||
      !getInt(info, 6, "n", n) || !getInt(info, 9, "aBatchStride", sa) || !getInt(info, 10, "bBatchStride", sb)) {
    if (!env.IsExceptionPending()) fail(env, "matmul expects 11 arguments");
    return env.Undefined();
  }
  const bool ta = info[7].ToBoolean().Value();
  const bool tb = info[8].ToBoolean().Value();
  if (batch == 0 || m == 0 || n == 0) return env.Undefined();
  if (!need(env, a, (batch - 1) * sa + m * k, "a") || !need(env, b, (batch - 1) * sb + k * n, "b") ||
      !need(env, out, batch * m * n, "out")) {
    return env.Undefined();
  }
  const index_t lda = ta ? m : k;
  const index_t ldb = tb ? k : n;
  const double work = static_cast<double>(m) * n * k;
  if (batch > 1 && work < 4.0e6 && lamina::numThreads() > 1) {
    // Many small products: one whole product per task.
    lamina::parallelFor(batch, [&](index_t i) {
      lamina::sgemm(ta, tb, m, n, k, a.data + i * sa, lda, b.data + i * sb, ldb, out.data + i * m * n, n, false, false);
    });
  } else {
    for (index_t i = 0; i < batch; i++) {
      lamina::sgemm(ta, tb, m, n, k, a.data + i * sa, lda, b.data + i * sb, ldb, out.data + i * m * n, n, false);
    }
  }
  return env.Undefined();
}

enum class ConvKind { Forward, BackpropInput, BackpropFilter };

template <ConvKind kind>
Napi::Value Conv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 p0, p1, p2;
  lamina::ConvGeom g;
  if (info.Length() < 4 || !getF32(info, 0, "input 0", p0) || !getF32(info, 1, "input 1", p1) ||
      !getF32(info, 2, "output", p2) || !getConv(info, 3, g)) {
    if (!env.IsExceptionPending()) fail(env, "conv2d kernels expect 4 arguments");
    return env.Undefined();
  }
  const index_t xSize = g.batch * g.inH * g.inW * g.inC;
  const index_t ySize = g.batch * g.outH * g.outW * g.outC;
  const index_t wSize = g.kh * g.kw * (g.inC / g.groups) * g.outC;
  if (kind == ConvKind::Forward) {
    if (need(env, p0, xSize, "x") && need(env, p1, wSize, "filter") && need(env, p2, ySize, "out")) {
      lamina::conv2d(p0.data, p1.data, p2.data, g);
    }
  } else if (kind == ConvKind::BackpropInput) {
    if (need(env, p0, ySize, "dy") && need(env, p1, wSize, "filter") && need(env, p2, xSize, "dx")) {
      lamina::conv2dBackpropInput(p0.data, p1.data, p2.data, g);
    }
  } else {
    if (need(env, p0, xSize, "x") && need(env, p1, ySize, "dy") && need(env, p2, wSize, "dw")) {
      lamina::conv2dBackpropFilter(p0.data, p1.data, p2.data, g);
    }
  }
  return env.Undefined();
}

bool getPool(const Napi::CallbackInfo& info, std::size_t at, lamina::PoolGeom& g) {
  index_t v[14];
  if (!getInts(info, at, 14, v)) return false;
  g = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13]};
  for (index_t x : v) {
    if (x < 0) return fail(info.Env(), "negative pooling geometry");
  }
  if (g.sh < 1 || g.sw < 1) return fail(info.Env(), "pooling strides must be >= 1");
  return true;
}

// maxPool(x, out, info) / avgPool(x, out, info)
template <bool isMax>
Napi::Value PoolForward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x, out;
  lamina::PoolGeom g;
  if (info.Length() < 3 || !getF32(info, 0, "x", x) || !getF32(info, 1, "out", out) || !getPool(info, 2, g)) {
    if (!env.IsExceptionPending()) fail(env, "pooling expects 3 arguments");
    return env.Undefined();
  }
  if (!need(env, x, g.batch * g.inH * g.inW * g.channels, "x") ||
      !need(env, out, g.batch * g.outH * g.outW * g.channels, "out")) {
    return env.Undefined();
  }
  if (isMax) {
    lamina::maxPool(x.data, out.data, g);
  } else {
    lamina::avgPool(x.data, out.data, g);
  }
  return env.Undefined();
}

// maxPoolGrad(x, dy, dx, info)
Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x, dy, dx;
  lamina::PoolGeom g;
  if (info.Length() < 4 || !getF32(info, 0, "x", x) || !getF32(info, 1, "dy", dy) || !getF32(info, 2, "dx", dx) ||
      !getPool(info, 3, g)) {
    if (!env.IsExceptionPending()) fail(env, "maxPoolGrad expects 4 arguments");
    return env.Undefined();
  }
  const index_t xSize = g.batch * g.inH * g.inW * g.channels;
  if (need(env, x, xSize, "x") && need(env, dy, g.batch * g.outH * g.outW * g.channels, "dy") && need(env, dx, xSize, "dx")) {
    lamina::maxPoolGrad(x.data, dy.data, dx.data, g);
  }
  return env.Undefined();
}

// maxPoolWithArgmax(x, out, argmax, info)
Napi::Value MaxPoolWithArgmax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x, out;
  I32 argmax;
  lamina::PoolGeom g;
  if (info.Length() < 4 || !getF32(info, 0, "x", x) || !getF32(info, 1, "out", out) || !getI32(info, 2, "argmax", argmax) ||
      !getPool(info, 3, g)) {
    if (!env.IsExceptionPending()) fail(env, "maxPoolWithArgmax expects 4 arguments");
    return env.Undefined();
  }
  const index_t outSize = g.batch * g.outH * g.outW * g.channels;
  if (need(env, x, g.batch * g.inH * g.inW * g.channels, "x") && need(env, out, outSize, "out") &&
      need(env, argmax, outSize, "argmax")) {
    lamina::maxPoolWithArgmax(x.data, out.data, argmax.data, g);
  }
  return env.Undefined();
}

// maxPoolGradFromArgmax(argmax, dy, dx, info)
Napi::Value MaxPoolGradFromArgmax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  I32 argmax;
  F32 dy, dx;
  lamina::PoolGeom g;
  if (info.Length() < 4 || !getI32(info, 0, "argmax", argmax) || !getF32(info, 1, "dy", dy) || !getF32(info, 2, "dx", dx) ||
      !getPool(info, 3, g)) {
    if (!env.IsExceptionPending()) fail(env, "maxPoolGradFromArgmax expects 4 arguments");
    return env.Undefined();
  }
  const index_t outSize = g.batch * g.outH * g.outW * g.channels;
  if (need(env, argmax, outSize, "argmax") && need(env, dy, outSize, "dy") &&
      need(env, dx, g.batch * g.inH * g.inW * g.channels, "dx")) {
    lamina::maxPoolGradFromArgmax(argmax.data, dy.data, dx.data, g);
  }
  return env.Undefined();
}

// avgPoolGrad(dy, dx, info)
Napi::Value AvgPoolGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 dy, dx;
  lamina::PoolGeom g;
  if (info.Length() < 3 || !getF32(info, 0, "dy", dy) || !getF32(info, 1, "dx", dx) || !getPool(info, 2, g)) {
    if (!env.IsExceptionPending()) fail(env, "avgPoolGrad expects 3 arguments");
    return env.Undefined();
  }
  if (need(env, dy, g.batch * g.outH * g.outW * g.channels, "dy") &&
      need(env, dx, g.batch * g.inH * g.inW * g.channels, "dx")) {
    lamina::avgPoolGrad(dy.data, dx.data, g);
  }
  return env.Undefined();
}

bool getShape(const Napi::CallbackInfo& info, std::size_t i, std::vector<index_t>& out) {
  Napi::Value v = info[i];
  if (!v.IsArray()) return fail(info.Env(), "shapes must be arrays of numbers");
  Napi::Array a = v.As<Napi::Array>();
  out.resize(a.Length());
  for (uint32_t k = 0; k < a.Length(); k++) {
    Napi::Value e = a.Get(k);
    if (!e.IsNumber()) return fail(info.Env(), "shapes must be arrays of numbers");
    const double d = e.As<Napi::Number>().DoubleValue();
    if (!(d >= 0) || d > 2147483647.0 || d != static_cast<double>(static_cast<index_t>(d))) {
      return fail(info.Env(), "shape entries must be non-negative integers");
    }
    out[k] = static_cast<index_t>(d);
  }
  return true;
}

index_t sizeOf(const std::vector<index_t>& shape) {
  index_t n = 1;
  for (index_t d : shape) n *= d;
  return n;
}

/** The optional number argument i (leakyRelu's slope, elu's scale), 0 when absent. */
double optionalNumber(const Napi::CallbackInfo& info, std::size_t i) {
  return info.Length() > i && info[i].IsNumber() ? info[i].As<Napi::Number>().DoubleValue() : 0.0;
}

// unary(op, x, out, alpha?) -> whether op has a native kernel
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  index_t op;
  F32 x, out;
  if (info.Length() < 3 || !getInt(info, 0, "op", op) || !getF32(info, 1, "x", x) || !getF32(info, 2, "out", out)) {
    if (!env.IsExceptionPending()) fail(env, "unary expects 3 arguments");
    return env.Undefined();
  }
  if (op > static_cast<index_t>(lamina::UnaryKind::Last)) return Napi::Boolean::New(env, false);
  if (!need(env, out, x.length, "out")) return env.Undefined();
  return Napi::Boolean::New(
      env, lamina::unaryF32(static_cast<lamina::UnaryKind>(op), x.data, out.data, x.length, optionalNumber(info, 3)));
}

// unaryGrad(op, x, y, dy, dx, alpha?) -> whether op has a native kernel
Napi::Value UnaryGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  index_t op;
  F32 x, y, dy, dx;
  if (info.Length() < 5 || !getInt(info, 0, "op", op) || !getF32(info, 1, "x", x) || !getF32(info, 2, "y", y) ||
      !getF32(info, 3, "dy", dy) || !getF32(info, 4, "dx", dx)) {
    if (!env.IsExceptionPending()) fail(env, "unaryGrad expects 5 arguments");
    return env.Undefined();
  }
  if (op > static_cast<index_t>(lamina::UnaryKind::Last)) return Napi::Boolean::New(env, false);
  if (!need(env, y, x.length, "y") || !need(env, dy, x.length, "dy") || !need(env, dx, x.length, "dx")) {
    return env.Undefined();
  }
  return Napi::Boolean::New(env, lamina::unaryGradF32(static_cast<lamina::UnaryKind>(op), x.data, y.data, dy.data, dx.data,
                                                      x.length, optionalNumber(info, 5)));
}

/** Strides of `shape` inside a broadcast result of outShape's rank (0 along broadcast axes), as the JS backend. */
bool broadcastStrides(const Napi::Env& env, const std::vector<index_t>& shape, const std::vector<index_t>& outShape,
                      std::vector<index_t>& st) {
  const std::size_t rank = outShape.size();
  if (shape.size() > rank) return fail(env, "operand rank exceeds the output's");
  st.assign(rank, 0);
  index_t acc = 1;
  for (std::size_t i = shape.size(); i-- > 0;) {
    const std::size_t o = i + rank - shape.size();
    if (shape[i] != outShape[o] && shape[i] != 1) return fail(env, "shapes do not broadcast");
    st[o] = shape[i] == 1 && outShape[o] != 1 ? 0 : acc;
    acc *= shape[i];
  }
  return true;
}

// binary(op, a, aShape, b, bShape, out, outShape) -> whether op has a native kernel
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  index_t op;
  F32 a, b, out;
  std::vector<index_t> aShape, bShape, outShape, sa, sb;
  if (info.Length() < 7 || !getInt(info, 0, "op", op) || !getF32(info, 1, "a", a) || !getShape(info, 2, aShape) ||
      !getF32(info, 3, "b", b) || !getShape(info, 4, bShape) || !getF32(info, 5, "out", out) ||
      !getShape(info, 6, outShape)) {
    if (!env.IsExceptionPending()) fail(env, "binary expects 7 arguments");
    return env.Undefined();
  }
  if (op > static_cast<index_t>(lamina::BinaryKind::Last)) return Napi::Boolean::New(env, false);
  if (!broadcastStrides(env, aShape, outShape, sa) || !broadcastStrides(env, bShape, outShape, sb) ||
      !need(env, a, sizeOf(aShape), "a") || !need(env, b, sizeOf(bShape), "b") ||
      !need(env, out, sizeOf(outShape), "out")) {
    return env.Undefined();
  }
  return Napi::Boolean::New(env, lamina::binaryF32(static_cast<lamina::BinaryKind>(op), a.data, sa.data(), b.data,
                                                   sb.data(), out.data, outShape.data(),
                                                   static_cast<int>(outShape.size())));
}

/** A Uint8Array argument (a bool tensor's bytes) by pointer and length. */
bool getU8(const Napi::CallbackInfo& info, std::size_t i, const char* name, std::uint8_t*& data, index_t& length) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    return fail(info.Env(), std::string(name) + " must be a Uint8Array");
  }
  Napi::Uint8Array a = v.As<Napi::Uint8Array>();
  data = a.Data();
  length = static_cast<index_t>(a.ElementLength());
  return true;
}

// compare(op, a, aShape, b, bShape, out, outShape): out (Uint8Array) = a op b, op in CompareKind order
Napi::Value Compare(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  index_t op, outLength;
  F32 a, b;
  std::uint8_t* out;
  std::vector<index_t> aShape, bShape, outShape, sa, sb;
  if (info.Length() < 7 || !getInt(info, 0, "op", op) || !getF32(info, 1, "a", a) || !getShape(info, 2, aShape) ||
      !getF32(info, 3, "b", b) || !getShape(info, 4, bShape) || !getU8(info, 5, "out", out, outLength) ||
      !getShape(info, 6, outShape)) {
    if (!env.IsExceptionPending()) fail(env, "compare expects 7 arguments");
    return env.Undefined();
  }
  if (op > static_cast<index_t>(lamina::CompareKind::GreaterEqual)) {
    fail(env, "compare: unknown op");
    return env.Undefined();
  }
  if (!broadcastStrides(env, aShape, outShape, sa) || !broadcastStrides(env, bShape, outShape, sb) ||
      !need(env, a, sizeOf(aShape), "a") || !need(env, b, sizeOf(bShape), "b")) {
    return env.Undefined();
  }
  if (outLength < sizeOf(outShape)) {
    fail(env, "compare: out is shorter than outShape");
    return env.Undefined();
  }
  lamina::compareF32(static_cast<lamina::CompareKind>(op), a.data, sa.data(), b.data, sb.data(), out, outShape.data(),
                     static_cast<int>(outShape.size()));
  return env.Undefined();
}

// predicate(op, x, out): out (Uint8Array) = op(x) ? 1 : 0, op in PredicateKind order
Napi::Value Predicate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  index_t op, outLength;
  F32 x;
  std::uint8_t* out;
  if (info.Length() < 3 || !getInt(info, 0, "op", op) || !getF32(info, 1, "x", x) || !getU8(info, 2, "out", out, outLength)) {
    if (!env.IsExceptionPending()) fail(env, "predicate expects 3 arguments (op, x, out)");
    return env.Undefined();
  }
  if (op > static_cast<index_t>(lamina::PredicateKind::Last)) {
    fail(env, "predicate: unknown op " + std::to_string(op));
    return env.Undefined();
  }
  if (outLength < x.length) {
    fail(env, "predicate: out holds " + std::to_string(outLength) + " elements, x " + std::to_string(x.length));
    return env.Undefined();
  }
  lamina::predicateF32(static_cast<lamina::PredicateKind>(op), x.data, out, x.length);
  return env.Undefined();
}

// select(cond, a, b, out): out[i] = cond[i] ? a[i] : b[i]; a or b may hold one element (a scalar)
Napi::Value Select(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::uint8_t* cond;
  index_t n;
  F32 a, b, out;
  if (info.Length() < 4 || !getU8(info, 0, "cond", cond, n) || !getF32(info, 1, "a", a) || !getF32(info, 2, "b", b) ||
      !getF32(info, 3, "out", out)) {
    if (!env.IsExceptionPending()) fail(env, "select expects 4 arguments (cond, a, b, out)");
    return env.Undefined();
  }
  if ((a.length != n && a.length != 1) || (b.length != n && b.length != 1) || out.length != n) {
    fail(env, "select: a and b must hold cond's element count or one element, and out cond's");
    return env.Undefined();
  }
  lamina::selectF32(cond, a.data, a.length == n ? 1 : 0, b.data, b.length == n ? 1 : 0, out.data, n);
  return env.Undefined();
}

// reduceSum(x, out, outer, r, inner, divisor): x viewed as [outer, r, inner], out as [outer, inner]
Napi::Value ReduceSum(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x, out;
  index_t outer, r, inner;
  if (info.Length() < 6 || !getF32(info, 0, "x", x) || !getF32(info, 1, "out", out) || !getInt(info, 2, "outer", outer) ||
      !getInt(info, 3, "r", r) || !getInt(info, 4, "inner", inner) || !info[5].IsNumber()) {
    if (!env.IsExceptionPending()) fail(env, "reduceSum expects 6 arguments");
    return env.Undefined();
  }
  if (need(env, x, outer * r * inner, "x") && need(env, out, outer * inner, "out")) {
    lamina::reduceSumF32(x.data, out.data, outer, r, inner, info[5].As<Napi::Number>().DoubleValue());
  }
  return env.Undefined();
}

// softmax(x, out, rows, cols, log): row-wise softmax (log-softmax when log) over [rows, cols]
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x, out;
  index_t rows, cols;
  if (info.Length() < 5 || !getF32(info, 0, "x", x) || !getF32(info, 1, "out", out) || !getInt(info, 2, "rows", rows) ||
      !getInt(info, 3, "cols", cols) || !info[4].IsBoolean()) {
    if (!env.IsExceptionPending()) fail(env, "softmax expects 5 arguments (x, out, rows, cols, log)");
    return env.Undefined();
  }
  if (need(env, x, rows * cols, "x") && need(env, out, rows * cols, "out")) {
    lamina::softmaxRowsF32(x.data, out.data, rows, cols, info[4].As<Napi::Boolean>().Value());
  }
  return env.Undefined();
}

// softmaxGrad(y, dy, dx, rows, cols): dx = y * (dy - sum(dy * y)) along rows of cols
Napi::Value SoftmaxGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 y, dy, dx;
  index_t rows, cols;
  if (info.Length() < 5 || !getF32(info, 0, "y", y) || !getF32(info, 1, "dy", dy) || !getF32(info, 2, "dx", dx) ||
      !getInt(info, 3, "rows", rows) || !getInt(info, 4, "cols", cols)) {
    if (!env.IsExceptionPending()) fail(env, "softmaxGrad expects 5 arguments (y, dy, dx, rows, cols)");
    return env.Undefined();
  }
  if (need(env, y, rows * cols, "y") && need(env, dy, rows * cols, "dy") && need(env, dx, rows * cols, "dx")) {
    lamina::softmaxGradF32(y.data, dy.data, dx.data, rows, cols);
  }
  return env.Undefined();
}

// imageTransform(x, transforms, out, geometry, fillValue) / imageTransformGrad(dy, transforms, dx, geometry, fillValue):
// geometry [batch, inH, inW, channels, outH, outW, perImage, bilinear, fillMode], transforms a Float64Array.
template <bool grad>
Napi::Value ImageTransform(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 in, out;
  index_t v[9];
  if (info.Length() < 5 || !getF32(info, 0, grad ? "dy" : "x", in) || !getF32(info, 2, grad ? "dx" : "out", out) ||
      !getInts(info, 3, 9, v) || !info[4].IsNumber()) {
    if (!env.IsExceptionPending()) fail(env, "imageTransform expects (input, transforms, output, geometry, fillValue)");
    return env.Undefined();
  }
  if (!info[1].IsTypedArray() || info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    fail(env, "transforms must be a Float64Array");
    return env.Undefined();
  }
  Napi::Float64Array t = info[1].As<Napi::Float64Array>();
  for (index_t x : v) {
    if (x < 0) {
      fail(env, "negative image transform geometry");
      return env.Undefined();
    }
  }
  if (v[8] > 3) {
    fail(env, "fill mode must be 0-3");
    return env.Undefined();
  }
  const lamina::ImageTransformGeom g{v[0], v[1], v[2], v[3], v[4], v[5], v[6] != 0, v[7] != 0,
                                     static_cast<lamina::TransformFill>(v[8]), info[4].As<Napi::Number>().DoubleValue()};
  const index_t inSize = g.batch * g.inH * g.inW * g.channels, outSize = g.batch * g.outH * g.outW * g.channels;
  if (static_cast<index_t>(t.ElementLength()) < (g.perImage ? g.batch * 8 : 8)) {
    fail(env, "transforms holds " + std::to_string(t.ElementLength()) + " values, the kernel needs " +
                  std::to_string(g.perImage ? g.batch * 8 : 8));
    return env.Undefined();
  }
  if (grad) {
    if (need(env, in, outSize, "dy") && need(env, out, inSize, "dx")) lamina::imageTransformGrad(in.data, t.Data(), out.data, g);
  } else {
    if (need(env, in, inSize, "x") && need(env, out, outSize, "out")) lamina::imageTransform(in.data, t.Data(), out.data, g);
  }
  return env.Undefined();
}

/** Whether Init tuned malloc (allocator.cc). */
bool allocatorTuned = false;

// info() -> { simd, threads, mr, nr, mallocTuned }
Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  const lamina::MicroKernel& k = lamina::activeKernel();
  o.Set("simd", k.name);
  o.Set("threads", lamina::numThreads());
  o.Set("mr", k.mr);
  o.Set("nr", k.nr);
  o.Set("mallocTuned", allocatorTuned);
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  allocatorTuned = lamina::tuneAllocator();
  lamina::registerFusedKernels(env, exports);
  lamina::registerSortKernels(env, exports);
  exports.Set("matmul", Napi::Function::New(env, Matmul, "matmul"));
  exports.Set("conv2d", Napi::Function::New(env, Conv<ConvKind::Forward>, "conv2d"));
  exports.Set("conv2dBackpropInput", Napi::Function::New(env, Conv<ConvKind::BackpropInput>, "conv2dBackpropInput"));
  exports.Set("conv2dBackpropFilter", Napi::Function::New(env, Conv<ConvKind::BackpropFilter>, "conv2dBackpropFilter"));
  exports.Set("maxPool", Napi::Function::New(env, PoolForward<true>, "maxPool"));
  exports.Set("maxPoolGrad", Napi::Function::New(env, MaxPoolGrad, "maxPoolGrad"));
  exports.Set("maxPoolWithArgmax", Napi::Function::New(env, MaxPoolWithArgmax, "maxPoolWithArgmax"));
  exports.Set("maxPoolGradFromArgmax", Napi::Function::New(env, MaxPoolGradFromArgmax, "maxPoolGradFromArgmax"));
  exports.Set("avgPool", Napi::Function::New(env, PoolForward<false>, "avgPool"));
  exports.Set("avgPoolGrad", Napi::Function::New(env, AvgPoolGrad, "avgPoolGrad"));
  exports.Set("unary", Napi::Function::New(env, Unary, "unary"));
  exports.Set("unaryGrad", Napi::Function::New(env, UnaryGrad, "unaryGrad"));
  exports.Set("binary", Napi::Function::New(env, Binary, "binary"));
  exports.Set("compare", Napi::Function::New(env, Compare, "compare"));
  exports.Set("select", Napi::Function::New(env, Select, "select"));
  exports.Set("predicate", Napi::Function::New(env, Predicate, "predicate"));
  exports.Set("reduceSum", Napi::Function::New(env, ReduceSum, "reduceSum"));
  exports.Set("softmax", Napi::Function::New(env, Softmax, "softmax"));
  exports.Set("softmaxGrad", Napi::Function::New(env, SoftmaxGrad, "softmaxGrad"));
  exports.Set("imageTransform", Napi::Function::New(env, ImageTransform<false>, "imageTransform"));
  exports.Set("imageTransformGrad", Napi::Function::New(env, ImageTransform<true>, "imageTransformGrad"));
  exports.Set("info", Napi::Function::New(env, Info, "info"));
  return exports;
}

}  // namespace

NODE_API_MODULE(lamina, Init)
