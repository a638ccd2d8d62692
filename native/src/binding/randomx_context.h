// The JS-visible RandomX context: a cache and, in fast mode, a dataset, shared (read-only) by
// every worker that hashes with it. Held by JS through an External; workers copy the shared_ptr
// so a context stays alive while work that uses it is running.
#pragma once
#include <napi.h>

#include <memory>

#include "core/randomx/aes.h"
#include "core/randomx/dataset.h"
#include "core/randomx/vm.h"

namespace arkube::binding {

struct RandomxContext {
  std::shared_ptr<const randomx::Cache> cache;
  std::shared_ptr<const randomx::Dataset> dataset;  // null in light mode
  randomx::AesImpl aes = randomx::AesImpl::Auto;
  bool jit = true;  // compile programs to machine code where possible

  randomx::Vm make_vm() const { return randomx::Vm(cache, dataset, aes, jit); }
};

using RandomxContextPtr = std::shared_ptr<RandomxContext>;

// The context behind a JS handle created by randomxCreate; throws ArgError when `value` is not one.
RandomxContextPtr context_arg(const Napi::CallbackInfo& info, size_t index);

}  // namespace arkube::binding
