// Mining exports. Integers that may exceed 2^53 (offsets, partition bounds) cross as BigInt.
// H1/H2 over a recall range run on the libuv pool, write all hashes into the caller's buffer and
// resolve with the indices (ascending) of the hashes above the difficulty.
//
//   recallRangeStarts(h0, partitionNumber, partitionUpperBound, partitionSize): [bigint, bigint]
//   miningH1s(sha, h0, chunks, firstNonce, difficulty, h1sOut, threads): Promise<number[]>
//   miningH2s(sha, h0, h1s, chunks, difficulty, h2sOut, threads): Promise<number[]>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "binding/core_args.h"
#include "binding/modules.h"
#include "binding/promise_worker.h"
#include "core/mining.h"

namespace arkube::binding {

namespace {

using mining::kChunkBytes;
using mining::kHashBytes;
using mining::kRecallRangeChunksMax;

constexpr size_t kU256Words = 4;

U256 u256_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsBigInt()) throw ArgError{kBadArgument, std::string(name) + " must be a bigint"};
  int sign = 0;
  size_t words = kU256Words;
  U256 value;
  info[index].As<Napi::BigInt>().ToWords(&sign, &words, value.limbs);
  if (sign != 0) throw ArgError{kBadArgument, std::string(name) + " must not be negative"};
  if (words > kU256Words) throw ArgError{kBadArgument, std::string(name) + " must be < 2^256"};
  for (size_t i = words; i < kU256Words; ++i) value.limbs[i] = 0;
  return value;
}

Napi::BigInt to_bigint(Napi::Env env, const U256& value) { return Napi::BigInt::New(env, 0, kU256Words, value.limbs); }

// The number of whole chunks in `chunks`, which must be 1..400 of them.
size_t chunk_count(const ByteView& chunks, const char* name) {
  if (chunks.size == 0 || chunks.size % kChunkBytes != 0 || chunks.size / kChunkBytes > kRecallRangeChunksMax) {
    throw ArgError{kBadLength, std::string(name) + " must be 1 to 400 chunks of 262144 bytes, got " +
                                   std::to_string(chunks.size) + " bytes"};
  }
  return chunks.size / kChunkBytes;
}

Napi::Value solutions_array(Napi::Env env, const std::vector<uint32_t>& indices) {
  Napi::Array out = Napi::Array::New(env, indices.size());
  for (size_t i = 0; i < indices.size(); ++i) out.Set(static_cast<uint32_t>(i), Napi::Number::New(env, indices[i]));
  return out;
}

Napi::Value RecallRangeStarts(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    ByteView h0 = bytes_arg(info, 0, "h0", kHashBytes);
    U256 partition = u256_arg(info, 1, "partitionNumber");
    U256 upper_bound = u256_arg(info, 2, "partitionUpperBound");
    U256 partition_size = u256_arg(info, 3, "partitionSize");
    mining::RecallRangeStarts starts;
    if (const char* why = mining::recall_range_starts(h0.data, partition, upper_bound, partition_size, &starts)) {
      throw ArgError{kBadArgument, why};
    }
    Napi::Array out = Napi::Array::New(info.Env(), 2);
    out.Set(0u, to_bigint(info.Env(), starts.range1));
    out.Set(1u, to_bigint(info.Env(), starts.range2));
    return out;
  });
}

// Queues `compute` (which fills `hashes`) and resolves with the indices above `difficulty`.
Napi::Value hashes_promise(const Napi::CallbackInfo& info, std::vector<Napi::Value> keep, ByteView hashes,
                           ByteView difficulty, size_t count, std::function<void()> compute) {
  auto solutions = std::make_shared<std::vector<uint32_t>>();
  return PromiseWorker::start(
      info.Env(), keep,
      [=] {
        compute();
        *solutions = mining::hashes_above(hashes.data, count, difficulty.data);
      },
      [solutions](Napi::Env env) { return solutions_array(env, *solutions); });
}

Napi::Value MiningH1s(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    sha256::Impl impl = sha_impl_arg(info, 0);
    ByteView h0 = bytes_arg(info, 1, "h0", kHashBytes);
    ByteView chunks = bytes_arg(info, 2, "chunks");
    size_t count = chunk_count(chunks, "chunks");
    auto first_nonce = static_cast<uint32_t>(int_arg(info, 3, "firstNonce", 0, kRecallRangeChunksMax - 1));
    if (first_nonce + count > kRecallRangeChunksMax) {
      throw ArgError{kBadArgument, "firstNonce + chunk count must be <= 400"};
    }
    ByteView difficulty = bytes_arg(info, 4, "difficulty", kHashBytes);
    ByteView h1s = bytes_arg(info, 5, "h1sOut", count * kHashBytes);
    unsigned threads = threads_arg(info, 6);
    check_overlap(chunks, "chunks", h1s, "h1sOut", false);
    check_overlap(h0, "h0", h1s, "h1sOut", false);
    check_overlap(difficulty, "difficulty", h1s, "h1sOut", false);
    return hashes_promise(info, {info[1], info[2], info[4], info[5]}, h1s, difficulty, count, [=] {
      mining::compute_h1s(impl, h0.data, chunks.data, count, first_nonce, h1s.data, threads);
    });
  });
}

Napi::Value MiningH2s(const Napi::CallbackInfo& info) {
  return guarded(info, [&]() -> Napi::Value {
    sha256::Impl impl = sha_impl_arg(info, 0);
    ByteView h0 = bytes_arg(info, 1, "h0", kHashBytes);
    ByteView h1s = bytes_arg(info, 2, "h1s");
    ByteView chunks = bytes_arg(info, 3, "chunks");
    size_t count = chunk_count(chunks, "chunks");
    if (h1s.size != count * kHashBytes) {
      throw ArgError{kBadLength, "h1s must hold one 32-byte H1 per chunk (" + std::to_string(count * kHashBytes) +
                                     " bytes), got " + std::to_string(h1s.size)};
    }
    ByteView difficulty = bytes_arg(info, 4, "difficulty", kHashBytes);
    ByteView h2s = bytes_arg(info, 5, "h2sOut", count * kHashBytes);
    unsigned threads = threads_arg(info, 6);
    check_overlap(chunks, "chunks", h2s, "h2sOut", false);
    check_overlap(h1s, "h1s", h2s, "h2sOut", false);
    check_overlap(h0, "h0", h2s, "h2sOut", false);
    check_overlap(difficulty, "difficulty", h2s, "h2sOut", false);
    return hashes_promise(info, {info[1], info[2], info[3], info[4], info[5]}, h2s, difficulty, count, [=] {
      mining::compute_h2s(impl, h0.data, h1s.data, chunks.data, count, h2s.data, threads);
    });
  });
}

}  // namespace

void register_mining(Napi::Env env, Napi::Object exports) {
  exports.Set("recallRangeStarts", Napi::Function::New(env, RecallRangeStarts, "recallRangeStarts"));
  exports.Set("miningH1s", Napi::Function::New(env, MiningH1s, "miningH1s"));
  exports.Set("miningH2s", Napi::Function::New(env, MiningH2s, "miningH2s"));
}

}  // namespace arkube::binding
