// Argument unpacking shared by the N-API entry points (addon.cc, addon_fused.cc): typed arrays
// by pointer and length, integers checked to be whole and non-negative, and one clear TypeError
// ("lamina native: ...") when a call is malformed.
#pragma once
#include <napi.h>

#include <string>

#include "common.h"

namespace lamina {

/** Adds the fused kernels' entry points (addon_fused.cc) to the addon's exports. */
void registerFusedKernels(Napi::Env env, Napi::Object exports);
/** Adds sortIndices, cumulative and bincount (addon_sort.cc, sort.cc) to the addon's exports. */
void registerSortKernels(Napi::Env env, Napi::Object exports);

namespace napi_args {

struct F32 {
  float* data = nullptr;
  index_t length = 0;
};

inline bool fail(const Napi::Env& env, const std::string& message) {
  Napi::TypeError::New(env, "lamina native: " + message).ThrowAsJavaScriptException();
  return false;
}

inline bool getF32(const Napi::CallbackInfo& info, std::size_t i, const char* name, F32& out) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    return fail(info.Env(), std::string(name) + " must be a Float32Array");
  }
  Napi::Float32Array a = v.As<Napi::Float32Array>();
  out.data = a.Data();
  out.length = static_cast<index_t>(a.ElementLength());
  return true;
}

struct I32 {
  std::int32_t* data = nullptr;
  index_t length = 0;
};

inline bool getI32(const Napi::CallbackInfo& info, std::size_t i, const char* name, I32& out) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    return fail(info.Env(), std::string(name) + " must be an Int32Array");
  }
  Napi::Int32Array a = v.As<Napi::Int32Array>();
  out.data = a.Data();
  out.length = static_cast<index_t>(a.ElementLength());
  return true;
}

inline bool getInt(const Napi::CallbackInfo& info, std::size_t i, const char* name, index_t& out) {
  Napi::Value v = info[i];
  if (!v.IsNumber()) return fail(info.Env(), std::string(name) + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0) || d > 9.0e15 || d != static_cast<double>(static_cast<index_t>(d))) {
    return fail(info.Env(), std::string(name) + " must be a non-negative integer");
  }
  out = static_cast<index_t>(d);
  return true;
}

inline bool getInts(const Napi::CallbackInfo& info, std::size_t i, std::size_t count, index_t* out) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    return fail(info.Env(), "geometry must be an Int32Array");
  }
  Napi::Int32Array a = v.As<Napi::Int32Array>();
  if (a.ElementLength() < count) return fail(info.Env(), "geometry array is too short");
  for (std::size_t k = 0; k < count; k++) out[k] = a[k];
  return true;
}

inline bool need(const Napi::Env& env, const F32& a, index_t elements, const char* name) {
  if (a.length < elements) {
    return fail(env, std::string(name) + " holds " + std::to_string(a.length) + " elements, the kernel needs " +
                         std::to_string(elements));
  }
  return true;
}

inline bool need(const Napi::Env& env, const I32& a, index_t elements, const char* name) {
  if (a.length < elements) {
    return fail(env, std::string(name) + " holds " + std::to_string(a.length) + " elements, the kernel needs " +
                         std::to_string(elements));
  }
  return true;
}

inline bool getConv(const Napi::CallbackInfo& info, std::size_t at, lamina::ConvGeom& g) {
  index_t v[18];
  if (!getInts(info, at, 18, v)) return false;
  g = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15], v[16], v[17]};
  for (index_t x : v) {
    if (x < 0) return fail(info.Env(), "negative convolution geometry");
  }
  if (g.sh < 1 || g.sw < 1 || g.dh < 1 || g.dw < 1) return fail(info.Env(), "strides and dilations must be >= 1");
  if (g.groups < 1 || g.inC % g.groups != 0 || g.outC % g.groups != 0) {
    return fail(info.Env(), "groups must be >= 1 and divide the input and output channels");
  }
  return true;
}

}  // namespace napi_args
}  // namespace lamina
