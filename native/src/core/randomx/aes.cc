#include "core/randomx/aes.h"

#include <cstring>

#include "core/cpu_features.h"
#include "core/randomx/aes_keys.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace arkube::randomx {

namespace {

// ---- Software AES: one round = (Inv)ShiftRows + (Inv)SubBytes + (Inv)MixColumns + key XOR,
// as x86 AESENC/AESDEC define it, computed with four 256-entry tables per direction.

uint8_t gf_mul(uint8_t a, uint8_t b) {
  uint8_t p = 0;
  while (b) {
    if (b & 1) p ^= a;
    a = static_cast<uint8_t>((a << 1) ^ ((a & 0x80) ? 0x1b : 0));
    b >>= 1;
  }
  return p;
}

struct Tables {
  uint32_t enc[4][256];
  uint32_t dec[4][256];
};

uint8_t sbox_entry(int x) {
  uint8_t inv = 0;  // multiplicative inverse in GF(2^8); 0 maps to 0
  for (int y = 1; y < 256 && x != 0; ++y)
    if (gf_mul(static_cast<uint8_t>(x), static_cast<uint8_t>(y)) == 1) inv = static_cast<uint8_t>(y);
  uint8_t s = inv;
  for (int r = 1; r <= 4; ++r) s ^= static_cast<uint8_t>((inv << r) | (inv >> (8 - r)));
  return s ^ 0x63;
}

uint32_t pack_column(uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3) {
  return uint32_t(b0) | uint32_t(b1) << 8 | uint32_t(b2) << 16 | uint32_t(b3) << 24;
}

Tables build_tables() {
  Tables t{};
  uint8_t sbox[256], inv_sbox[256];
  for (int x = 0; x < 256; ++x) sbox[x] = sbox_entry(x);
  for (int x = 0; x < 256; ++x) inv_sbox[sbox[x]] = static_cast<uint8_t>(x);
  // MixColumns coefficients for the byte coming from row r, rotated per row.
  const uint8_t mix[4] = {2, 1, 1, 3};
  const uint8_t inv_mix[4] = {14, 9, 13, 11};
  for (int x = 0; x < 256; ++x) {
    for (int r = 0; r < 4; ++r) {
      uint8_t e[4], d[4];
      for (int k = 0; k < 4; ++k) {
        e[k] = gf_mul(sbox[x], mix[(k - r + 4) % 4]);
        d[k] = gf_mul(inv_sbox[x], inv_mix[(k - r + 4) % 4]);
      }
      t.enc[r][x] = pack_column(e[0], e[1], e[2], e[3]);
      t.dec[r][x] = pack_column(d[0], d[1], d[2], d[3]);
    }
  }
  return t;
}

const Tables& tables() {
  static const Tables t = build_tables();
  return t;
}

// A 16-byte column as four little-endian words (word c = AES state column c).
struct Block {
  uint32_t w[4];
};

inline Block load_block(const uint8_t* p) {
  Block b;
  std::memcpy(b.w, p, 16);
  return b;
}
inline void store_block(uint8_t* p, const Block& b) { std::memcpy(p, b.w, 16); }
inline Block key_block(const uint32_t (&k)[4]) { return Block{{k[0], k[1], k[2], k[3]}}; }

inline uint8_t byte_of(const Block& b, int col, int row) { return static_cast<uint8_t>(b.w[col] >> (8 * row)); }

inline Block soft_enc(const Block& s, const Block& key) {
  const Tables& t = tables();
  Block out;
  for (int c = 0; c < 4; ++c) {
    out.w[c] = t.enc[0][byte_of(s, c, 0)] ^ t.enc[1][byte_of(s, (c + 1) & 3, 1)] ^
               t.enc[2][byte_of(s, (c + 2) & 3, 2)] ^ t.enc[3][byte_of(s, (c + 3) & 3, 3)] ^ key.w[c];
  }
  return out;
}

inline Block soft_dec(const Block& s, const Block& key) {
  const Tables& t = tables();
  Block out;
  for (int c = 0; c < 4; ++c) {
    out.w[c] = t.dec[0][byte_of(s, c, 0)] ^ t.dec[1][byte_of(s, (c + 3) & 3, 1)] ^
               t.dec[2][byte_of(s, (c + 2) & 3, 2)] ^ t.dec[3][byte_of(s, (c + 1) & 3, 3)] ^ key.w[c];
  }
  return out;
}

const aes_keys::Column* gen4r_keys(Aes4RKeys keys, int column, int round) {
  if (keys == Aes4RKeys::Shared4) return &aes_keys::kGen4RShared[round];
  return &aes_keys::kGen4RSplit[(column >= 2 ? 4 : 0) + round];
}

void soft_fill_1r(uint8_t* state, uint8_t* out, size_t out_bytes) {
  Block s[4], k[4];
  for (int c = 0; c < 4; ++c) s[c] = load_block(state + 16 * c), k[c] = key_block(aes_keys::kGen1R[c]);
  for (size_t off = 0; off < out_bytes; off += 64) {
    s[0] = soft_dec(s[0], k[0]);
    s[1] = soft_enc(s[1], k[1]);
    s[2] = soft_dec(s[2], k[2]);
    s[3] = soft_enc(s[3], k[3]);
    for (int c = 0; c < 4; ++c) store_block(out + off + 16 * c, s[c]);
  }
  for (int c = 0; c < 4; ++c) store_block(state + 16 * c, s[c]);
}

void soft_fill_4r(const uint8_t* state, uint8_t* out, size_t out_bytes, Aes4RKeys keys) {
  Block s[4], k[4][4];
  for (int c = 0; c < 4; ++c) {
    s[c] = load_block(state + 16 * c);
    for (int r = 0; r < 4; ++r) k[c][r] = key_block(*gen4r_keys(keys, c, r));
  }
  for (size_t off = 0; off < out_bytes; off += 64) {
    for (int r = 0; r < 4; ++r) {
      s[0] = soft_dec(s[0], k[0][r]);
      s[1] = soft_enc(s[1], k[1][r]);
      s[2] = soft_dec(s[2], k[2][r]);
      s[3] = soft_enc(s[3], k[3][r]);
    }
    for (int c = 0; c < 4; ++c) store_block(out + off + 16 * c, s[c]);
  }
}

void soft_hash_1r(const uint8_t* in, size_t in_bytes, uint8_t* hash) {
  Block s[4];
  for (int c = 0; c < 4; ++c) s[c] = key_block(aes_keys::kHash1RState[c]);
  for (size_t off = 0; off < in_bytes; off += 64) {
    s[0] = soft_enc(s[0], load_block(in + off));
    s[1] = soft_dec(s[1], load_block(in + off + 16));
    s[2] = soft_enc(s[2], load_block(in + off + 32));
    s[3] = soft_dec(s[3], load_block(in + off + 48));
  }
  for (const auto& xkey : aes_keys::kHash1RXKeys) {
    Block x = key_block(xkey);
    s[0] = soft_enc(s[0], x);
    s[1] = soft_dec(s[1], x);
    s[2] = soft_enc(s[2], x);
    s[3] = soft_dec(s[3], x);
  }
  for (int c = 0; c < 4; ++c) store_block(hash + 16 * c, s[c]);
}

#if defined(__x86_64__)
// ---- AES-NI: the same three functions with AESENC/AESDEC.
#define ARKUBE_AESNI __attribute__((target("aes,sse4.1")))

ARKUBE_AESNI inline __m128i load_key(const uint32_t (&k)[4]) {
  return _mm_set_epi32(int(k[3]), int(k[2]), int(k[1]), int(k[0]));
}

ARKUBE_AESNI void ni_fill_1r(uint8_t* state, uint8_t* out, size_t out_bytes) {
  __m128i k0 = load_key(aes_keys::kGen1R[0]), k1 = load_key(aes_keys::kGen1R[1]);
  __m128i k2 = load_key(aes_keys::kGen1R[2]), k3 = load_key(aes_keys::kGen1R[3]);
  auto* st = reinterpret_cast<__m128i*>(state);
  __m128i s0 = _mm_loadu_si128(st), s1 = _mm_loadu_si128(st + 1);
  __m128i s2 = _mm_loadu_si128(st + 2), s3 = _mm_loadu_si128(st + 3);
  for (size_t off = 0; off < out_bytes; off += 64) {
    s0 = _mm_aesdec_si128(s0, k0);
    s1 = _mm_aesenc_si128(s1, k1);
    s2 = _mm_aesdec_si128(s2, k2);
    s3 = _mm_aesenc_si128(s3, k3);
    auto* o = reinterpret_cast<__m128i*>(out + off);
    _mm_storeu_si128(o, s0), _mm_storeu_si128(o + 1, s1), _mm_storeu_si128(o + 2, s2), _mm_storeu_si128(o + 3, s3);
  }
  _mm_storeu_si128(st, s0), _mm_storeu_si128(st + 1, s1), _mm_storeu_si128(st + 2, s2), _mm_storeu_si128(st + 3, s3);
}

ARKUBE_AESNI void ni_fill_4r(const uint8_t* state, uint8_t* out, size_t out_bytes, Aes4RKeys keys) {
  __m128i k[4][4];
  for (int c = 0; c < 4; ++c)
    for (int r = 0; r < 4; ++r) k[c][r] = load_key(*gen4r_keys(keys, c, r));
  auto* st = reinterpret_cast<const __m128i*>(state);
  __m128i s0 = _mm_loadu_si128(st), s1 = _mm_loadu_si128(st + 1);
  __m128i s2 = _mm_loadu_si128(st + 2), s3 = _mm_loadu_si128(st + 3);
  for (size_t off = 0; off < out_bytes; off += 64) {
    for (int r = 0; r < 4; ++r) {
      s0 = _mm_aesdec_si128(s0, k[0][r]);
      s1 = _mm_aesenc_si128(s1, k[1][r]);
      s2 = _mm_aesdec_si128(s2, k[2][r]);
      s3 = _mm_aesenc_si128(s3, k[3][r]);
    }
    auto* o = reinterpret_cast<__m128i*>(out + off);
    _mm_storeu_si128(o, s0), _mm_storeu_si128(o + 1, s1), _mm_storeu_si128(o + 2, s2), _mm_storeu_si128(o + 3, s3);
  }
}

ARKUBE_AESNI void ni_hash_1r(const uint8_t* in, size_t in_bytes, uint8_t* hash) {
  __m128i s0 = load_key(aes_keys::kHash1RState[0]), s1 = load_key(aes_keys::kHash1RState[1]);
  __m128i s2 = load_key(aes_keys::kHash1RState[2]), s3 = load_key(aes_keys::kHash1RState[3]);
  for (size_t off = 0; off < in_bytes; off += 64) {
    auto* p = reinterpret_cast<const __m128i*>(in + off);
    s0 = _mm_aesenc_si128(s0, _mm_loadu_si128(p));
    s1 = _mm_aesdec_si128(s1, _mm_loadu_si128(p + 1));
    s2 = _mm_aesenc_si128(s2, _mm_loadu_si128(p + 2));
    s3 = _mm_aesdec_si128(s3, _mm_loadu_si128(p + 3));
  }
  for (const auto& xkey : aes_keys::kHash1RXKeys) {
    __m128i x = load_key(xkey);
    s0 = _mm_aesenc_si128(s0, x);
    s1 = _mm_aesdec_si128(s1, x);
    s2 = _mm_aesenc_si128(s2, x);
    s3 = _mm_aesdec_si128(s3, x);
  }
  auto* o = reinterpret_cast<__m128i*>(hash);
  _mm_storeu_si128(o, s0), _mm_storeu_si128(o + 1, s1), _mm_storeu_si128(o + 2, s2), _mm_storeu_si128(o + 3, s3);
}
#endif

bool use_hardware(AesImpl impl) {
  if (impl == AesImpl::Software) return false;
  if (impl == AesImpl::Hardware) return aes_hardware_available();  // callers check availability first
  return aes_hardware_available();
}

}  // namespace

bool aes_hardware_available() {
#if defined(__x86_64__)
  return cpu_features().aes_ni;
#else
  return false;
#endif
}

void aes_fill_1r(uint8_t* state, uint8_t* out, size_t out_bytes, AesImpl impl) {
#if defined(__x86_64__)
  if (use_hardware(impl)) return ni_fill_1r(state, out, out_bytes);
#endif
  soft_fill_1r(state, out, out_bytes);
}

void aes_fill_4r(const uint8_t* state, uint8_t* out, size_t out_bytes, Aes4RKeys keys, AesImpl impl) {
#if defined(__x86_64__)
  if (use_hardware(impl)) return ni_fill_4r(state, out, out_bytes, keys);
#endif
  soft_fill_4r(state, out, out_bytes, keys);
}

void aes_hash_1r(const uint8_t* in, size_t in_bytes, uint8_t* hash64, AesImpl impl) {
#if defined(__x86_64__)
  if (use_hardware(impl)) return ni_hash_1r(in, in_bytes, hash64);
#endif
  soft_hash_1r(in, in_bytes, hash64);
}

}  // namespace arkube::randomx
