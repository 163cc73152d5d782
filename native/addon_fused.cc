// N-API entry points of the fused kernels (fused.cc, optimizer.cc and the GEMM/convolution
// epilogues), in the argument order of src/backend/native/index.ts's NativeAddon. Optional arrays
// are passed as null.
#include <napi.h>

#include "common.h"
#include "napi_args.h"

namespace lamina {
namespace {

using namespace napi_args;

struct F64 {
  double* data = nullptr;
  index_t length = 0;
};

bool getF64(const Napi::CallbackInfo& info, std::size_t i, const char* name, F64& out) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    return fail(info.Env(), std::string(name) + " must be a Float64Array");
  }
  Napi::Float64Array a = v.As<Napi::Float64Array>();
  out.data = a.Data();
  out.length = static_cast<index_t>(a.ElementLength());
  return true;
}

/** A Float32Array of at least `elements`, or null (out.data stays null). */
bool getOptionalF32(const Napi::CallbackInfo& info, std::size_t i, const char* name, index_t elements, F32& out) {
  if (info[i].IsNull() || info[i].IsUndefined()) return true;
  return getF32(info, i, name, out) && need(info.Env(), out, elements, name);
}

bool getActivation(const Napi::CallbackInfo& info, std::size_t i, Activation& out) {
  index_t a;
  if (!getInt(info, i, "activation", a)) return false;
  if (a > static_cast<index_t>(Activation::Relu)) return fail(info.Env(), "unknown fused activation");
  out = static_cast<Activation>(a);
  return true;
}

bool ok(const Napi::Env& env, const char* what, bool parsed) {
  if (!parsed && !env.IsExceptionPending()) fail(env, std::string(what) + ": wrong arguments");
  return parsed && !env.IsExceptionPending();
}

// conv2dBiasActivation(x, filter, bias | null, activation, out, geometry)
Napi::Value Conv2dBiasActivation(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x, w, bias, out;
  Activation act;
  ConvGeom g;
  bool parsed = info.Length() >= 6 && getF32(info, 0, "x", x) && getF32(info, 1, "filter", w) && getConv(info, 5, g) &&
                getOptionalF32(info, 2, "bias", g.outC, bias) && getActivation(info, 3, act) && getF32(info, 4, "out", out);
  if (!ok(env, "conv2dBiasActivation", parsed)) return env.Undefined();
  if (!need(env, x, g.batch * g.inH * g.inW * g.inC, "x") || !need(env, w, g.kh * g.kw * (g.inC / g.groups) * g.outC, "filter") ||
      !need(env, out, g.batch * g.outH * g.outW * g.outC, "out")) {
    return env.Undefined();
  }
  const Epilogue ep{bias.data, act};
  conv2d(x.data, w.data, out.data, g, &ep);
  return env.Undefined();
}

// matmulBiasActivation(a, b, bias | null, activation, out, m, k, n, transposeA, transposeB)
Napi::Value MatmulBiasActivation(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 a, b, bias, out;
  Activation act;
  index_t m, k, n;
  bool parsed = info.Length() >= 10 && getF32(info, 0, "a", a) && getF32(info, 1, "b", b) && getActivation(info, 3, act) &&
                getF32(info, 4, "out", out) && getInt(info, 5, "m", m) && getInt(info, 6, "k", k) && getInt(info, 7, "n", n) &&
                getOptionalF32(info, 2, "bias", n, bias);
  if (!ok(env, "matmulBiasActivation", parsed)) return env.Undefined();
  if (!need(env, a, m * k, "a") || !need(env, b, k * n, "b") || !need(env, out, m * n, "out")) return env.Undefined();
  const bool ta = info[8].ToBoolean().Value();
  const bool tb = info[9].ToBoolean().Value();
  const Epilogue ep{bias.data, act};
  sgemm(ta, tb, m, n, k, a.data, ta ? m : k, b.data, tb ? k : n, out.data, n, false, true, &ep);
  return env.Undefined();
}

