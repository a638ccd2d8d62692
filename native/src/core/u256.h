// Unsigned 256-bit integers, just enough for recall-range arithmetic on H0 (an integer < 2^256)
// to be exact: no rounding through doubles, no silent 64-bit wrap-around.
#pragma once
#include <cstddef>
#include <cstdint>

namespace arkube {

struct U256 {
  uint64_t limbs[4] = {0, 0, 0, 0};  // least significant first

  static U256 from_u64(uint64_t value);
  static U256 from_be_bytes(const uint8_t bytes[32]);
  void to_be_bytes(uint8_t bytes[32]) const;
  bool is_zero() const;
};

// -1, 0 or 1 as a <, ==, > b.
int compare(const U256& a, const U256& b);
inline const U256& min(const U256& a, const U256& b) { return compare(a, b) <= 0 ? a : b; }

// a + b; false (and *sum unspecified) when the result does not fit in 256 bits.
bool checked_add(const U256& a, const U256& b, U256* sum);

// a * b; false (and *product unspecified) when the result does not fit in 256 bits.
bool checked_mul(const U256& a, const U256& b, U256* product);

// a mod m; requires m != 0.
U256 mod(const U256& a, const U256& m);

}  // namespace arkube
