#include "core/u256.h"

#include <cassert>

namespace arkube {

namespace {
constexpr size_t kLimbs = 4;
constexpr unsigned kBits = 256;
}  // namespace

U256 U256::from_u64(uint64_t value) {
  U256 out;
  out.limbs[0] = value;
  return out;
}

U256 U256::from_be_bytes(const uint8_t bytes[32]) {
  U256 out;
  for (size_t i = 0; i < 32; ++i) {
    size_t bit_offset = 8 * (31 - i);
    out.limbs[bit_offset / 64] |= uint64_t{bytes[i]} << (bit_offset % 64);
  }
  return out;
}

void U256::to_be_bytes(uint8_t bytes[32]) const {
  for (size_t i = 0; i < 32; ++i) {
    size_t bit_offset = 8 * (31 - i);
    bytes[i] = static_cast<uint8_t>(limbs[bit_offset / 64] >> (bit_offset % 64));
  }
}

bool U256::is_zero() const { return (limbs[0] | limbs[1] | limbs[2] | limbs[3]) == 0; }

int compare(const U256& a, const U256& b) {
  for (size_t i = kLimbs; i-- > 0;) {
    if (a.limbs[i] != b.limbs[i]) return a.limbs[i] < b.limbs[i] ? -1 : 1;
  }
  return 0;
}

bool checked_add(const U256& a, const U256& b, U256* sum) {
  unsigned carry = 0;
  for (size_t i = 0; i < kLimbs; ++i) {
    unsigned __int128 s = static_cast<unsigned __int128>(a.limbs[i]) + b.limbs[i] + carry;
    sum->limbs[i] = static_cast<uint64_t>(s);
    carry = static_cast<unsigned>(s >> 64);
  }
  return carry == 0;
}

bool checked_mul(const U256& a, const U256& b, U256* product) {
  uint64_t wide[2 * kLimbs] = {};
  for (size_t i = 0; i < kLimbs; ++i) {
    uint64_t carry = 0;
    for (size_t j = 0; j < kLimbs; ++j) {
      unsigned __int128 t = static_cast<unsigned __int128>(a.limbs[i]) * b.limbs[j] + wide[i + j] + carry;
      wide[i + j] = static_cast<uint64_t>(t);
      carry = static_cast<uint64_t>(t >> 64);
    }
    wide[i + kLimbs] = carry;
  }
  for (size_t i = 0; i < kLimbs; ++i) product->limbs[i] = wide[i];
  for (size_t i = kLimbs; i < 2 * kLimbs; ++i) {
    if (wide[i] != 0) return false;
  }
  return true;
}

// Binary long division, one bit at a time: runs a few times per H0, so clarity wins over speed.
U256 mod(const U256& a, const U256& m) {
  assert(!m.is_zero());
  U256 r;
  for (unsigned bit = kBits; bit-- > 0;) {
    // r = 2r + bit; r < m before the shift, so 2r + 1 < 2m and one subtraction suffices.
    bool overflow = (r.limbs[3] >> 63) != 0;
    for (size_t i = kLimbs - 1; i > 0; --i) r.limbs[i] = (r.limbs[i] << 1) | (r.limbs[i - 1] >> 63);
    r.limbs[0] = (r.limbs[0] << 1) | ((a.limbs[bit / 64] >> (bit % 64)) & 1);
    if (overflow || compare(r, m) >= 0) {
      uint64_t borrow = 0;  // r - m, modulo 2^256: correct even when the shift overflowed
      for (size_t i = 0; i < kLimbs; ++i) {
        unsigned __int128 d = static_cast<unsigned __int128>(r.limbs[i]) - m.limbs[i] - borrow;
        r.limbs[i] = static_cast<uint64_t>(d);
        borrow = static_cast<uint64_t>(d >> 64) & 1;
      }
    }
  }
  return r;
}

}  // namespace arkube
