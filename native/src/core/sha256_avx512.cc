// SHA-256 on 16 messages at once: each 32-bit lane of a 512-bit register belongs to one message,
// so one instruction advances all 16. SHA-NI (one message, latency-bound) measured 1.45 GB/s per
// core on Ice Lake; this runs ~3.1 GB/s there, which is why batches (H1/H2 over a recall range,
// chunk hashing, parallel Feistel decryption, VDF checkpoint verification) use it. Compiled for "avx512f,avx512bw,avx512vl"
// per function and called only after CPUID (and XCR0) reported them.
#include "core/sha256_backend.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <cstring>

// GCC 12's AVX-512 intrinsics pass _mm512_undefined_epi32() as the masked-off source, which
// -Wuninitialized reports at every inlined use (a known GCC 12 false positive): never read.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#define ARKUBE_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl")))

namespace arkube::sha256::detail {

namespace {

constexpr int kLanes = static_cast<int>(kWideLanes);
constexpr int kBlockWords = 16;

template <int Bits>
ARKUBE_AVX512 inline __m512i rotr(__m512i x) {
  return _mm512_ror_epi32(x, Bits);
}

// vpternlogd truth tables: a ^ b ^ c, a ? b : c, and the majority of a, b, c.
constexpr int kXor3 = 0x96;
constexpr int kChoose = 0xCA;
constexpr int kMajority = 0xE8;

ARKUBE_AVX512 inline __m512i big_sigma0(__m512i x) { return _mm512_ternarylogic_epi32(rotr<2>(x), rotr<13>(x), rotr<22>(x), kXor3); }
ARKUBE_AVX512 inline __m512i big_sigma1(__m512i x) { return _mm512_ternarylogic_epi32(rotr<6>(x), rotr<11>(x), rotr<25>(x), kXor3); }
ARKUBE_AVX512 inline __m512i small_sigma0(__m512i x) {
  return _mm512_ternarylogic_epi32(rotr<7>(x), rotr<18>(x), _mm512_srli_epi32(x, 3), kXor3);
}
ARKUBE_AVX512 inline __m512i small_sigma1(__m512i x) {
  return _mm512_ternarylogic_epi32(rotr<17>(x), rotr<19>(x), _mm512_srli_epi32(x, 10), kXor3);
}

// Reverses the bytes of every 32-bit lane (SHA-256 words are big-endian).
ARKUBE_AVX512 inline __m512i byte_swap_words(__m512i x) {
  const __m512i mask = _mm512_set4_epi32(0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203);
  return _mm512_shuffle_epi8(x, mask);
}

// rows[r] holds message r's 16 words; afterwards rows[t] holds word t of all 16 messages.
// 32-bit and 64-bit interleaves, then two rounds of 128-bit block shuffles.
ARKUBE_AVX512 inline void transpose(__m512i rows[kBlockWords]) {
  __m512i t[kBlockWords];
  for (int i = 0; i < kBlockWords; i += 2) {
    t[i] = _mm512_unpacklo_epi32(rows[i], rows[i + 1]);
    t[i + 1] = _mm512_unpackhi_epi32(rows[i], rows[i + 1]);
  }
  for (int i = 0; i < kBlockWords; i += 4) {
    rows[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);
    rows[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]);
    rows[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]);
    rows[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
  }
  for (int i = 0; i < 4; ++i) {
    t[i] = _mm512_shuffle_i32x4(rows[i], rows[i + 4], 0x88);
    t[i + 4] = _mm512_shuffle_i32x4(rows[i], rows[i + 4], 0xDD);
    t[i + 8] = _mm512_shuffle_i32x4(rows[i + 8], rows[i + 12], 0x88);
    t[i + 12] = _mm512_shuffle_i32x4(rows[i + 8], rows[i + 12], 0xDD);
  }
  for (int i = 0; i < 4; ++i) {
    rows[i] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0x88);
    rows[i + 8] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0xDD);
    rows[i + 4] = _mm512_shuffle_i32x4(t[i + 4], t[i + 12], 0x88);
    rows[i + 12] = _mm512_shuffle_i32x4(t[i + 4], t[i + 12], 0xDD);
  }
}

