// randomxCreate / randomxHash / randomxScratchpad: RandomX for JS, all heavy work on the libuv pool.
#include <cstring>
#include <string>
#include <vector>

#include "binding/args.h"
#include "binding/modules.h"
#include "binding/promise_worker.h"
#include "binding/randomx_context.h"
#include "core/parallel.h"

namespace arkube::binding {

namespace {

constexpr size_t kKeyBytesMax = 1024;          // RandomX keys are short; bound what we accept
constexpr size_t kInputBytesMax = 1 << 20;     // per hash input
constexpr size_t kBatchInputsMax = 1 << 16;    // inputs per randomxHash call
constexpr int64_t kProgramCountMax = 100000;
constexpr int64_t kThreadsMax = 64;

struct Holder {
  RandomxContextPtr context;
};

// Distinguishes our handles from any other External (napi_type_tag, N-API 8).
constexpr napi_type_tag kHolderTag = {0x6172'6b75'6265'7278ULL, 0x636f'6e74'6578'7401ULL};

randomx::AesImpl aes_arg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsString()) throw ArgError{kBadArgument, "aes must be a string"};
  std::string name = info[index].As<Napi::String>().Utf8Value();
  if (name == "auto") return randomx::AesImpl::Auto;
  if (name == "software") return randomx::AesImpl::Software;
  if (name == "hardware") {
    if (!randomx::aes_hardware_available()) throw ArgError{kNoCpuFeature, "aes \"hardware\" needs AES-NI, which this CPU lacks"};
    return randomx::AesImpl::Hardware;
  }
  throw ArgError{kBadArgument, "aes must be \"auto\", \"software\" or \"hardware\", got \"" + name + "\""};
}

// randomxCreate(configName, key, fast, threads, aes, jit) -> Promise<handle>
Napi::Value Create(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    if (info.Length() < 1 || !info[0].IsString()) throw ArgError{kBadConfig, "config must be a string"};
    std::string name = info[0].As<Napi::String>().Utf8Value();
    const randomx::Config* config = randomx::config_by_name(name);
    if (!config) throw ArgError{kBadConfig, "unknown RandomX config \"" + name + "\" (known: rx512, standard)"};
    ByteView key = bytes_arg(info, 1, "key");
    if (key.size > kKeyBytesMax) throw ArgError{kBadLength, "key must be at most 1024 bytes"};
    if (info.Length() < 3 || !info[2].IsBoolean()) throw ArgError{kBadArgument, "fast must be a boolean"};
    bool fast = info[2].As<Napi::Boolean>().Value();
    unsigned threads = static_cast<unsigned>(int_arg(info, 3, "threads", 1, kThreadsMax));
    randomx::AesImpl aes = aes_arg(info, 4);
    if (info.Length() < 6 || !info[5].IsBoolean()) throw ArgError{kBadArgument, "jit must be a boolean"};
    bool jit = info[5].As<Napi::Boolean>().Value();
    auto context = std::make_shared<RandomxContext>();
    context->aes = aes;
    context->jit = jit;
    auto build = [context, config, key_bytes = std::vector<uint8_t>(key.data, key.data + key.size), fast, threads]() {
      context->cache = std::make_shared<const randomx::Cache>(*config, key_bytes.data(), key_bytes.size(), context->jit);
      if (fast) context->dataset = std::make_shared<const randomx::Dataset>(context->cache, threads);
    };
    auto handle = [context](Napi::Env env) -> Napi::Value {
      auto external = Napi::External<Holder>::New(env, new Holder{context}, [](Napi::Env, Holder* h) { delete h; });
      napi_type_tag_object(env, external, &kHolderTag);
      return external;
    };
    return PromiseWorker::start(info.Env(), {}, build, handle);
  });
}

