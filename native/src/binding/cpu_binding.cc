// cpuFeatures(): what the dispatching code detected, for logs and benchmarks.
#include "binding/modules.h"
#include "core/cpu_features.h"

namespace arkube::binding {

namespace {

Napi::Value CpuFeaturesJs(const Napi::CallbackInfo& info) {
  const CpuFeatures& f = cpu_features();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("shaNi", f.sha_ni);
  out.Set("aesNi", f.aes_ni);
  out.Set("sse41", f.sse41);
  out.Set("avx2", f.avx2);
  out.Set("avx512", f.avx512);
  return out;
}

}  // namespace

void register_cpu(Napi::Env env, Napi::Object exports) {
  exports.Set("cpuFeatures", Napi::Function::New(env, CpuFeaturesJs, "cpuFeatures"));
}

}  // namespace arkube::binding
