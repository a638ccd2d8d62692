// Internal to the SHA-256 implementation files: the constants of FIPS 180-4, the precomputed
// padding block of a 64-byte message, and the table of functions each implementation provides.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

namespace arkube::sha256::detail {

inline constexpr size_t kRounds = 64;
inline constexpr size_t kStateWords = 8;

alignas(16) inline constexpr uint32_t kRoundConstants[kRounds] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

alignas(16) inline constexpr uint32_t kInitialState[kStateWords] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

constexpr uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }
constexpr uint32_t small_sigma0(uint32_t x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
constexpr uint32_t small_sigma1(uint32_t x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }

// W[t] + K[t] for the second block of every 64-byte message: 0x80, zeros, bit length 512. The
// block never changes, so its whole message schedule is a constant.
constexpr std::array<uint32_t, kRounds> padding_block_schedule_plus_constants() {
  std::array<uint32_t, kRounds> w{};
  w[0] = 0x80000000u;
  w[15] = 512;  // message length in bits
  for (size_t t = 16; t < kRounds; ++t) {
    w[t] = small_sigma1(w[t - 2]) + w[t - 7] + small_sigma0(w[t - 15]) + w[t - 16];
  }
  for (size_t t = 0; t < kRounds; ++t) w[t] += kRoundConstants[t];
  return w;
}
alignas(16) inline constexpr std::array<uint32_t, kRounds> kPaddingBlockWK = padding_block_schedule_plus_constants();

inline constexpr size_t kWideLanes = 16;

// Each lane's state words H0..H7, and each lane's next block(s).
using CompressX16 = void (*)(uint32_t* const states[kWideLanes], const uint8_t* const blocks[kWideLanes],
                             size_t block_count);
using HashPairX16 = void (*)(const uint8_t* const first[kWideLanes], const uint8_t* const second[kWideLanes],
                             uint8_t* const digests[kWideLanes]);
using IterateSaltedX16 = void (*)(const uint8_t* const salts[kWideLanes], uint8_t* const xs[kWideLanes],
                                  uint64_t iterations);

// What each implementation provides. States are the eight working words H0..H7 (FIPS order).
struct Backend {
  // Compresses `block_count` consecutive 64-byte blocks into `state`.
  void (*compress)(uint32_t state[kStateWords], const uint8_t* blocks, size_t block_count);
  // Two independent streams of the same block count, interleaved.
  void (*compress_x2)(uint32_t state_a[kStateWords], const uint8_t* blocks_a, uint32_t state_b[kStateWords],
                      const uint8_t* blocks_b, size_t block_count);
  void (*hash_pair)(const uint8_t first[32], const uint8_t second[32], uint8_t digest[32]);
  void (*hash_pair_x2)(const uint8_t first_a[32], const uint8_t second_a[32], uint8_t digest_a[32],
                       const uint8_t first_b[32], const uint8_t second_b[32], uint8_t digest_b[32]);
  void (*iterate_salted)(const uint8_t salt[32], uint8_t x[32], uint64_t iterations);
  // Two independent chains, interleaved.
  void (*iterate_salted_x2)(const uint8_t salt_a[32], uint8_t x_a[32], const uint8_t salt_b[32], uint8_t x_b[32],
                            uint64_t iterations);
  // 16 lanes at once, or nullptr where the implementation has no wide form.
  CompressX16 compress_x16;
  HashPairX16 hash_pair_x16;
  IterateSaltedX16 iterate_salted_x16;
};

const Backend& portable_backend();
// nullptr when the SHA-NI code is not compiled in (non-x86 builds); callers check the CPU first.
const Backend* sha_ni_backend();

// The AVX-512 16-lane functions (nullptr on non-x86 builds); the rest of the kAvx512 backend is
// borrowed from SHA-NI or portable (see sha256.cc).
CompressX16 avx512_compress_x16();
HashPairX16 avx512_hash_pair_x16();
IterateSaltedX16 avx512_iterate_salted_x16();

inline uint32_t load_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
inline void store_be32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

}  // namespace arkube::sha256::detail
