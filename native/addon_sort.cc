// N-API entry points of the sorting and counting kernels (sort.cc), in the argument order of
// src/backend/native/index.ts's NativeAddon. They take float32, float64, int32 and uint8 arrays and
// answer false for any other (int64's BigInt64Array), which the JS backend then handles.
#include <napi.h>

#include <string>

#include "common.h"
#include "napi_args.h"

namespace lamina {
namespace {

using namespace napi_args;

struct AnyArray {
  void* data = nullptr;
  index_t length = 0;
  ElemType type = ElemType::F32;
};

/** Whether argument i is a typed array of a supported element type (false, nothing thrown, if not). */
bool getAny(const Napi::CallbackInfo& info, std::size_t i, AnyArray& out) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray()) return false;
  Napi::TypedArray a = v.As<Napi::TypedArray>();
  switch (a.TypedArrayType()) {
    case napi_float32_array: out.type = ElemType::F32; break;
    case napi_float64_array: out.type = ElemType::F64; break;
    case napi_int32_array: out.type = ElemType::I32; break;
    case napi_uint8_array: out.type = ElemType::U8; break;
    default: return false;
  }
  out.data = static_cast<std::uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset();
  out.length = static_cast<index_t>(a.ElementLength());
  return true;
}

bool needAny(const Napi::Env& env, const AnyArray& a, index_t elements, const char* name) {
  if (a.length < elements) {
    return fail(env, std::string(name) + " holds " + std::to_string(a.length) + " elements, the kernel needs " +
                         std::to_string(elements));
  }
  return true;
}

// sortIndices(x, rows, n, k, descending, out: Int32Array) -> whether x's type has a native kernel
Napi::Value SortIndices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AnyArray x;
  I32 out;
  index_t rows, n, k;
  if (info.Length() < 6 || !getInt(info, 1, "rows", rows) || !getInt(info, 2, "n", n) || !getInt(info, 3, "k", k) ||
      !getI32(info, 5, "out", out)) {
    if (!env.IsExceptionPending()) fail(env, "sortIndices expects 6 arguments (x, rows, n, k, descending, out)");
    return env.Undefined();
  }
  if (!getAny(info, 0, x)) return Napi::Boolean::New(env, false);
  if (k > n || n > 2147483647) {
    fail(env, "sortIndices: k = " + std::to_string(k) + " must be at most n = " + std::to_string(n) + " (below 2^31)");
    return env.Undefined();
  }
  if (!needAny(env, x, rows * n, "x") || !need(env, out, rows * k, "out")) return env.Undefined();
  sortIndices(x.type, x.data, rows, n, k, info[4].ToBoolean().Value(), out.data);
  return Napi::Boolean::New(env, true);
}

// cumulative(prod, x, outer, n, inner, exclusive, reverse, out) -> whether x's type has a native kernel
Napi::Value Cumulative(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AnyArray x, out;
  index_t outer, n, inner;
  if (info.Length() < 8 || !getInt(info, 2, "outer", outer) || !getInt(info, 3, "n", n) || !getInt(info, 4, "inner", inner)) {
    if (!env.IsExceptionPending()) fail(env, "cumulative expects 8 arguments (prod, x, outer, n, inner, exclusive, reverse, out)");
    return env.Undefined();
  }
  if (!getAny(info, 1, x) || !getAny(info, 7, out) || x.type != out.type) return Napi::Boolean::New(env, false);
  const index_t total = outer * n * inner;
  if (!needAny(env, x, total, "x") || !needAny(env, out, total, "out")) return env.Undefined();
  cumulative(x.type, info[0].ToBoolean().Value(), x.data, outer, n, inner, info[5].ToBoolean().Value(),
             info[6].ToBoolean().Value(), out.data);
  return Napi::Boolean::New(env, true);
}

// bincount(x: Int32Array, rows, n, weights | null, size, out) -> whether the types have a native kernel
Napi::Value Bincount(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  I32 x;
  AnyArray w, out;
  index_t rows, n, size;
  if (info.Length() < 6 || !getI32(info, 0, "x", x) || !getInt(info, 1, "rows", rows) || !getInt(info, 2, "n", n) ||
      !getInt(info, 4, "size", size)) {
    if (!env.IsExceptionPending()) fail(env, "bincount expects 6 arguments (x, rows, n, weights, size, out)");
    return env.Undefined();
  }
  const bool weighted = !info[3].IsNull() && !info[3].IsUndefined();
  if ((weighted && !getAny(info, 3, w)) || !getAny(info, 5, out)) return Napi::Boolean::New(env, false);
  // Counts are int32; weighted sums take the weights' type.
  if (out.type != (weighted ? w.type : ElemType::I32)) return Napi::Boolean::New(env, false);
  if (!need(env, x, rows * n, "x") || (weighted && !needAny(env, w, rows * n, "weights")) ||
      !needAny(env, out, rows * size, "out")) {
    return env.Undefined();
  }
  bincount(x.data, rows, n, w.type, weighted ? w.data : nullptr, size, out.data);
  return Napi::Boolean::New(env, true);
}

}  // namespace

void registerSortKernels(Napi::Env env, Napi::Object exports) {
  exports.Set("sortIndices", Napi::Function::New(env, SortIndices, "sortIndices"));
  exports.Set("cumulative", Napi::Function::New(env, Cumulative, "cumulative"));
  exports.Set("bincount", Napi::Function::New(env, Bincount, "bincount"));
}

}  // namespace lamina
