// Mining hashes of Arweave 2.6 after H0 (docs/PROTOCOL.md "Mining"):
//
//   r1 = partition * PARTITION_SIZE + (u64be(H0[0..8]) mod min(PARTITION_SIZE, PUB))
//   r2 = u256be(H0) mod PUB                               (PUB = partition upper bound)
//   H1 = SHA256(H0 || SHA256(H0 || u64be(nonce) || chunk1))
//   H2 = SHA256(H0 || SHA256(H1 || chunk2))
//   a hash is a solution when, read as a 256-bit big-endian integer, it is > the difficulty.
//
// H1s and H2s are computed for a whole recall range (up to 400 packed chunks) per call,
// sha256::batch_lanes(impl) chunks at a time per thread (16 with AVX-512, 2 with SHA-NI).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/sha256.h"
#include "core/u256.h"

namespace arkube::mining {

inline constexpr size_t kHashBytes = 32;
inline constexpr size_t kChunkBytes = 262144;
inline constexpr size_t kNonceBytes = 8;
// RECALL_RANGE_SIZE (104857600 bytes) / kChunkBytes: nonces 0..399.
inline constexpr uint32_t kRecallRangeChunksMax = 400;
inline constexpr uint64_t kPartitionSizeBytesDefault = 3'600'000'000'000;

using sha256::Impl;

struct RecallRangeStarts {
  U256 range1;
  U256 range2;
};

// Computes both recall range starts into *out. Returns why it cannot (a zero partition size or
// upper bound, or a start that overflows 256 bits), or nullptr on success.
const char* recall_range_starts(const uint8_t h0[kHashBytes], const U256& partition_number,
                                const U256& partition_upper_bound, const U256& partition_size_bytes,
                                RecallRangeStarts* out);

// H1 of each of `count` chunks (count * kChunkBytes bytes), chunk i with nonce first_nonce + i,
// into `h1s` (count * 32 bytes).
void compute_h1s(Impl impl, const uint8_t h0[kHashBytes], const uint8_t* chunks, size_t count, uint32_t first_nonce,
                 uint8_t* h1s, unsigned threads);

// H2 of each of `count` chunks given the H1 (count * 32 bytes) it pairs with, into `h2s`.
void compute_h2s(Impl impl, const uint8_t h0[kHashBytes], const uint8_t* h1s, const uint8_t* chunks, size_t count,
                 uint8_t* h2s, unsigned threads);

// Indices i (ascending) whose hash i, as a big-endian integer, is strictly greater than
// `difficulty` (32 bytes, big-endian).
std::vector<uint32_t> hashes_above(const uint8_t* hashes, size_t count, const uint8_t difficulty[kHashBytes]);

}  // namespace arkube::mining
