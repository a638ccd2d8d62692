// The three AES-based functions of RandomX over a 64-byte state of four 16-byte columns:
// AesGenerator1R (scratchpad fill), AesGenerator4R (program generation) and AesHash1R
// (scratchpad fingerprint). Each has an AES-NI and a table-based software implementation that
// give identical bytes; the AES-NI one is chosen once per process when the CPU has it.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/randomx/config.h"

namespace arkube::randomx {

enum class AesImpl { Auto, Software, Hardware };

// Fills `out` (multiple of 64 bytes) from `state` (64 bytes); writes the final state back.
void aes_fill_1r(uint8_t* state, uint8_t* out, size_t out_bytes, AesImpl impl = AesImpl::Auto);
// Fills `out` (multiple of 64 bytes) from `state` (64 bytes, not modified).
void aes_fill_4r(const uint8_t* state, uint8_t* out, size_t out_bytes, Aes4RKeys keys, AesImpl impl = AesImpl::Auto);
// 64-byte fingerprint of `in` (multiple of 64 bytes).
void aes_hash_1r(const uint8_t* in, size_t in_bytes, uint8_t* hash64, AesImpl impl = AesImpl::Auto);

// True when AesImpl::Auto resolves to the AES-NI implementation.
bool aes_hardware_available();

}  // namespace arkube::randomx
