// TODO(scaffold): replaced by the real mining binding.
#include "binding/modules.h"

namespace arkube::binding {

void register_mining(Napi::Env, Napi::Object) {}

}  // namespace arkube::binding
