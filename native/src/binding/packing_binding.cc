// TODO(scaffold): replaced by the real packing binding.
#include "binding/modules.h"

namespace arkube::binding {

void register_packing(Napi::Env, Napi::Object) {}

}  // namespace arkube::binding
