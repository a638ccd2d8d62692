// packChunks / unpackChunks / packingEntropy: spora_2_6 packing of whole batches on the libuv pool,
// in place on the caller's buffer (keys: 32 bytes per chunk, chunks: 256 KiB each).
#include <string>

#include "binding/args.h"
#include "binding/core_args.h"
#include "binding/modules.h"
#include "binding/promise_worker.h"
#include "binding/randomx_context.h"
#include "core/packing.h"

namespace arkube::binding {

namespace {

constexpr int64_t kProgramCountMax = 100000;

struct Batch {
  RandomxContextPtr context;
  ByteView keys;
  ByteView chunks;
  size_t count;
  uint32_t programs;
  unsigned threads;
  sha256::Impl impl;
};

// (handle, keys, chunks, programCount, threads, sha)
Batch batch_args(const Napi::CallbackInfo& info) {
  Batch b{};
  b.context = context_arg(info, 0);
  b.keys = bytes_arg(info, 1, "keys");
  b.chunks = bytes_arg(info, 2, "chunks");
  if (b.keys.size == 0 || b.keys.size % packing::kKeyBytes != 0)
    throw ArgError{kBadLength, "keys must be a non-empty multiple of 32 bytes, got " + std::to_string(b.keys.size)};
  b.count = b.keys.size / packing::kKeyBytes;
  if (b.chunks.size != b.count * packing::kChunkBytes)
    throw ArgError{kBadLength, "chunks must be " + std::to_string(b.count) + " x 262144 bytes for " +
                                   std::to_string(b.count) + " keys, got " + std::to_string(b.chunks.size)};
  check_overlap(b.keys, "keys", b.chunks, "chunks", false);
  b.programs = static_cast<uint32_t>(int_arg(info, 3, "programCount", 1, kProgramCountMax));
  b.threads = threads_arg(info, 4);
  b.impl = sha_impl_arg(info, 5);
  return b;
}

Napi::Value Run(const Napi::CallbackInfo& info, bool pack) {
  return guarded(info, [&]() -> Napi::Value {
    Batch b = batch_args(info);
    auto work = [b, pack]() {
      auto make_vm = [&b]() { return b.context->make_vm(); };
      if (pack) {
        packing::pack(make_vm, b.impl, b.keys.data, b.chunks.data, b.count, b.programs, b.threads);
      } else {
        packing::unpack(make_vm, b.impl, b.keys.data, b.chunks.data, b.count, b.programs, b.threads);
      }
    };
    return PromiseWorker::start(info.Env(), {info[1], info[2]}, work);
  });
}

Napi::Value Pack(const Napi::CallbackInfo& info) { return Run(info, true); }
Napi::Value Unpack(const Napi::CallbackInfo& info) { return Run(info, false); }

}  // namespace

void register_packing(Napi::Env env, Napi::Object exports) {
  exports.Set("packChunks", Napi::Function::New(env, Pack, "packChunks"));
  exports.Set("unpackChunks", Napi::Function::New(env, Unpack, "unpackChunks"));
}

}  // namespace arkube::binding