// biasActivation(y, rows, channels, bias | null, activation)
Napi::Value BiasActivation(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 y, bias;
  index_t rows, channels;
  Activation act;
  bool parsed = info.Length() >= 5 && getF32(info, 0, "y", y) && getInt(info, 1, "rows", rows) &&
                getInt(info, 2, "channels", channels) && getOptionalF32(info, 3, "bias", channels, bias) && getActivation(info, 4, act);
  if (!ok(env, "biasActivation", parsed) || !need(env, y, rows * channels, "y")) return env.Undefined();
  biasActivationF32(y.data, rows, channels, bias.data, act);
  return env.Undefined();
}

// biasActivationGrad(dy, y, rows, channels, activation, dz, dbias | null)
Napi::Value BiasActivationGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 dy, y, dz, dbias;
  index_t rows, channels;
  Activation act;
  bool parsed = info.Length() >= 7 && getF32(info, 0, "dy", dy) && getF32(info, 1, "y", y) && getInt(info, 2, "rows", rows) &&
                getInt(info, 3, "channels", channels) && getActivation(info, 4, act) && getF32(info, 5, "dz", dz) &&
                getOptionalF32(info, 6, "dbias", channels, dbias);
  if (!ok(env, "biasActivationGrad", parsed)) return env.Undefined();
  const index_t size = rows * channels;
  if (!need(env, dy, size, "dy") || !need(env, y, size, "y") || !need(env, dz, size, "dz")) return env.Undefined();
  biasActivationGradF32(dy.data, y.data, rows, channels, act, dz.data, dbias.data);
  return env.Undefined();
}

// conv2dBackpropFilterBiasActivation(x, dy, y, activation, dw, dbias | null, geometry)
Napi::Value Conv2dBackpropFilterBiasActivation(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x, dy, y, dw, dbias;
  Activation act;
  ConvGeom g;
  bool parsed = info.Length() >= 7 && getF32(info, 0, "x", x) && getF32(info, 1, "dy", dy) && getF32(info, 2, "y", y) &&
                getActivation(info, 3, act) && getF32(info, 4, "dw", dw) && getConv(info, 6, g) &&
                getOptionalF32(info, 5, "dbias", g.outC, dbias);
  if (!ok(env, "conv2dBackpropFilterBiasActivation", parsed)) return env.Undefined();
  const index_t ySize = g.batch * g.outH * g.outW * g.outC;
  if (!need(env, x, g.batch * g.inH * g.inW * g.inC, "x") || !need(env, dy, ySize, "dy") || !need(env, y, ySize, "y") ||
      !need(env, dw, g.kh * g.kw * (g.inC / g.groups) * g.outC, "dw")) {
    return env.Undefined();
  }
  conv2dBackpropFilterBiasActivation(x.data, dy.data, y.data, act, dw.data, dbias.data, g);
  return env.Undefined();
}

// batchNormTraining(x, rows, channels, gamma | null, beta | null, epsilon, y, mean, variance, saved)
Napi::Value BatchNormTraining(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x, gamma, beta, y, mean, variance;
  F64 saved;
  index_t rows, channels;
  bool parsed = info.Length() >= 10 && getF32(info, 0, "x", x) && getInt(info, 1, "rows", rows) &&
                getInt(info, 2, "channels", channels) && getOptionalF32(info, 3, "gamma", channels, gamma) &&
                getOptionalF32(info, 4, "beta", channels, beta) && info[5].IsNumber() && getF32(info, 6, "y", y) &&
                getF32(info, 7, "mean", mean) && getF32(info, 8, "variance", variance) && getF64(info, 9, "saved", saved);
  if (!ok(env, "batchNormTraining", parsed)) return env.Undefined();
  const index_t size = rows * channels;
  if (!need(env, x, size, "x") || !need(env, y, size, "y") || !need(env, mean, channels, "mean") ||
      !need(env, variance, channels, "variance")) {
    return env.Undefined();
  }
  if (saved.length < 2 * channels) {
    fail(env, "saved must hold 2 * channels values");
    return env.Undefined();
  }
  batchNormTrainingF32(x.data, rows, channels, gamma.data, beta.data, info[5].As<Napi::Number>().DoubleValue(), y.data, mean.data,
                       variance.data, saved.data);
  return env.Undefined();
}

