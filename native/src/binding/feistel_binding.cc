// TODO(scaffold): replaced by the real feistel binding.
#include "binding/modules.h"

namespace arkube::binding {

void register_feistel(Napi::Env, Napi::Object) {}

}  // namespace arkube::binding
