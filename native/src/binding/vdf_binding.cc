// TODO(scaffold): replaced by the real vdf binding.
#include "binding/modules.h"

namespace arkube::binding {

void register_vdf(Napi::Env, Napi::Object) {}

}  // namespace arkube::binding