// batchNormTrainingGrad(x, dy, rows, channels, gamma | null, saved, dx, dgamma | null, dbeta | null)
Napi::Value BatchNormTrainingGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x, dy, gamma, dx, dgamma, dbeta;
  F64 saved;
  index_t rows, channels;
  bool parsed = info.Length() >= 9 && getF32(info, 0, "x", x) && getF32(info, 1, "dy", dy) && getInt(info, 2, "rows", rows) &&
                getInt(info, 3, "channels", channels) && getOptionalF32(info, 4, "gamma", channels, gamma) &&
                getF64(info, 5, "saved", saved) && getF32(info, 6, "dx", dx) && getOptionalF32(info, 7, "dgamma", channels, dgamma) &&
                getOptionalF32(info, 8, "dbeta", channels, dbeta);
  if (!ok(env, "batchNormTrainingGrad", parsed)) return env.Undefined();
  const index_t size = rows * channels;
  if (!need(env, x, size, "x") || !need(env, dy, size, "dy") || !need(env, dx, size, "dx")) return env.Undefined();
  if (saved.length < 2 * channels) {
    fail(env, "saved must hold 2 * channels values");
    return env.Undefined();
  }
  batchNormTrainingGradF32(x.data, dy.data, rows, channels, gamma.data, saved.data, dx.data, dgamma.data, dbeta.data);
  return env.Undefined();
}

// channelAffine(x, rows, channels, scale, shift, out)
Napi::Value ChannelAffine(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x, out;
  F64 scale, shift;
  index_t rows, channels;
  bool parsed = info.Length() >= 6 && getF32(info, 0, "x", x) && getInt(info, 1, "rows", rows) &&
                getInt(info, 2, "channels", channels) && getF64(info, 3, "scale", scale) && getF64(info, 4, "shift", shift) &&
                getF32(info, 5, "out", out);
  if (!ok(env, "channelAffine", parsed)) return env.Undefined();
  if (!need(env, x, rows * channels, "x") || !need(env, out, rows * channels, "out")) return env.Undefined();
  if (scale.length < channels || shift.length < channels) {
    fail(env, "scale and shift must hold one value per channel");
    return env.Undefined();
  }
  channelAffineF32(x.data, rows, channels, scale.data, shift.data, out.data);
  return env.Undefined();
}

// lstmCell(xp, hr, cPrev, rows, units, h, c)
Napi::Value LstmCell(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 xp, hr, cPrev, h, c;
  index_t rows, units;
  bool parsed = info.Length() >= 7 && getF32(info, 0, "xp", xp) && getF32(info, 1, "hr", hr) && getF32(info, 2, "cPrev", cPrev) &&
                getInt(info, 3, "rows", rows) && getInt(info, 4, "units", units) && getF32(info, 5, "h", h) && getF32(info, 6, "c", c);
  if (!ok(env, "lstmCell", parsed)) return env.Undefined();
  if (!need(env, xp, rows * 4 * units, "xp") || !need(env, hr, rows * 4 * units, "hr") || !need(env, cPrev, rows * units, "cPrev") ||
      !need(env, h, rows * units, "h") || !need(env, c, rows * units, "c")) {
    return env.Undefined();
  }
  lstmCellF32(xp.data, hr.data, cPrev.data, rows, units, h.data, c.data);
  return env.Undefined();
}

