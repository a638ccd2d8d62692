// RandomX parameters as a value, so one implementation serves Arweave's "rx512" and the standard
// RandomX (Monero, Debian's librandomx). The two differ only in the fields PROTOCOL.md lists.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace arkube::randomx {

// Instruction opcodes of the VM, in the order their frequency ranges are laid out over 0..255.
enum class Op : uint8_t {
  IADD_RS, IADD_M, ISUB_R, ISUB_M, IMUL_R, IMUL_M, IMULH_R, IMULH_M, ISMULH_R, ISMULH_M, IMUL_RCP,
  INEG_R, IXOR_R, IXOR_M, IROR_R, IROL_R, ISWAP_R, FSWAP_R, FADD_R, FADD_M, FSUB_R, FSUB_M, FSCAL_R,
  FMUL_R, FDIV_M, FSQRT_R, CBRANCH, CFROUND, ISTORE, NOP,
};
inline constexpr int kOpCount = 30;

// Which AesGenerator4R key schedule: the 2019 one (4 keys shared by all columns, Arweave) or
// the released one (8 keys, columns 2-3 use keys 4-7).
enum class Aes4RKeys { Shared4, Split8 };

struct Config {
  std::string name;
  std::string argon_salt;          // RANDOMX_ARGON_SALT (raw bytes)
  uint32_t argon_memory_kib;       // RANDOMX_ARGON_MEMORY: 1 KiB blocks in the cache
  uint32_t argon_iterations;
  uint32_t argon_lanes;
  uint32_t cache_accesses;         // SuperscalarHash programs per dataset item
  uint32_t superscalar_latency;
  uint64_t dataset_base_bytes;
  uint64_t dataset_extra_bytes;
  uint32_t program_size;           // instructions per program
  uint32_t program_iterations;
  uint32_t program_count;          // programs per hash (8); packing uses its own count
  uint32_t jump_bits;
  uint32_t jump_offset;
  uint32_t scratchpad_l3_bytes;
  uint32_t scratchpad_l2_bytes;
  uint32_t scratchpad_l1_bytes;
  uint8_t frequency[kOpCount];     // opcodes per instruction; sums to 256
  Aes4RKeys aes4r_keys;

  // Derived values.
  uint64_t cache_bytes() const { return uint64_t(argon_memory_kib) * 1024; }
  uint64_t dataset_item_count() const { return (dataset_base_bytes + dataset_extra_bytes) / 64; }
  uint64_t dataset_bytes() const { return dataset_item_count() * 64; }
  uint32_t superscalar_max_size() const { return 3 * superscalar_latency + 2; }
  bool valid(std::string* why) const;
};

// Arweave's variant (ArweaveTeam/RandomX built with Arweave's options).
const Config& rx512_config();
// Released RandomX as in Monero and Debian's librandomx.
const Config& standard_config();
// "rx512" or "standard"; nullptr for any other name.
const Config* config_by_name(const std::string& name);

}  // namespace arkube::randomx
