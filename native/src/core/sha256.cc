// Dispatch to the chosen implementation, and the message framing (buffering, padding) shared by
// all of them.
#include "core/sha256.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "core/cpu_features.h"
#include "core/sha256_backend.h"

namespace arkube::sha256 {

namespace {

using detail::Backend;
using detail::kStateWords;

// kAvx512 adds the 16-lane functions to the best single-stream implementation.
Backend make_avx512_backend() {
  Backend b = cpu_features().sha_ni && detail::sha_ni_backend() != nullptr ? *detail::sha_ni_backend()
                                                                           : detail::portable_backend();
  b.compress_x16 = detail::avx512_compress_x16();
  b.hash_pair_x16 = detail::avx512_hash_pair_x16();
  b.iterate_salted_x16 = detail::avx512_iterate_salted_x16();
  return b;
}

const Backend& backend(Impl impl) {
  assert(is_available(impl));
  switch (impl) {
    case Impl::kShaNi:
      return *detail::sha_ni_backend();
    case Impl::kAvx512: {
      static const Backend avx512 = make_avx512_backend();
      return avx512;
    }
    case Impl::kPortable:
      break;
  }
  return detail::portable_backend();
}

// Below this many lanes, a 16-lane AVX-512 pass (whose cost does not depend on how many lanes
// are real) is slower than two-at-a-time single-stream code.
constexpr size_t kWideLanesMin = 8;
// The same for VDF chains, against one SHA-NI chain at a time (measured on Ice Lake: a 16-lane
// pass costs about as much as 4.6 single chains).
constexpr size_t kWideChainsMin = 5;

constexpr size_t kLengthFieldBytes = 8;

// The final one or two blocks: the unprocessed tail, 0x80, zeros, and the message length in bits.
size_t build_final_blocks(const uint8_t* pending, size_t pending_bytes, uint64_t total_bytes,
                          uint8_t out[2 * kBlockBytes]) {
  std::memset(out, 0, 2 * kBlockBytes);
  std::memcpy(out, pending, pending_bytes);
  out[pending_bytes] = 0x80;
  size_t blocks = pending_bytes + 1 + kLengthFieldBytes <= kBlockBytes ? 1 : 2;
  uint64_t bits = total_bytes * 8;
  for (size_t i = 0; i < kLengthFieldBytes; ++i) {
    out[blocks * kBlockBytes - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
  }
  return blocks;
}

void store_digest(const uint32_t state[kStateWords], uint8_t digest[kDigestBytes]) {
  for (size_t i = 0; i < kStateWords; ++i) detail::store_be32(digest + 4 * i, state[i]);
}

}  // namespace

bool is_available(Impl impl) {
  switch (impl) {
    case Impl::kPortable:
      return true;
    case Impl::kShaNi:
      return cpu_features().sha_ni && detail::sha_ni_backend() != nullptr;
    case Impl::kAvx512:
      return cpu_features().avx512 && detail::avx512_compress_x16() != nullptr;
  }
  return false;
}

Impl best_impl() {
  if (is_available(Impl::kAvx512)) return Impl::kAvx512;
  return is_available(Impl::kShaNi) ? Impl::kShaNi : Impl::kPortable;
}

size_t batch_lanes(Impl impl) {
  switch (impl) {
    case Impl::kAvx512:
      return detail::kWideLanes;
    case Impl::kShaNi:
      return 2;
    case Impl::kPortable:
      break;
  }
  return 1;
}

Hasher::Hasher(Impl impl) : impl_(impl) { std::memcpy(state_, detail::kInitialState, sizeof(state_)); }

void Hasher::update(const uint8_t* data, size_t size) {
  if (size == 0) return;  // `data` may be null then (an empty JS buffer)
  const Backend& b = backend(impl_);
  total_bytes_ += size;
  if (pending_bytes_ > 0) {
    size_t take = std::min(size, kBlockBytes - pending_bytes_);
    std::memcpy(pending_ + pending_bytes_, data, take);
    pending_bytes_ += take;
    data += take;
    size -= take;
    if (pending_bytes_ < kBlockBytes) return;
    b.compress(state_, pending_, 1);
    pending_bytes_ = 0;
  }
  size_t full_blocks = size / kBlockBytes;
  if (full_blocks > 0) b.compress(state_, data, full_blocks);
  pending_bytes_ = size % kBlockBytes;
  std::memcpy(pending_, data + full_blocks * kBlockBytes, pending_bytes_);
}

void Hasher::finish(uint8_t digest[kDigestBytes]) {
  uint8_t final_blocks[2 * kBlockBytes];
  size_t count = build_final_blocks(pending_, pending_bytes_, total_bytes_, final_blocks);
  backend(impl_).compress(state_, final_blocks, count);
  store_digest(state_, digest);
}

LaneHasher::LaneHasher(Impl impl, size_t lanes) : impl_(impl), lanes_(lanes) {
  assert(lanes >= 1 && lanes <= kLanesMax);
  for (size_t lane = 0; lane < lanes_; ++lane) std::memcpy(states_[lane], detail::kInitialState, sizeof(states_[lane]));
}

void LaneHasher::compress(const uint8_t* const blocks[], size_t block_count) {
  const Backend& b = backend(impl_);
  if (b.compress_x16 != nullptr && lanes_ >= kWideLanesMin) {
    // Unused lanes repeat lane 0's input into a scratch state.
    uint32_t scratch[kStateWords] = {};
    uint32_t* states[detail::kWideLanes];
    const uint8_t* inputs[detail::kWideLanes];
    for (size_t lane = 0; lane < detail::kWideLanes; ++lane) {
      bool real = lane < lanes_;
      states[lane] = real ? states_[lane] : scratch;
      inputs[lane] = real ? blocks[lane] : blocks[0];
    }
    b.compress_x16(states, inputs, block_count);
    return;
  }
  size_t lane = 0;
  for (; lane + 1 < lanes_; lane += 2) {
    b.compress_x2(states_[lane], blocks[lane], states_[lane + 1], blocks[lane + 1], block_count);
  }
  if (lane < lanes_) b.compress(states_[lane], blocks[lane], block_count);
}

void LaneHasher::update(const uint8_t* const data[], size_t size) {
  if (size == 0) return;
  total_bytes_ += size;
  size_t consumed = 0;
  if (pending_bytes_ > 0) {
    consumed = std::min(size, kBlockBytes - pending_bytes_);
    for (size_t lane = 0; lane < lanes_; ++lane) std::memcpy(pending_[lane] + pending_bytes_, data[lane], consumed);
    pending_bytes_ += consumed;
    if (pending_bytes_ < kBlockBytes) return;
    const uint8_t* blocks[kLanesMax];
    for (size_t lane = 0; lane < lanes_; ++lane) blocks[lane] = pending_[lane];
    compress(blocks, 1);
    pending_bytes_ = 0;
  }
  size_t full_blocks = (size - consumed) / kBlockBytes;
  if (full_blocks > 0) {
    const uint8_t* blocks[kLanesMax];
    for (size_t lane = 0; lane < lanes_; ++lane) blocks[lane] = data[lane] + consumed;
    compress(blocks, full_blocks);
  }
  size_t tail_at = consumed + full_blocks * kBlockBytes;
  pending_bytes_ = size - tail_at;
  for (size_t lane = 0; lane < lanes_; ++lane) std::memcpy(pending_[lane], data[lane] + tail_at, pending_bytes_);
}

void LaneHasher::finish(uint8_t* const digests[]) {
  uint8_t final_blocks[kLanesMax][2 * kBlockBytes];
  const uint8_t* blocks[kLanesMax];
  size_t count = 0;
  for (size_t lane = 0; lane < lanes_; ++lane) {
    count = build_final_blocks(pending_[lane], pending_bytes_, total_bytes_, final_blocks[lane]);
    blocks[lane] = final_blocks[lane];
  }
  compress(blocks, count);
  for (size_t lane = 0; lane < lanes_; ++lane) store_digest(states_[lane], digests[lane]);
}

void hash(Impl impl, const uint8_t* data, size_t size, uint8_t digest[kDigestBytes]) {
  Hasher hasher(impl);
  hasher.update(data, size);
  hasher.finish(digest);
}

void hash_pair(Impl impl, const uint8_t first[kHalfBlockBytes], const uint8_t second[kHalfBlockBytes],
               uint8_t digest[kDigestBytes]) {
  backend(impl).hash_pair(first, second, digest);
}

void hash_pair_many(Impl impl, size_t count, const uint8_t* const first[], const uint8_t* const second[],
                    uint8_t* const digests[]) {
  const Backend& b = backend(impl);
  size_t i = 0;
  if (b.hash_pair_x16 != nullptr) {
    for (; i + kWideLanesMin <= count; i += detail::kWideLanes) {
      // A short last batch repeats message i into a scratch digest.
      uint8_t scratch[kDigestBytes];
      const uint8_t* firsts[detail::kWideLanes];
      const uint8_t* seconds[detail::kWideLanes];
      uint8_t* outs[detail::kWideLanes];
      for (size_t lane = 0; lane < detail::kWideLanes; ++lane) {
        bool real = i + lane < count;
        firsts[lane] = first[real ? i + lane : i];
        seconds[lane] = second[real ? i + lane : i];
        outs[lane] = real ? digests[i + lane] : scratch;
      }
      b.hash_pair_x16(firsts, seconds, outs);
    }
    if (i > count) return;  // the last wide batch covered the rest
  }
  for (; i + 1 < count; i += 2) {
    b.hash_pair_x2(first[i], second[i], digests[i], first[i + 1], second[i + 1], digests[i + 1]);
  }
  if (i < count) b.hash_pair(first[i], second[i], digests[i]);
}

void iterate_salted(Impl impl, const uint8_t salt[kHalfBlockBytes], uint8_t x[kDigestBytes], uint64_t iterations) {
  backend(impl).iterate_salted(salt, x, iterations);
}

void iterate_salted_many(Impl impl, size_t count, const uint8_t* const salts[], uint8_t* const xs[],
                         uint64_t iterations) {
  const Backend& b = backend(impl);
  size_t i = 0;
  if (b.iterate_salted_x16 != nullptr) {
    for (; i + kWideChainsMin <= count; i += detail::kWideLanes) {
      // A short last batch repeats chain i into a scratch chain.
      uint8_t scratch[kDigestBytes];
      const uint8_t* lane_salts[detail::kWideLanes];
      uint8_t* lane_xs[detail::kWideLanes];
      for (size_t lane = 0; lane < detail::kWideLanes; ++lane) {
        bool real = i + lane < count;
        if (!real) std::memcpy(scratch, xs[i], kDigestBytes);
        lane_salts[lane] = salts[real ? i + lane : i];
        lane_xs[lane] = real ? xs[i + lane] : scratch;
      }
      b.iterate_salted_x16(lane_salts, lane_xs, iterations);
    }
    if (i > count) return;
  }
  for (; i + 1 < count; i += 2) b.iterate_salted_x2(salts[i], xs[i], salts[i + 1], xs[i + 1], iterations);
  if (i < count) b.iterate_salted(salts[i], xs[i], iterations);
}

void hash_each(Impl impl, const uint8_t* data, size_t piece_bytes, size_t count, uint8_t* digests) {
  assert(piece_bytes > 0);
  const size_t lanes_max = batch_lanes(impl);
  for (size_t i = 0; i < count; i += lanes_max) {
    size_t lanes = std::min(lanes_max, count - i);
    const uint8_t* pieces[kLanesMax];
    const uint8_t* second_halves[kLanesMax];
    uint8_t* outs[kLanesMax];
    for (size_t lane = 0; lane < lanes; ++lane) {
      pieces[lane] = data + (i + lane) * piece_bytes;
      second_halves[lane] = pieces[lane] + kHalfBlockBytes;
      outs[lane] = digests + (i + lane) * kDigestBytes;
    }
    if (piece_bytes == kBlockBytes) {
      hash_pair_many(impl, lanes, pieces, second_halves, outs);
      continue;
    }
    LaneHasher hasher(impl, lanes);
    hasher.update(pieces, piece_bytes);
    hasher.finish(outs);
  }
}

}  // namespace arkube::sha256
