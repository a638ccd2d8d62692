// SHA-256 with the Intel SHA extensions (sha256rnds2 / sha256msg1 / sha256msg2). Every function
// here is compiled for the "sha,sse4.1" target only, so the rest of the addon stays baseline
// x86-64; sha256.cc calls in only after CPUID reported SHA-NI.
//
// State layout used by sha256rnds2: one register holds (A,B,E,F) and one (C,D,G,H), with A and C
// in the top lane. A chain of sha256rnds2 is latency-bound, so the x2 variants run two
// independent streams in the same loop body and let the CPU overlap them.
#include "core/sha256_backend.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define ARKUBE_SHA_NI __attribute__((target("sha,sse4.1")))

namespace arkube::sha256::detail {

namespace {

constexpr int kGroups = 16;  // 64 rounds, 4 per group (one 4-word message vector each)

struct StateRegs {
  __m128i abef;
  __m128i cdgh;
};

// Reverses the bytes of each 32-bit lane: SHA-256 reads big-endian words.
ARKUBE_SHA_NI inline __m128i word_byte_swap_mask() {
  return _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
}

// Reverses all 16 bytes: lanes (D,C,B,A) in native order become the big-endian bytes of A,B,C,D.
ARKUBE_SHA_NI inline __m128i full_reverse_mask() { return _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL); }

ARKUBE_SHA_NI inline __m128i load_words(const uint8_t* bytes) {
  return _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes)), word_byte_swap_mask());
}

ARKUBE_SHA_NI inline __m128i load_aligned(const uint32_t* words) {
  return _mm_load_si128(reinterpret_cast<const __m128i*>(words));
}

ARKUBE_SHA_NI inline StateRegs load_state(const uint32_t state[kStateWords]) {
  __m128i abcd = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state));
  __m128i efgh = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4));
  __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);
  __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
  return StateRegs{_mm_alignr_epi8(badc, hgfe, 8), _mm_blend_epi16(hgfe, badc, 0xF0)};
}

ARKUBE_SHA_NI inline void store_state(const StateRegs& s, uint32_t state[kStateWords]) {
  __m128i abef = _mm_shuffle_epi32(s.abef, 0x1B);  // lanes A,B,E,F from the bottom
  __m128i ghcd = _mm_shuffle_epi32(s.cdgh, 0xB1);  // lanes G,H,C,D
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state), _mm_blend_epi16(abef, ghcd, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), _mm_alignr_epi8(ghcd, abef, 8));
}

// The digest words as message words: (A,B,C,D) and (E,F,G,H) with A in the bottom lane.
ARKUBE_SHA_NI inline __m128i digest_words_abcd(const StateRegs& s) {
  return _mm_shuffle_epi32(_mm_unpackhi_epi64(s.cdgh, s.abef), 0x1B);
}
ARKUBE_SHA_NI inline __m128i digest_words_efgh(const StateRegs& s) {
  return _mm_shuffle_epi32(_mm_unpacklo_epi64(s.cdgh, s.abef), 0x1B);
}

ARKUBE_SHA_NI inline void store_digest(const StateRegs& s, uint8_t digest[32]) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(digest),
                   _mm_shuffle_epi8(_mm_unpackhi_epi64(s.cdgh, s.abef), full_reverse_mask()));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(digest + 16),
                   _mm_shuffle_epi8(_mm_unpacklo_epi64(s.cdgh, s.abef), full_reverse_mask()));
}

ARKUBE_SHA_NI inline void add_state(StateRegs& into, const StateRegs& from) {
  into.abef = _mm_add_epi32(into.abef, from.abef);
  into.cdgh = _mm_add_epi32(into.cdgh, from.cdgh);
}

// Four rounds; `wk` = W[t..t+3] + K[t..t+3]. sha256rnds2 does two and returns the new (A,B,E,F);
// the old (A,B,E,F) is then the new (C,D,G,H).
ARKUBE_SHA_NI inline void four_rounds(StateRegs& s, __m128i wk) {
  s.cdgh = _mm_sha256rnds2_epu32(s.cdgh, s.abef, wk);
  s.abef = _mm_sha256rnds2_epu32(s.abef, s.cdgh, _mm_shuffle_epi32(wk, 0x0E));
}

// sigma0 on four words with plain SSE shifts: the same as sha256msg1 computes, but sha256msg1
// shares the SHA unit with sha256rnds2 (on Ice Lake, at least), so where the rounds are the
// bottleneck the shifts are faster: the VDF chain gains ~5%, bulk hashing ~7%. Where two
// streams of 64-byte messages share the unit, sha256msg1 measured faster (fewer instructions).
ARKUBE_SHA_NI inline __m128i small_sigma0_x4(__m128i x) {
  __m128i right = _mm_xor_si128(_mm_xor_si128(_mm_srli_epi32(x, 7), _mm_srli_epi32(x, 18)), _mm_srli_epi32(x, 3));
  return _mm_xor_si128(right, _mm_xor_si128(_mm_slli_epi32(x, 25), _mm_slli_epi32(x, 14)));
}

