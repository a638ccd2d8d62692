// Packing cipher exports. Encryption/decryption run on the libuv pool and write into the
// caller's output buffer, which may be the input buffer itself (in place) but must not
// otherwise overlap the input or the entropy.
//
//   feistelEncrypt(sha, plaintext, entropy, chainBytes, ciphertextOut, threads): Promise<void>
//   feistelDecrypt(sha, ciphertext, entropy, chainBytes, plaintextOut, threads): Promise<void>
//   packingKey(sha, chunkEndOffset, txRoot, rewardAddress): Buffer
#include <cstdint>
#include <string>

#include "binding/core_args.h"
#include "binding/modules.h"
#include "binding/promise_worker.h"
#include "core/feistel.h"

namespace arkube::binding {

namespace {

constexpr int64_t kChunkEndOffsetMax = int64_t{1} << 53;
constexpr int64_t kChainBytesMax = int64_t{1} << 40;

enum class Direction { kEncrypt, kDecrypt };

Napi::Value Cipher(const Napi::CallbackInfo& info, Direction direction) {
  return guarded(info, [&]() -> Napi::Value {
    const bool encrypt = direction == Direction::kEncrypt;
    const char* input_name = encrypt ? "plaintext" : "ciphertext";
    const char* output_name = encrypt ? "ciphertextOut" : "plaintextOut";
    sha256::Impl impl = sha_impl_arg(info, 0);
    ByteView input = bytes_arg(info, 1, input_name);
    ByteView entropy = bytes_arg(info, 2, "entropy", input.size);
    auto chain_bytes = static_cast<size_t>(int_arg(info, 3, "chainBytes", 1, kChainBytesMax));
    if (const char* why = feistel::check_lengths(input.size, chain_bytes)) {
      throw ArgError{kBadLength, std::string(input_name) + ": " + why + " (got " + std::to_string(input.size) +
                                     " bytes, chains of " + std::to_string(chain_bytes) + ")"};
    }
    ByteView output = bytes_arg(info, 4, output_name, input.size);
    unsigned threads = threads_arg(info, 5);
    check_overlap(input, input_name, output, output_name, true);
    check_overlap(entropy, "entropy", output, output_name, false);
    return PromiseWorker::start(info.Env(), {info[1], info[2], info[4]}, [=] {
      if (encrypt) {
        feistel::encrypt(impl, input.data, entropy.data, input.size, chain_bytes, output.data, threads);
      } else {
        feistel::decrypt(impl, input.data, entropy.data, input.size, chain_bytes, output.data, threads);
      }
    });
  });
}

Napi::Value FeistelEncrypt(const Napi::CallbackInfo& info) { return Cipher(info, Direction::kEncrypt); }
Napi::Value FeistelDecrypt(const Napi::CallbackInfo& info) { return Cipher(info, Direction::kDecrypt); }

Napi::Value PackingKey(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    sha256::Impl impl = sha_impl_arg(info, 0);
    auto offset = static_cast<uint64_t>(int_arg(info, 1, "chunkEndOffset", 0, kChunkEndOffsetMax));
    ByteView tx_root = bytes_arg(info, 2, "txRoot", feistel::kTxRootBytes);
    ByteView reward_address = bytes_arg(info, 3, "rewardAddress", feistel::kRewardAddressBytes);
    Napi::Buffer<uint8_t> key = Napi::Buffer<uint8_t>::New(info.Env(), feistel::kPackingKeyBytes);
    feistel::packing_key(impl, offset, tx_root.data, reward_address.data, key.Data());
    return key;
  });
}

}  // namespace

void register_feistel(Napi::Env env, Napi::Object exports) {
  exports.Set("feistelEncrypt", Napi::Function::New(env, FeistelEncrypt, "feistelEncrypt"));
  exports.Set("feistelDecrypt", Napi::Function::New(env, FeistelDecrypt, "feistelDecrypt"));
  exports.Set("packingKey", Napi::Function::New(env, PackingKey, "packingKey"));
}

}  // namespace arkube::binding
