#include "core/mining.h"

#include <algorithm>
#include <cstring>

#include "core/parallel.h"

namespace arkube::mining {

namespace {

void encode_nonce(uint64_t nonce, uint8_t out[kNonceBytes]) {
  for (size_t i = 0; i < kNonceBytes; ++i) out[i] = static_cast<uint8_t>(nonce >> (8 * (kNonceBytes - 1 - i)));
}

uint64_t load_be64(const uint8_t* p) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

// Runs batch(first, count) over [0, total) in batches of batch_lanes(impl) indices (the lanes
// of one LaneHasher), the batches split across threads.
template <typename Batch>
void for_each_batch(Impl impl, size_t total, unsigned threads, Batch batch) {
  const size_t lanes = sha256::batch_lanes(impl);
  const size_t batches = (total + lanes - 1) / lanes;
  parallel_ranges(batches, threads, [&](size_t begin, size_t end) {
    for (size_t b = begin; b < end; ++b) {
      size_t first = b * lanes;
      batch(first, std::min(lanes, total - first));
    }
  });
}

// Shared by H1 and H2: hashes[i] = SHA256(h0 || preimage[i]).
void finish_with_h0(Impl impl, const uint8_t h0[kHashBytes], size_t count, uint8_t* const preimages[],
                    uint8_t* hashes) {
  const uint8_t* firsts[sha256::kLanesMax];
  const uint8_t* seconds[sha256::kLanesMax];
  uint8_t* outs[sha256::kLanesMax];
  for (size_t lane = 0; lane < count; ++lane) {
    firsts[lane] = h0;
    seconds[lane] = preimages[lane];
    outs[lane] = hashes + lane * kHashBytes;
  }
  sha256::hash_pair_many(impl, count, firsts, seconds, outs);
}

}  // namespace

const char* recall_range_starts(const uint8_t h0[kHashBytes], const U256& partition_number,
                                const U256& partition_upper_bound, const U256& partition_size_bytes,
                                RecallRangeStarts* out) {
  if (partition_size_bytes.is_zero()) return "partition size must be positive";
  if (partition_upper_bound.is_zero()) return "partition upper bound must be positive";
  U256 offset = mod(U256::from_u64(load_be64(h0)), min(partition_size_bytes, partition_upper_bound));
  U256 partition_start;
  if (!checked_mul(partition_number, partition_size_bytes, &partition_start) ||
      !checked_add(partition_start, offset, &out->range1)) {
    return "recall range 1 start overflows 256 bits";
  }
  out->range2 = mod(U256::from_be_bytes(h0), partition_upper_bound);
  return nullptr;
}

void compute_h1s(Impl impl, const uint8_t h0[kHashBytes], const uint8_t* chunks, size_t count, uint32_t first_nonce,
                 uint8_t* h1s, unsigned threads) {
  for_each_batch(impl, count, threads, [&](size_t first, size_t lanes) {
    uint8_t nonces[sha256::kLanesMax][kNonceBytes];
    uint8_t p1s[sha256::kLanesMax][kHashBytes];
    const uint8_t* h0s[sha256::kLanesMax];
    const uint8_t* nonce_ptrs[sha256::kLanesMax];
    const uint8_t* chunk_ptrs[sha256::kLanesMax];
    uint8_t* p1_ptrs[sha256::kLanesMax];
    for (size_t lane = 0; lane < lanes; ++lane) {
      encode_nonce(first_nonce + first + lane, nonces[lane]);
      h0s[lane] = h0;
      nonce_ptrs[lane] = nonces[lane];
      chunk_ptrs[lane] = chunks + (first + lane) * kChunkBytes;
      p1_ptrs[lane] = p1s[lane];
    }
    sha256::LaneHasher hasher(impl, lanes);  // p1 = SHA256(h0 || u64be(nonce) || chunk)
    hasher.update(h0s, kHashBytes);
    hasher.update(nonce_ptrs, kNonceBytes);
    hasher.update(chunk_ptrs, kChunkBytes);
    hasher.finish(p1_ptrs);
    finish_with_h0(impl, h0, lanes, p1_ptrs, h1s + first * kHashBytes);
  });
}

void compute_h2s(Impl impl, const uint8_t h0[kHashBytes], const uint8_t* h1s, const uint8_t* chunks, size_t count,
                 uint8_t* h2s, unsigned threads) {
  for_each_batch(impl, count, threads, [&](size_t first, size_t lanes) {
    uint8_t p2s[sha256::kLanesMax][kHashBytes];
    const uint8_t* h1_ptrs[sha256::kLanesMax];
    const uint8_t* chunk_ptrs[sha256::kLanesMax];
    uint8_t* p2_ptrs[sha256::kLanesMax];
    for (size_t lane = 0; lane < lanes; ++lane) {
      h1_ptrs[lane] = h1s + (first + lane) * kHashBytes;
      chunk_ptrs[lane] = chunks + (first + lane) * kChunkBytes;
      p2_ptrs[lane] = p2s[lane];
    }
    sha256::LaneHasher hasher(impl, lanes);  // p2 = SHA256(H1 || chunk2)
    hasher.update(h1_ptrs, kHashBytes);
    hasher.update(chunk_ptrs, kChunkBytes);
    hasher.finish(p2_ptrs);
    finish_with_h0(impl, h0, lanes, p2_ptrs, h2s + first * kHashBytes);
  });
}

std::vector<uint32_t> hashes_above(const uint8_t* hashes, size_t count, const uint8_t difficulty[kHashBytes]) {
  std::vector<uint32_t> indices;
  for (size_t i = 0; i < count; ++i) {
    // Bytewise comparison of equal-length big-endian numbers is numeric comparison.
    if (std::memcmp(hashes + i * kHashBytes, difficulty, kHashBytes) > 0) indices.push_back(static_cast<uint32_t>(i));
  }
  return indices;
}

}  // namespace arkube::mining