// gruCell(xp, hr, hh, hPrev, rows, units, h): hh null for reset_after (hr then [rows, 3 * units])
Napi::Value GruCell(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 xp, hr, hh, hPrev, h;
  index_t rows, units;
  bool parsed = info.Length() >= 7 && getF32(info, 0, "xp", xp) && getF32(info, 1, "hr", hr) && getInt(info, 4, "rows", rows) &&
                getInt(info, 5, "units", units) && getOptionalF32(info, 2, "hh", rows * units, hh) && getF32(info, 3, "hPrev", hPrev) &&
                getF32(info, 6, "h", h);
  if (!ok(env, "gruCell", parsed)) return env.Undefined();
  const index_t hrCols = hh.data == nullptr ? 3 * units : 2 * units;
  if (!need(env, xp, rows * 3 * units, "xp") || !need(env, hr, rows * hrCols, "hr") || !need(env, hPrev, rows * units, "hPrev") ||
      !need(env, h, rows * units, "h")) {
    return env.Undefined();
  }
  gruCellF32(xp.data, hr.data, hh.data, hPrev.data, rows, units, h.data);
  return env.Undefined();
}

// gruResetGate(xp, hr, hPrev, rows, units, rh)
Napi::Value GruResetGate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 xp, hr, hPrev, rh;
  index_t rows, units;
  bool parsed = info.Length() >= 6 && getF32(info, 0, "xp", xp) && getF32(info, 1, "hr", hr) && getF32(info, 2, "hPrev", hPrev) &&
                getInt(info, 3, "rows", rows) && getInt(info, 4, "units", units) && getF32(info, 5, "rh", rh);
  if (!ok(env, "gruResetGate", parsed)) return env.Undefined();
  if (!need(env, xp, rows * 3 * units, "xp") || !need(env, hr, rows * 2 * units, "hr") || !need(env, hPrev, rows * units, "hPrev") ||
      !need(env, rh, rows * units, "rh")) {
    return env.Undefined();
  }
  gruResetGateF32(xp.data, hr.data, hPrev.data, rows, units, rh.data);
  return env.Undefined();
}

// signedPower(x, rows, channels, p, eps, out)
Napi::Value SignedPower(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x, p, out;
  index_t rows, channels;
  bool parsed = info.Length() >= 6 && getF32(info, 0, "x", x) && getInt(info, 1, "rows", rows) &&
                getInt(info, 2, "channels", channels) && getF32(info, 3, "p", p) && info[4].IsNumber() && getF32(info, 5, "out", out);
  if (!ok(env, "signedPower", parsed)) return env.Undefined();
  if (!need(env, x, rows * channels, "x") || !need(env, p, channels, "p") || !need(env, out, rows * channels, "out")) {
    return env.Undefined();
  }
  signedPowerF32(x.data, rows, channels, p.data, info[4].As<Napi::Number>().DoubleValue(), out.data);
  return env.Undefined();
}

// signedPowerGrad(x, y, dy, rows, channels, p, eps, dx, dp | null)
Napi::Value SignedPowerGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x, y, dy, p, dx, dp;
  index_t rows, channels;
  bool parsed = info.Length() >= 9 && getF32(info, 0, "x", x) && getF32(info, 1, "y", y) && getF32(info, 2, "dy", dy) &&
                getInt(info, 3, "rows", rows) && getInt(info, 4, "channels", channels) && getF32(info, 5, "p", p) &&
                info[6].IsNumber() && getF32(info, 7, "dx", dx) && getOptionalF32(info, 8, "dp", channels, dp);
  if (!ok(env, "signedPowerGrad", parsed)) return env.Undefined();
  const index_t size = rows * channels;
  if (!need(env, x, size, "x") || !need(env, y, size, "y") || !need(env, dy, size, "dy") || !need(env, p, channels, "p") ||
      !need(env, dx, size, "dx")) {
    return env.Undefined();
  }
  signedPowerGradF32(x.data, y.data, dy.data, rows, channels, p.data, info[6].As<Napi::Number>().DoubleValue(), dx.data, dp.data);
  return env.Undefined();
}