struct Words {
  __m512i v[kStateWords];  // a..h, one message per lane
};

ARKUBE_AVX512 inline void add_words(Words& into, const Words& from) {
  for (size_t i = 0; i < kStateWords; ++i) into.v[i] = _mm512_add_epi32(into.v[i], from.v[i]);
}

// Rounds [First, Last) of one block. `w` holds W[0..15] (word-major) and is consumed as the
// schedule ring; with `Padding` the block is the constant padding block and `w` is not read.
template <int First, bool Padding, int Last = static_cast<int>(kRounds)>
ARKUBE_AVX512 inline void rounds(Words& s, __m512i w[kBlockWords]) {
  __m512i a = s.v[0], b = s.v[1], c = s.v[2], d = s.v[3], e = s.v[4], f = s.v[5], g = s.v[6], h = s.v[7];
#pragma GCC unroll 64
  for (int t = First; t < Last; ++t) {
    __m512i wk;
    if (Padding) {
      wk = _mm512_set1_epi32(static_cast<int>(kPaddingBlockWK[t]));
    } else {
      if (t >= kBlockWords) {
        w[t & 15] = _mm512_add_epi32(_mm512_add_epi32(w[t & 15], small_sigma0(w[(t - 15) & 15])),
                                     _mm512_add_epi32(w[(t - 7) & 15], small_sigma1(w[(t - 2) & 15])));
      }
      wk = _mm512_add_epi32(w[t & 15], _mm512_set1_epi32(static_cast<int>(kRoundConstants[t])));
    }
    __m512i t1 = _mm512_add_epi32(_mm512_add_epi32(h, big_sigma1(e)),
                                  _mm512_add_epi32(_mm512_ternarylogic_epi32(e, f, g, kChoose), wk));
    __m512i t2 = _mm512_add_epi32(big_sigma0(a), _mm512_ternarylogic_epi32(a, b, c, kMajority));
    h = g;
    g = f;
    f = e;
    e = _mm512_add_epi32(d, t1);
    d = c;
    c = b;
    b = a;
    a = _mm512_add_epi32(t1, t2);
  }
  s.v[0] = a, s.v[1] = b, s.v[2] = c, s.v[3] = d, s.v[4] = e, s.v[5] = f, s.v[6] = g, s.v[7] = h;
}

ARKUBE_AVX512 void compress_x16(uint32_t* const states[kWideLanes], const uint8_t* const blocks[kWideLanes],
                                size_t block_count) {
  alignas(64) uint32_t by_word[kStateWords][kLanes];
  for (int lane = 0; lane < kLanes; ++lane) {
    for (size_t i = 0; i < kStateWords; ++i) by_word[i][lane] = states[lane][i];
  }
  Words s;
  for (size_t i = 0; i < kStateWords; ++i) s.v[i] = _mm512_load_si512(by_word[i]);
  for (size_t block = 0; block < block_count; ++block) {
    __m512i w[kBlockWords];
    for (int lane = 0; lane < kLanes; ++lane) w[lane] = _mm512_loadu_si512(blocks[lane] + 64 * block);
    transpose(w);
    for (int t = 0; t < kBlockWords; ++t) w[t] = byte_swap_words(w[t]);
    const Words before = s;
    rounds<0, false>(s, w);
    add_words(s, before);
  }
  for (size_t i = 0; i < kStateWords; ++i) _mm512_store_si512(by_word[i], s.v[i]);
  for (int lane = 0; lane < kLanes; ++lane) {
    for (size_t i = 0; i < kStateWords; ++i) states[lane][i] = by_word[i][lane];
  }
}

