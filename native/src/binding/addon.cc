// Module entry: each binding file registers its exports through one function (see modules.h).
#include <napi.h>

#include "binding/modules.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  using namespace arkube::binding;
  register_cpu(env, exports);
  register_vdf(env, exports);
  register_feistel(env, exports);
  register_mining(env, exports);
  register_randomx(env, exports);
  register_packing(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(arkube_native, Init)
