// spora_2_6 packing (docs/PROTOCOL.md): entropy = the first 256 KiB of the rx512 scratchpad after
// 360 chained programs on the packing key; the chunk (zero-padded to 256 KiB) is then enciphered
// with the Feistel cipher keyed by that entropy. Unpacking needs the same entropy.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>

#include "core/randomx/vm.h"
#include "core/sha256.h"

namespace arkube::packing {

inline constexpr size_t kChunkBytes = 262144;
inline constexpr size_t kKeyBytes = 32;
inline constexpr uint32_t kPrograms2_6 = 360;  // RANDOMX_PACKING_ROUNDS_2_6

// Entropy for one packing key: runs the VM and returns a pointer into its scratchpad, valid
// until the VM is used again.
const uint8_t* entropy(randomx::Vm& vm, const uint8_t key[kKeyBytes], uint32_t programs);

// Packs or unpacks `count` consecutive 256 KiB chunks of `chunks` in place, chunk i with
// keys[32 i .. 32 i + 32], spreading chunks over `threads` (one VM each).
void pack(const std::function<randomx::Vm()>& make_vm, sha256::Impl impl, const uint8_t* keys, uint8_t* chunks,
          size_t count, uint32_t programs, unsigned threads);
void unpack(const std::function<randomx::Vm()>& make_vm, sha256::Impl impl, const uint8_t* keys, uint8_t* chunks,
            size_t count, uint32_t programs, unsigned threads);

}  // namespace arkube::packing