enum class Sigma0 { kShifts, kMsg1 };

// W[t..t+3] from W[t-16..t-1] held oldest first in w0..w3:
// W[t] = sigma1(W[t-2]) + W[t-7] + sigma0(W[t-15]) + W[t-16]; sha256msg2 adds the sigma1 terms.
template <Sigma0 How>
ARKUBE_SHA_NI inline __m128i next_words(__m128i w0, __m128i w1, __m128i w2, __m128i w3) {
  __m128i w_minus_7 = _mm_alignr_epi8(w3, w2, 4);
  __m128i w_minus_16_plus_sigma0;
  if constexpr (How == Sigma0::kMsg1) {
    w_minus_16_plus_sigma0 = _mm_sha256msg1_epu32(w0, w1);
  } else {
    w_minus_16_plus_sigma0 = _mm_add_epi32(w0, small_sigma0_x4(_mm_alignr_epi8(w1, w0, 4)));
  }
  return _mm_sha256msg2_epu32(_mm_add_epi32(w_minus_16_plus_sigma0, w_minus_7), w3);
}

// Rounds of one data block for `Streams` independent streams, starting at group `FirstGroup`
// (groups before it were run elsewhere). `w[n]` holds stream n's W[0..15] and is consumed.
template <int Streams, int FirstGroup, Sigma0 How = Sigma0::kShifts>
ARKUBE_SHA_NI inline void block_rounds(StateRegs (&s)[Streams], __m128i (&w)[Streams][4]) {
#pragma GCC unroll 16
  for (int g = FirstGroup; g < kGroups; ++g) {
    __m128i k = load_aligned(kRoundConstants + 4 * g);
#pragma GCC unroll 2
    for (int n = 0; n < Streams; ++n) {
      if (g >= 4) {
        w[n][g % 4] = next_words<How>(w[n][g % 4], w[n][(g + 1) % 4], w[n][(g + 2) % 4], w[n][(g + 3) % 4]);
      }
      four_rounds(s[n], _mm_add_epi32(w[n][g % 4], k));
    }
  }
}

// Rounds of the constant padding block of a 64-byte message (schedule precomputed).
template <int Streams>
ARKUBE_SHA_NI inline void padding_block_rounds(StateRegs (&s)[Streams]) {
#pragma GCC unroll 16
  for (int g = 0; g < kGroups; ++g) {
    __m128i wk = load_aligned(kPaddingBlockWK.data() + 4 * g);
#pragma GCC unroll 2
    for (int n = 0; n < Streams; ++n) four_rounds(s[n], wk);
  }
}

template <int Streams>
ARKUBE_SHA_NI inline void compress_streams(uint32_t* const (&states)[Streams], const uint8_t* const (&blocks)[Streams],
                                           size_t block_count) {
  StateRegs s[Streams];
  for (int n = 0; n < Streams; ++n) s[n] = load_state(states[n]);
  for (size_t b = 0; b < block_count; ++b) {
    StateRegs before[Streams];
    __m128i w[Streams][4];
    for (int n = 0; n < Streams; ++n) {
      before[n] = s[n];
      const uint8_t* block = blocks[n] + 64 * b;
      for (int i = 0; i < 4; ++i) w[n][i] = load_words(block + 16 * i);
    }
    block_rounds<Streams, 0>(s, w);
    for (int n = 0; n < Streams; ++n) add_state(s[n], before[n]);
  }
  for (int n = 0; n < Streams; ++n) store_state(s[n], states[n]);
}

template <int Streams>
ARKUBE_SHA_NI inline void hash_pair_streams(const uint8_t* const (&first)[Streams], const uint8_t* const (&second)[Streams],
                                            uint8_t* const (&digest)[Streams]) {
  const StateRegs initial = load_state(kInitialState);
  StateRegs s[Streams];
  __m128i w[Streams][4];
  for (int n = 0; n < Streams; ++n) {
    s[n] = initial;
    w[n][0] = load_words(first[n]);
    w[n][1] = load_words(first[n] + 16);
    w[n][2] = load_words(second[n]);
    w[n][3] = load_words(second[n] + 16);
  }
  block_rounds<Streams, 0, Streams == 1 ? Sigma0::kShifts : Sigma0::kMsg1>(s, w);
  StateRegs after_first_block[Streams];
  for (int n = 0; n < Streams; ++n) {
    add_state(s[n], initial);
    after_first_block[n] = s[n];
  }
  padding_block_rounds<Streams>(s);
  for (int n = 0; n < Streams; ++n) {
    add_state(s[n], after_first_block[n]);
    store_digest(s[n], digest[n]);
  }
}

ARKUBE_SHA_NI void compress(uint32_t state[kStateWords], const uint8_t* blocks, size_t block_count) {
  uint32_t* const states[1] = {state};
  const uint8_t* const data[1] = {blocks};
  compress_streams<1>(states, data, block_count);
}

