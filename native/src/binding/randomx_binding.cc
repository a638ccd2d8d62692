// TODO(scaffold): replaced by the real randomx binding.
#include "binding/modules.h"

namespace arkube::binding {

void register_randomx(Napi::Env, Napi::Object) {}

}  // namespace arkube::binding
