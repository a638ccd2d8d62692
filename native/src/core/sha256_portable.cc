// Portable SHA-256: plain C++ on 32-bit words, no intrinsics. Runs everywhere; also the reference
// the SHA-NI code is tested against.
#include <cstring>

#include "core/sha256_backend.h"

namespace arkube::sha256::detail {

namespace {

inline uint32_t big_sigma0(uint32_t x) { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
inline uint32_t big_sigma1(uint32_t x) { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
inline uint32_t choose(uint32_t e, uint32_t f, uint32_t g) { return (e & f) ^ (~e & g); }
inline uint32_t majority(uint32_t a, uint32_t b, uint32_t c) { return (a & b) ^ (a & c) ^ (b & c); }

// Runs rounds [first, last) on the working variables `v`, given W[t] + K[t] for those rounds.
inline void run_rounds(uint32_t v[kStateWords], const uint32_t* wk, size_t first, size_t last) {
  uint32_t a = v[0], b = v[1], c = v[2], d = v[3], e = v[4], f = v[5], g = v[6], h = v[7];
#pragma GCC unroll 64
  for (size_t t = first; t < last; ++t) {
    uint32_t t1 = h + big_sigma1(e) + choose(e, f, g) + wk[t];
    uint32_t t2 = big_sigma0(a) + majority(a, b, c);
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  v[0] = a, v[1] = b, v[2] = c, v[3] = d, v[4] = e, v[5] = f, v[6] = g, v[7] = h;
}

// Given W[0..15], fills W[16..63] and turns every W[t] into W[t] + K[t].
inline void expand_schedule_plus_constants(uint32_t w[kRounds]) {
#pragma GCC unroll 48
  for (size_t t = 16; t < kRounds; ++t) {
    w[t] = small_sigma1(w[t - 2]) + w[t - 7] + small_sigma0(w[t - 15]) + w[t - 16];
  }
#pragma GCC unroll 64
  for (size_t t = 0; t < kRounds; ++t) w[t] += kRoundConstants[t];
}

inline void add_state(uint32_t into[kStateWords], const uint32_t from[kStateWords]) {
  for (size_t i = 0; i < kStateWords; ++i) into[i] += from[i];
}

void compress(uint32_t state[kStateWords], const uint8_t* blocks, size_t block_count) {
  for (size_t block = 0; block < block_count; ++block) {
    uint32_t w[kRounds];
    for (size_t t = 0; t < 16; ++t) w[t] = load_be32(blocks + 64 * block + 4 * t);
    expand_schedule_plus_constants(w);
    uint32_t v[kStateWords];
    std::memcpy(v, state, sizeof(v));
    run_rounds(v, w, 0, kRounds);
    add_state(state, v);
  }
}

void compress_x2(uint32_t state_a[kStateWords], const uint8_t* blocks_a, uint32_t state_b[kStateWords],
                 const uint8_t* blocks_b, size_t block_count) {
  compress(state_a, blocks_a, block_count);
  compress(state_b, blocks_b, block_count);
}

// The second block of a 64-byte message: constant schedule, then the feed-forward.
inline void compress_padding_block(uint32_t state[kStateWords]) {
  uint32_t v[kStateWords];
  std::memcpy(v, state, sizeof(v));
  run_rounds(v, kPaddingBlockWK.data(), 0, kRounds);
  add_state(state, v);
}

void hash_pair(const uint8_t first[32], const uint8_t second[32], uint8_t digest[32]) {
  uint32_t w[kRounds];
  for (size_t t = 0; t < 8; ++t) {
    w[t] = load_be32(first + 4 * t);
    w[t + 8] = load_be32(second + 4 * t);
  }
  expand_schedule_plus_constants(w);
  uint32_t state[kStateWords];
  std::memcpy(state, kInitialState, sizeof(state));
  uint32_t v[kStateWords];
  std::memcpy(v, state, sizeof(v));
  run_rounds(v, w, 0, kRounds);
  add_state(state, v);
  compress_padding_block(state);
  for (size_t i = 0; i < kStateWords; ++i) store_be32(digest + 4 * i, state[i]);
}

void hash_pair_x2(const uint8_t first_a[32], const uint8_t second_a[32], uint8_t digest_a[32],
                  const uint8_t first_b[32], const uint8_t second_b[32], uint8_t digest_b[32]) {
  hash_pair(first_a, second_a, digest_a);
  hash_pair(first_b, second_b, digest_b);
}

// Rounds 0..7 of every iteration's first block read only the salt (W[0..7]), so they are run once;
// the digest words are fed back as W[8..15] directly, without byte conversion.
void iterate_salted(const uint8_t salt[32], uint8_t x[32], uint64_t iterations) {
  constexpr size_t kSaltRounds = 8;
  uint32_t salt_words[8];
  uint32_t x_words[8];
  for (size_t t = 0; t < 8; ++t) {
    salt_words[t] = load_be32(salt + 4 * t);
    x_words[t] = load_be32(x + 4 * t);
  }
  uint32_t salt_wk[kSaltRounds];
  for (size_t t = 0; t < kSaltRounds; ++t) salt_wk[t] = salt_words[t] + kRoundConstants[t];
  uint32_t after_salt[kStateWords];
  std::memcpy(after_salt, kInitialState, sizeof(after_salt));
  run_rounds(after_salt, salt_wk, 0, kSaltRounds);

  for (uint64_t i = 0; i < iterations; ++i) {
    uint32_t w[kRounds];
    std::memcpy(w, salt_words, sizeof(salt_words));
    std::memcpy(w + 8, x_words, sizeof(x_words));
    expand_schedule_plus_constants(w);
    uint32_t v[kStateWords];
    std::memcpy(v, after_salt, sizeof(v));
    run_rounds(v, w, kSaltRounds, kRounds);
    std::memcpy(x_words, kInitialState, sizeof(x_words));
    add_state(x_words, v);
    compress_padding_block(x_words);
  }
  for (size_t i = 0; i < kStateWords; ++i) store_be32(x + 4 * i, x_words[i]);
}

void iterate_salted_x2(const uint8_t salt_a[32], uint8_t x_a[32], const uint8_t salt_b[32], uint8_t x_b[32],
                       uint64_t iterations) {
  iterate_salted(salt_a, x_a, iterations);
  iterate_salted(salt_b, x_b, iterations);
}

}  // namespace

const Backend& portable_backend() {
  static constexpr Backend backend{compress, compress_x2, hash_pair, hash_pair_x2, iterate_salted, iterate_salted_x2, nullptr, nullptr, nullptr};
  return backend;
}

}  // namespace arkube::sha256::detail
