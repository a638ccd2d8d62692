// BlakeGenerator (RandomX spec 3.4): bytes and 32-bit words from a 64-byte state that is
// re-hashed with Blake2b-512 whenever too few unused bytes remain.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "core/randomx/blake2b.h"

namespace arkube::randomx {

class Blake2Generator {
 public:
  static constexpr size_t kSeedBytesMax = 60;

  Blake2Generator(const uint8_t* seed, size_t seed_bytes, uint32_t nonce = 0) {
    std::memset(data_, 0, sizeof(data_));
    std::memcpy(data_, seed, seed_bytes < kSeedBytesMax ? seed_bytes : kSeedBytesMax);
    for (int i = 0; i < 4; ++i) data_[60 + i] = static_cast<uint8_t>(nonce >> (8 * i));
  }

  uint8_t get_byte() {
    refill_if_short(1);
    return data_[index_++];
  }

  uint32_t get_u32() {
    refill_if_short(4);
    uint32_t v = uint32_t(data_[index_]) | uint32_t(data_[index_ + 1]) << 8 | uint32_t(data_[index_ + 2]) << 16 |
                 uint32_t(data_[index_ + 3]) << 24;
    index_ += 4;
    return v;
  }

 private:
  void refill_if_short(size_t needed) {
    if (index_ + needed > sizeof(data_)) {
      blake2b(data_, sizeof(data_), data_, sizeof(data_));
      index_ = 0;
    }
  }

  uint8_t data_[64];
  size_t index_ = sizeof(data_);  // empty: the first read hashes the seed
};

}  // namespace arkube::randomx