ARKUBE_SHA_NI void compress_x2(uint32_t state_a[kStateWords], const uint8_t* blocks_a, uint32_t state_b[kStateWords],
                               const uint8_t* blocks_b, size_t block_count) {
  uint32_t* const states[2] = {state_a, state_b};
  const uint8_t* const data[2] = {blocks_a, blocks_b};
  compress_streams<2>(states, data, block_count);
}

ARKUBE_SHA_NI void hash_pair(const uint8_t first[32], const uint8_t second[32], uint8_t digest[32]) {
  const uint8_t* const firsts[1] = {first};
  const uint8_t* const seconds[1] = {second};
  uint8_t* const digests[1] = {digest};
  hash_pair_streams<1>(firsts, seconds, digests);
}

ARKUBE_SHA_NI void hash_pair_x2(const uint8_t first_a[32], const uint8_t second_a[32], uint8_t digest_a[32],
                                const uint8_t first_b[32], const uint8_t second_b[32], uint8_t digest_b[32]) {
  const uint8_t* const firsts[2] = {first_a, first_b};
  const uint8_t* const seconds[2] = {second_a, second_b};
  uint8_t* const digests[2] = {digest_a, digest_b};
  hash_pair_streams<2>(firsts, seconds, digests);
}

// The VDF loop for `Streams` independent chains. Groups 0 and 1 of the first block read only the
// salt, so they run once per call; each digest goes back in as W[8..15] straight from the state
// registers (no bytes in between).
template <int Streams, Sigma0 How>
ARKUBE_SHA_NI inline void iterate_streams(const uint8_t* const (&salts)[Streams], uint8_t* const (&xs)[Streams],
                                          uint64_t iterations) {
  const StateRegs initial = load_state(kInitialState);
  __m128i salt_low[Streams], salt_high[Streams], x_low[Streams], x_high[Streams];
  StateRegs after_salt[Streams];
  for (int n = 0; n < Streams; ++n) {
    salt_low[n] = load_words(salts[n]);
    salt_high[n] = load_words(salts[n] + 16);
    x_low[n] = load_words(xs[n]);
    x_high[n] = load_words(xs[n] + 16);
    after_salt[n] = initial;
    four_rounds(after_salt[n], _mm_add_epi32(salt_low[n], load_aligned(kRoundConstants)));
    four_rounds(after_salt[n], _mm_add_epi32(salt_high[n], load_aligned(kRoundConstants + 4)));
  }
  for (uint64_t i = 0; i < iterations; ++i) {
    StateRegs s[Streams];
    __m128i w[Streams][4];
    for (int n = 0; n < Streams; ++n) {
      s[n] = after_salt[n];
      w[n][0] = salt_low[n], w[n][1] = salt_high[n], w[n][2] = x_low[n], w[n][3] = x_high[n];
    }
    block_rounds<Streams, 2, How>(s, w);
    StateRegs after_first_block[Streams];
    for (int n = 0; n < Streams; ++n) {
      add_state(s[n], initial);
      after_first_block[n] = s[n];
    }
    padding_block_rounds<Streams>(s);
    for (int n = 0; n < Streams; ++n) {
      add_state(s[n], after_first_block[n]);
      x_low[n] = digest_words_abcd(s[n]);
      x_high[n] = digest_words_efgh(s[n]);
    }
  }
  for (int n = 0; n < Streams; ++n) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(xs[n]), _mm_shuffle_epi8(x_low[n], word_byte_swap_mask()));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(xs[n] + 16), _mm_shuffle_epi8(x_high[n], word_byte_swap_mask()));
  }
}

ARKUBE_SHA_NI void iterate_salted(const uint8_t salt[32], uint8_t x[32], uint64_t iterations) {
  const uint8_t* const salts[1] = {salt};
  uint8_t* const xs[1] = {x};
  iterate_streams<1, Sigma0::kShifts>(salts, xs, iterations);
}

ARKUBE_SHA_NI void iterate_salted_x2(const uint8_t salt_a[32], uint8_t x_a[32], const uint8_t salt_b[32],
                                     uint8_t x_b[32], uint64_t iterations) {
  const uint8_t* const salts[2] = {salt_a, salt_b};
  uint8_t* const xs[2] = {x_a, x_b};
  iterate_streams<2, Sigma0::kMsg1>(salts, xs, iterations);  // measured faster for two streams
}

}  // namespace

const Backend* sha_ni_backend() {
  static constexpr Backend backend{compress, compress_x2, hash_pair, hash_pair_x2, iterate_salted, iterate_salted_x2, nullptr, nullptr, nullptr};
  return &backend;
}

}  // namespace arkube::sha256::detail

#else  // not x86-64: no SHA-NI code; is_available(kShaNi) reports false.

namespace arkube::sha256::detail {
const Backend* sha_ni_backend() { return nullptr; }
}  // namespace arkube::sha256::detail

#endif
