// Blake2b (RFC 7693), unkeyed, output 1..64 bytes. Used by RandomX (seeds, register-file hashes,
// BlakeGenerator) and by Argon2d (initial hash and the variable-length H').
#pragma once
#include <cstddef>
#include <cstdint>

namespace arkube::randomx {

class Blake2b {
 public:
  static constexpr size_t kBlockBytes = 128;
  static constexpr size_t kOutBytesMax = 64;

  explicit Blake2b(size_t out_bytes);
  void update(const void* data, size_t size);
  void final(void* out);

 private:
  void compress(const uint8_t* block, bool last);

  uint64_t h_[8];
  uint64_t t_[2] = {0, 0};
  uint8_t buf_[kBlockBytes];
  size_t buf_len_ = 0;
  size_t out_bytes_;
};

// One-shot helper: out = Blake2b-outBytes(in).
void blake2b(void* out, size_t out_bytes, const void* in, size_t in_bytes);

}  // namespace arkube::randomx