// W[0..15] of the 64-byte messages first[lane] || second[lane], word-major.
ARKUBE_AVX512 inline void load_pair_words(const uint8_t* const first[kWideLanes], const uint8_t* const second[kWideLanes],
                                          __m512i w[kBlockWords]) {
  for (int lane = 0; lane < kLanes; ++lane) {
    __m256i low = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(first[lane]));
    __m256i high = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(second[lane]));
    w[lane] = _mm512_inserti64x4(_mm512_castsi256_si512(low), high, 1);
  }
  transpose(w);
  for (int t = 0; t < kBlockWords; ++t) w[t] = byte_swap_words(w[t]);
}

ARKUBE_AVX512 inline Words initial_words() {
  Words initial;
  for (size_t i = 0; i < kStateWords; ++i) initial.v[i] = _mm512_set1_epi32(static_cast<int>(kInitialState[i]));
  return initial;
}

// The digest (or any eight words) of each lane as big-endian bytes at out[lane].
ARKUBE_AVX512 inline void store_words_by_lane(const Words& s, uint8_t* const out[kWideLanes]) {
  alignas(64) uint32_t by_word[kStateWords][kLanes];
  for (size_t i = 0; i < kStateWords; ++i) _mm512_store_si512(by_word[i], byte_swap_words(s.v[i]));
  for (int lane = 0; lane < kLanes; ++lane) {
    for (size_t i = 0; i < kStateWords; ++i) std::memcpy(out[lane] + 4 * i, &by_word[i][lane], 4);
  }
}

// The constant padding block of a 64-byte message, then the feed-forward.
ARKUBE_AVX512 inline void padding_block(Words& s) {
  const Words after_first_block = s;
  __m512i unused[kBlockWords];
  rounds<0, true>(s, unused);
  add_words(s, after_first_block);
}

ARKUBE_AVX512 void hash_pair_x16(const uint8_t* const first[kWideLanes], const uint8_t* const second[kWideLanes],
                                 uint8_t* const digests[kWideLanes]) {
  __m512i w[kBlockWords];
  load_pair_words(first, second, w);
  const Words initial = initial_words();
  Words s = initial;
  rounds<0, false>(s, w);
  add_words(s, initial);
  padding_block(s);
  store_words_by_lane(s, digests);
}

// 16 independent VDF chains: xs[lane] := SHA256(salts[lane] || xs[lane]), `iterations` times.
// As in the single-stream code, rounds 0..7 (salt only) run once per call and each digest stays
// in registers as the next W[8..15]; no transposition inside the loop.
ARKUBE_AVX512 void iterate_salted_x16(const uint8_t* const salts[kWideLanes], uint8_t* const xs[kWideLanes],
                                      uint64_t iterations) {
  constexpr int kSaltWords = 8;
  __m512i w[kBlockWords];
  load_pair_words(salts, xs, w);
  const Words initial = initial_words();
  Words after_salt = initial;
  rounds<0, false, kSaltWords>(after_salt, w);  // reads W[0..7] only; w stays intact
  __m512i salt[kSaltWords];
  for (int t = 0; t < kSaltWords; ++t) salt[t] = w[t];
  Words x;
  for (int t = 0; t < kSaltWords; ++t) x.v[t] = w[kSaltWords + t];
  for (uint64_t i = 0; i < iterations; ++i) {
    for (int t = 0; t < kSaltWords; ++t) {
      w[t] = salt[t];
      w[kSaltWords + t] = x.v[t];
    }
    Words s = after_salt;
    rounds<kSaltWords, false>(s, w);
    add_words(s, initial);
    padding_block(s);
    x = s;
  }
  store_words_by_lane(x, xs);
}

}  // namespace

CompressX16 avx512_compress_x16() { return compress_x16; }
HashPairX16 avx512_hash_pair_x16() { return hash_pair_x16; }
IterateSaltedX16 avx512_iterate_salted_x16() { return iterate_salted_x16; }

}  // namespace arkube::sha256::detail

#else  // not x86-64

namespace arkube::sha256::detail {
CompressX16 avx512_compress_x16() { return nullptr; }
HashPairX16 avx512_hash_pair_x16() { return nullptr; }
IterateSaltedX16 avx512_iterate_salted_x16() { return nullptr; }
}  // namespace arkube::sha256::detail

#endif
