#include "binding/sha256_binding.h"

#include <cstdint>

#include "binding/core_args.h"
#include "binding/promise_worker.h"
#include "core/sha256.h"

namespace arkube::binding {

namespace {

// Above this, one-shot hashing blocks the JS thread for too long: use sha256Each.
constexpr size_t kSyncHashBytesMax = size_t{16} << 20;
constexpr int64_t kPieceBytesMax = int64_t{1} << 40;

Napi::Value Sha256(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    sha256::Impl impl = sha_impl_arg(info, 0);
    ByteView data = bytes_arg(info, 1, "data");
    if (data.size > kSyncHashBytesMax) {
      throw ArgError{kBadLength, "sha256 hashes at most 16 MiB synchronously; use sha256Each for more"};
    }
    Napi::Buffer<uint8_t> digest = Napi::Buffer<uint8_t>::New(info.Env(), sha256::kDigestBytes);
    sha256::hash(impl, data.data, data.size, digest.Data());
    return digest;
  });
}

Napi::Value Sha256Each(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    sha256::Impl impl = sha_impl_arg(info, 0);
    ByteView data = bytes_arg(info, 1, "data");
    auto piece_bytes = static_cast<size_t>(int_arg(info, 2, "pieceBytes", 1, kPieceBytesMax));
    if (data.size == 0 || data.size % piece_bytes != 0) {
      throw ArgError{kBadLength, "data must be a non-empty whole number of pieces of " + std::to_string(piece_bytes) +
                                     " bytes, got " + std::to_string(data.size)};
    }
    size_t count = data.size / piece_bytes;
    ByteView digests = bytes_arg(info, 3, "digestsOut", count * sha256::kDigestBytes);
    check_overlap(data, "data", digests, "digestsOut", false);
    return PromiseWorker::start(info.Env(), {info[1], info[3]},
                                [=] { sha256::hash_each(impl, data.data, piece_bytes, count, digests.data); });
  });
}

}  // namespace

void register_sha256(Napi::Env env, Napi::Object exports) {
  exports.Set("sha256", Napi::Function::New(env, Sha256, "sha256"));
  exports.Set("sha256Each", Napi::Function::New(env, Sha256Each, "sha256Each"));
}

}  // namespace arkube::binding
