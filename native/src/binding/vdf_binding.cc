// VDF exports. Chains, steps and verification run on the libuv pool (a full-difficulty step is
// over a second of SHA-256) and write into caller-supplied buffers; checkpoints oldest first.
//
//   vdfChain(sha, startSalt, seed, checkpointCount, iterations, checkpointsOut, outputOut): Promise<void>
//   vdfSteps(sha, firstStep, prev, resetSeed | null, stepCount, iterations, checkpointsOut): Promise<void>
//   vdfVerifyStep(sha, step, prev, resetSeed | null, checkpoints, iterations, threads): Promise<number>
//   vdfMixResetSeed(sha, prev, seed): Buffer
#include <cstdint>
#include <memory>
#include <vector>

#include "binding/core_args.h"
#include "binding/modules.h"
#include "binding/promise_worker.h"
#include "binding/sha256_binding.h"
#include "core/vdf.h"

namespace arkube::binding {

namespace {

constexpr int64_t kSafeIntegerMax = (int64_t{1} << 53) - 1;
constexpr int64_t kChainCheckpointsMax = UINT32_MAX;

uint64_t iterations_arg(const Napi::CallbackInfo& info, size_t index) {
  return static_cast<uint64_t>(
      int_arg(info, index, "iterations", static_cast<int64_t>(vdf::kIterationsMin), kSafeIntegerMax));
}

void check_step_range(uint64_t first_step, uint64_t step_count, uint64_t iterations, bool has_reset_seed) {
  if (const char* why = vdf::check_step_range(first_step, step_count, iterations, has_reset_seed)) {
    throw ArgError{kBadArgument, why};
  }
}

Napi::Value VdfChain(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    sha256::Impl impl = sha_impl_arg(info, 0);
    auto start_salt = static_cast<uint64_t>(int_arg(info, 1, "startSalt", 0, kSafeIntegerMax));
    ByteView seed = bytes_arg(info, 2, "seed", vdf::kHashBytes);
    auto count = static_cast<uint32_t>(int_arg(info, 3, "checkpointCount", 0, kChainCheckpointsMax));
    uint64_t iterations = iterations_arg(info, 4);
    ByteView checkpoints = bytes_arg(info, 5, "checkpointsOut", size_t{count} * vdf::kHashBytes);
    ByteView output = bytes_arg(info, 6, "outputOut", vdf::kHashBytes);
    check_overlap(checkpoints, "checkpointsOut", output, "outputOut", false);
    return PromiseWorker::start(info.Env(), {info[2], info[5], info[6]}, [=] {
      vdf::chain(impl, start_salt, seed.data, count, iterations, checkpoints.data, output.data);
    });
  });
}

Napi::Value VdfSteps(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    sha256::Impl impl = sha_impl_arg(info, 0);
    auto first_step = static_cast<uint64_t>(int_arg(info, 1, "firstStep", 1, kSafeIntegerMax));
    ByteView prev = bytes_arg(info, 2, "prev", vdf::kHashBytes);
    ByteView reset_seed = optional_bytes_arg(info, 3, "resetSeed", vdf::kHashBytes);
    auto step_count = static_cast<uint64_t>(int_arg(info, 4, "stepCount", 1, kSafeIntegerMax));
    uint64_t iterations = iterations_arg(info, 5);
    check_step_range(first_step, step_count, iterations, reset_seed.data != nullptr);
    ByteView out = bytes_arg(info, 6, "checkpointsOut", step_count * vdf::kStepBytes);
    std::vector<Napi::Value> keep = {info[2], info[6]};
    if (reset_seed.data != nullptr) keep.push_back(info[3]);
    return PromiseWorker::start(info.Env(), keep, [=] {
      vdf::steps(impl, first_step, prev.data, reset_seed.data, step_count, iterations, out.data);
    });
  });
}

Napi::Value VdfVerifyStep(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    sha256::Impl impl = sha_impl_arg(info, 0);
    auto step = static_cast<uint64_t>(int_arg(info, 1, "step", 1, kSafeIntegerMax));
    ByteView prev = bytes_arg(info, 2, "prev", vdf::kHashBytes);
    ByteView reset_seed = optional_bytes_arg(info, 3, "resetSeed", vdf::kHashBytes);
    ByteView claimed = bytes_arg(info, 4, "checkpoints", vdf::kStepBytes);
    uint64_t iterations = iterations_arg(info, 5);
    unsigned threads = threads_arg(info, 6);
    check_step_range(step, 1, iterations, reset_seed.data != nullptr);
    std::vector<Napi::Value> keep = {info[2], info[4]};
    if (reset_seed.data != nullptr) keep.push_back(info[3]);
    auto failed = std::make_shared<int>(vdf::kAllCheckpointsValid);
    return PromiseWorker::start(
        info.Env(), keep,
        [=] { *failed = vdf::verify_step(impl, step, prev.data, reset_seed.data, claimed.data, iterations, threads); },
        [failed](Napi::Env env) { return Napi::Number::New(env, *failed); });
  });
}

Napi::Value VdfMixResetSeed(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    sha256::Impl impl = sha_impl_arg(info, 0);
    ByteView prev = bytes_arg(info, 1, "prev", vdf::kHashBytes);
    ByteView seed = bytes_arg(info, 2, "seed", vdf::kHashBytes);
    Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::New(info.Env(), vdf::kHashBytes);
    vdf::mix_reset_seed(impl, prev.data, seed.data, out.Data());
    return out;
  });
}

}  // namespace

void register_vdf(Napi::Env env, Napi::Object exports) {
  exports.Set("vdfChain", Napi::Function::New(env, VdfChain, "vdfChain"));
  exports.Set("vdfSteps", Napi::Function::New(env, VdfSteps, "vdfSteps"));
  exports.Set("vdfVerifyStep", Napi::Function::New(env, VdfVerifyStep, "vdfVerifyStep"));
  exports.Set("vdfMixResetSeed", Napi::Function::New(env, VdfMixResetSeed, "vdfMixResetSeed"));
  // SHA-256 is the VDF's primitive; its exports are registered here so addon.cc's list of
  // binding files stays as it is.
  register_sha256(env, exports);
}

}  // namespace arkube::binding
