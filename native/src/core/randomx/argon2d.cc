#include "core/randomx/argon2d.h"

#include <cstring>
#include <initializer_list>

#include "core/randomx/blake2b.h"

namespace arkube::randomx {

namespace {

constexpr uint32_t kVersion = 0x13;
constexpr uint32_t kTypeArgon2d = 0;
constexpr int kWordsPerBlock = 128;  // 1 KiB block as 64-bit words
constexpr uint32_t kSlices = 4;

void put_le32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

void update_le32(Blake2b& h, uint32_t v) {
  uint8_t b[4];
  put_le32(b, v);
  h.update(b, 4);
}

// H0 = Blake2b-512(p, T, m, t, v, y, |P|, P, |S|, S, |K|, K, |X|, X) with T = 0 and K, X empty.
void initial_hash(const Argon2Params& p, uint8_t out[64]) {
  Blake2b h(64);
  for (uint32_t v : {1u, 0u, p.memory_kib, p.iterations, kVersion, kTypeArgon2d}) update_le32(h, v);
  update_le32(h, static_cast<uint32_t>(p.password_bytes));
  h.update(p.password, p.password_bytes);
  update_le32(h, static_cast<uint32_t>(p.salt_bytes));
  h.update(p.salt, p.salt_bytes);
  update_le32(h, 0);
  update_le32(h, 0);
  h.final(out);
}

// H'^1024(input): the variable-length hash, for the 1 KiB output the first blocks need.
void long_hash_1024(const uint8_t* input, size_t input_bytes, uint8_t out[1024]) {
  uint8_t v[64];
  Blake2b first(64);
  update_le32(first, 1024);
  first.update(input, input_bytes);
  first.final(v);
  std::memcpy(out, v, 32);
  size_t pos = 32;
  while (1024 - pos > 64) {
    blake2b(v, 64, v, 64);
    std::memcpy(out + pos, v, 32);
    pos += 32;
  }
  blake2b(v, 64, v, 64);
  std::memcpy(out + pos, v, 64);
}

inline uint64_t rotr64(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }

inline uint64_t blamka(uint64_t x, uint64_t y) {
  return x + y + 2 * (x & 0xffffffffULL) * (y & 0xffffffffULL);
}

inline void gb(uint64_t& a, uint64_t& b, uint64_t& c, uint64_t& d) {
  a = blamka(a, b), d = rotr64(d ^ a, 32);
  c = blamka(c, d), b = rotr64(b ^ c, 24);
  a = blamka(a, b), d = rotr64(d ^ a, 16);
  c = blamka(c, d), b = rotr64(b ^ c, 63);
}

// The Blake2 round without message over 16 words given by index.
inline void round_nomsg(uint64_t* v, const int (&i)[16]) {
  gb(v[i[0]], v[i[4]], v[i[8]], v[i[12]]);
  gb(v[i[1]], v[i[5]], v[i[9]], v[i[13]]);
  gb(v[i[2]], v[i[6]], v[i[10]], v[i[14]]);
  gb(v[i[3]], v[i[7]], v[i[11]], v[i[15]]);
  gb(v[i[0]], v[i[5]], v[i[10]], v[i[15]]);
  gb(v[i[1]], v[i[6]], v[i[11]], v[i[12]]);
  gb(v[i[2]], v[i[7]], v[i[8]], v[i[13]]);
  gb(v[i[3]], v[i[4]], v[i[9]], v[i[14]]);
}

// next = P(prev ^ ref) ^ (prev ^ ref) [^ next when overwriting in passes after the first].
void fill_block(const uint64_t* prev, const uint64_t* ref, uint64_t* next, bool xor_old) {
  uint64_t r[kWordsPerBlock], q[kWordsPerBlock];
  for (int k = 0; k < kWordsPerBlock; ++k) r[k] = prev[k] ^ ref[k];
  std::memcpy(q, r, sizeof(q));
  for (int row = 0; row < 8; ++row) {
    int idx[16];
    for (int k = 0; k < 16; ++k) idx[k] = 16 * row + k;
    round_nomsg(q, idx);
  }
  for (int col = 0; col < 8; ++col) {
    int idx[16];
    for (int k = 0; k < 8; ++k) idx[2 * k] = 2 * col + 16 * k, idx[2 * k + 1] = 2 * col + 16 * k + 1;
    round_nomsg(q, idx);
  }
  for (int k = 0; k < kWordsPerBlock; ++k) next[k] = (xor_old ? next[k] : 0) ^ q[k] ^ r[k];
}

// Index of the reference block for Argon2d (data-dependent), one lane.
uint32_t reference_index(uint64_t pseudo_rand, uint32_t pass, uint32_t slice, uint32_t index_in_segment,
                         uint32_t segment_length, uint32_t lane_length) {
  uint64_t area;
  if (pass == 0) {
    area = (slice == 0) ? index_in_segment - 1 : uint64_t(slice) * segment_length + index_in_segment - 1;
  } else {
    area = lane_length - segment_length + index_in_segment - 1;
  }
  uint64_t j1 = pseudo_rand & 0xffffffffULL;
  uint64_t x = (j1 * j1) >> 32;
  uint64_t relative = area - 1 - ((area * x) >> 32);
  uint64_t start = (pass == 0 || slice == kSlices - 1) ? 0 : uint64_t(slice + 1) * segment_length;
  return static_cast<uint32_t>((start + relative) % lane_length);
}

void first_blocks(const Argon2Params& p, uint64_t* memory) {
  uint8_t seed[72];
  initial_hash(p, seed);
  uint8_t block_bytes[1024];
  for (uint32_t i = 0; i < 2; ++i) {
    put_le32(seed + 64, i);  // block index within the lane
    put_le32(seed + 68, 0);  // lane
    long_hash_1024(seed, sizeof(seed), block_bytes);
    std::memcpy(memory + i * kWordsPerBlock, block_bytes, 1024);
  }
}

}  // namespace

void argon2d_fill(const Argon2Params& p, uint64_t* memory) {
  const uint32_t lane_length = p.memory_kib;
  const uint32_t segment_length = lane_length / kSlices;
  first_blocks(p, memory);
  for (uint32_t pass = 0; pass < p.iterations; ++pass) {
    for (uint32_t slice = 0; slice < kSlices; ++slice) {
      uint32_t first = (pass == 0 && slice == 0) ? 2 : 0;
      for (uint32_t i = first; i < segment_length; ++i) {
        uint32_t cur = slice * segment_length + i;
        uint32_t prev = (cur == 0) ? lane_length - 1 : cur - 1;
        const uint64_t* prev_block = memory + uint64_t(prev) * kWordsPerBlock;
        uint32_t ref = reference_index(prev_block[0], pass, slice, i, segment_length, lane_length);
        fill_block(prev_block, memory + uint64_t(ref) * kWordsPerBlock, memory + uint64_t(cur) * kWordsPerBlock,
                   pass > 0);
      }
    }
  }
}

}  // namespace arkube::randomx
