// Argon2d memory fill (RFC 9106, version 0x13) as RandomX uses it for its cache: tag length 0,
// no secret, no associated data, and no finalization — the filled memory itself is the output.
#pragma once
#include <cstddef>
#include <cstdint>

namespace arkube::randomx {

struct Argon2Params {
  const uint8_t* password;
  size_t password_bytes;
  const uint8_t* salt;
  size_t salt_bytes;
  uint32_t memory_kib;  // number of 1 KiB blocks; a multiple of 4 (one lane, four slices)
  uint32_t iterations;
};

// Fills memory (memory_kib * 1024 bytes, 8-byte aligned). One lane only (RandomX uses one).
void argon2d_fill(const Argon2Params& params, uint64_t* memory);

}  // namespace arkube::randomx
