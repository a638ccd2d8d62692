// The spora_2_6 packing cipher (docs/PROTOCOL.md "spora_2_6 packing"): a 2-round Feistel network
// over 64-byte blocks, keyed by RandomX entropy and chained like CBC:
//
//   K_i = E_i XOR C_{i-1}   (C_{-1} = zeros)          L, R = P_i[0..32], P_i[32..64]
//   X   = L XOR SHA256(R || K_i[0..32])              C_i = X || (R XOR SHA256(X || K_i[32..64]))
//
// Encryption is sequential within a chain; decryption takes every key from the ciphertext, so
// all blocks decrypt independently (across threads, and sha256::batch_lanes at a time within a
// thread: 16 with AVX-512).
//
// A buffer may hold several independent chains of `chain_bytes` each (a batch of chunks, each
// with its own entropy); they are spread over threads in both directions, and encrypted
// batch_lanes at a time within a thread.
// Also here: the spora_2_6 packing key, SHA256(u256be(chunk_end_offset) || tx_root || reward_address).
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/sha256.h"

namespace arkube::feistel {

inline constexpr size_t kBlockBytes = 64;
inline constexpr size_t kHalfBytes = 32;
inline constexpr size_t kPackingKeyBytes = 32;
inline constexpr size_t kTxRootBytes = 32;
inline constexpr size_t kRewardAddressBytes = 32;

using sha256::Impl;

// Why a buffer of `size` bytes cannot be split into chains of `chain_bytes`, or nullptr when it
// can: both must be positive multiples of kBlockBytes, and size a multiple of chain_bytes.
const char* check_lengths(size_t size, size_t chain_bytes);

// Encrypts `size` bytes of `plaintext` (chains of `chain_bytes`) with the same-sized `entropy`.
// `ciphertext` may be the same buffer as `plaintext`; no other overlap is allowed.
void encrypt(Impl impl, const uint8_t* plaintext, const uint8_t* entropy, size_t size, size_t chain_bytes,
             uint8_t* ciphertext, unsigned threads);

// The inverse of encrypt, with the same aliasing rule (in place is fine).
void decrypt(Impl impl, const uint8_t* ciphertext, const uint8_t* entropy, size_t size, size_t chain_bytes,
             uint8_t* plaintext, unsigned threads);

// SHA256(u256be(chunk_end_offset) || tx_root(32) || reward_address(32)).
void packing_key(Impl impl, uint64_t chunk_end_offset, const uint8_t tx_root[kTxRootBytes],
                 const uint8_t reward_address[kRewardAddressBytes], uint8_t key[kPackingKeyBytes]);

}  // namespace arkube::feistel