// optimizerUpdate(kind, scalars[lr, momentum, alpha, 1-b1, 1-b2, eps, rho, 1-rho], nesterov, w, g, s0, s1, s2, wOut, o0, o1, o2)
Napi::Value OptimizerUpdate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  index_t kind;
  F32 scalars, w, g, wOut;
  bool parsed = info.Length() >= 12 && getInt(info, 0, "kind", kind) && getF32(info, 1, "scalars", scalars) &&
                getF32(info, 3, "w", w) && getF32(info, 4, "g", g) && getF32(info, 8, "wOut", wOut);
  if (!ok(env, "optimizerUpdate", parsed)) return env.Undefined();
  if (kind > static_cast<index_t>(OptimizerKind::Rmsprop) || scalars.length < 8) {
    fail(env, "optimizerUpdate: unknown kind or too few scalars");
    return env.Undefined();
  }
  const index_t n = w.length;
  if (!need(env, g, n, "g") || !need(env, wOut, n, "wOut")) return env.Undefined();
  F32 s[3], o[3];
  const float* sp[3];
  float* op[3];
  for (int i = 0; i < 3; i++) {
    if (!getOptionalF32(info, 5 + i, "slot", n, s[i]) || !getOptionalF32(info, 9 + i, "slot output", n, o[i])) return env.Undefined();
    if ((s[i].data == nullptr) != (o[i].data == nullptr)) {
      fail(env, "optimizerUpdate: a slot and its output must both be given or both be null");
      return env.Undefined();
    }
    sp[i] = s[i].data;
    op[i] = o[i].data;
  }
  const float* v = scalars.data;
  const OptimizerParams p{static_cast<OptimizerKind>(kind), v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], info[2].ToBoolean().Value()};
  const bool needs0 = p.kind != OptimizerKind::Sgd;
  const bool needs1 = p.kind == OptimizerKind::Adam;
  if ((needs0 && sp[0] == nullptr) || (needs1 && sp[1] == nullptr)) {
    fail(env, "optimizerUpdate: a required slot is missing");
    return env.Undefined();
  }
  optimizerUpdateF32(p, w.data, g.data, sp, wOut.data, op, n);
  return env.Undefined();
}

}  // namespace

void registerFusedKernels(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2dBiasActivation", Napi::Function::New(env, Conv2dBiasActivation, "conv2dBiasActivation"));
  exports.Set("matmulBiasActivation", Napi::Function::New(env, MatmulBiasActivation, "matmulBiasActivation"));
  exports.Set("biasActivation", Napi::Function::New(env, BiasActivation, "biasActivation"));
  exports.Set("biasActivationGrad", Napi::Function::New(env, BiasActivationGrad, "biasActivationGrad"));
  exports.Set("conv2dBackpropFilterBiasActivation",
              Napi::Function::New(env, Conv2dBackpropFilterBiasActivation, "conv2dBackpropFilterBiasActivation"));
  exports.Set("batchNormTraining", Napi::Function::New(env, BatchNormTraining, "batchNormTraining"));
  exports.Set("batchNormTrainingGrad", Napi::Function::New(env, BatchNormTrainingGrad, "batchNormTrainingGrad"));
  exports.Set("channelAffine", Napi::Function::New(env, ChannelAffine, "channelAffine"));
  exports.Set("signedPower", Napi::Function::New(env, SignedPower, "signedPower"));
  exports.Set("lstmCell", Napi::Function::New(env, LstmCell, "lstmCell"));
  exports.Set("gruCell", Napi::Function::New(env, GruCell, "gruCell"));
  exports.Set("gruResetGate", Napi::Function::New(env, GruResetGate, "gruResetGate"));
  exports.Set("signedPowerGrad", Napi::Function::New(env, SignedPowerGrad, "signedPowerGrad"));
  exports.Set("optimizerUpdate", Napi::Function::New(env, OptimizerUpdate, "optimizerUpdate"));
}

}  // namespace lamina