// randomxHash(handle, inputs: Uint8Array[], programCount, threads) -> Promise<Buffer(32 * n)>
Napi::Value Hash(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    RandomxContextPtr context = context_arg(info, 0);
    if (info.Length() < 2 || !info[1].IsArray()) throw ArgError{kBadArgument, "inputs must be an array"};
    Napi::Array array = info[1].As<Napi::Array>();
    if (array.Length() > kBatchInputsMax) throw ArgError{kBadLength, "at most 65536 inputs per call"};
    std::vector<std::vector<uint8_t>> inputs;
    inputs.reserve(array.Length());
    for (uint32_t i = 0; i < array.Length(); ++i) {
      Napi::Value v = array.Get(i);
      if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
        throw ArgError{kBadArgument, "inputs[" + std::to_string(i) + "] must be a Buffer or Uint8Array"};
      Napi::Uint8Array bytes = v.As<Napi::Uint8Array>();
      if (bytes.ByteLength() > kInputBytesMax) throw ArgError{kBadLength, "an input is larger than 1 MiB"};
      inputs.emplace_back(bytes.Data(), bytes.Data() + bytes.ByteLength());
    }
    uint32_t programs = static_cast<uint32_t>(int_arg(info, 2, "programCount", 1, kProgramCountMax));
    unsigned threads = static_cast<unsigned>(int_arg(info, 3, "threads", 1, kThreadsMax));
    auto out = std::make_shared<std::vector<uint8_t>>(32 * inputs.size());
    auto work = [context, inputs = std::move(inputs), programs, threads, out]() {
      parallel_ranges(inputs.size(), threads, [&](size_t begin, size_t end) {
        randomx::Vm vm = context->make_vm();
        for (size_t i = begin; i < end; ++i) vm.hash(inputs[i].data(), inputs[i].size(), programs, &(*out)[32 * i]);
      });
    };
    auto result = [out](Napi::Env env) -> Napi::Value { return Napi::Buffer<uint8_t>::Copy(env, out->data(), out->size()); };
    return PromiseWorker::start(info.Env(), {}, work, result);
  });
}

// randomxScratchpad(handle, input, programCount) -> Promise<Buffer(2 MiB)>: the scratchpad after
// `programCount` chained programs (Arweave's packing entropy is its first 256 KiB).
Napi::Value Scratchpad(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    RandomxContextPtr context = context_arg(info, 0);
    ByteView input = bytes_arg(info, 1, "input");
    if (input.size > kInputBytesMax) throw ArgError{kBadLength, "input is larger than 1 MiB"};
    uint32_t programs = static_cast<uint32_t>(int_arg(info, 2, "programCount", 1, kProgramCountMax));
    auto scratchpad = std::make_shared<std::vector<uint8_t>>();
    auto work = [context, bytes = std::vector<uint8_t>(input.data, input.data + input.size), programs, scratchpad]() {
      randomx::Vm vm = context->make_vm();
      vm.run_chain(bytes.data(), bytes.size(), programs);
      scratchpad->assign(vm.scratchpad(), vm.scratchpad() + vm.scratchpad_bytes());
    };
    auto result = [scratchpad](Napi::Env env) -> Napi::Value {
      return Napi::Buffer<uint8_t>::Copy(env, scratchpad->data(), scratchpad->size());
    };
    return PromiseWorker::start(info.Env(), {}, work, result);
  });
}

}  // namespace

RandomxContextPtr context_arg(const Napi::CallbackInfo& info, size_t index) {
  bool tagged = false;
  if (info.Length() > index && info[index].IsExternal())
    napi_check_object_type_tag(info.Env(), info[index], &kHolderTag, &tagged);
  if (!tagged) throw ArgError{kBadArgument, "expected a RandomX context handle"};
  Holder* holder = info[index].As<Napi::External<Holder>>().Data();
  if (!holder || !holder->context) throw ArgError{kBadArgument, "expected a RandomX context handle"};
  return holder->context;
}

void register_randomx(Napi::Env env, Napi::Object exports) {
  exports.Set("randomxCreate", Napi::Function::New(env, Create, "randomxCreate"));
  exports.Set("randomxHash", Napi::Function::New(env, Hash, "randomxHash"));
  exports.Set("randomxScratchpad", Napi::Function::New(env, Scratchpad, "randomxScratchpad"));
  exports.Set("randomxAesHardware", Napi::Boolean::New(env, randomx::aes_hardware_available()));
}

}  // namespace arkube::binding
