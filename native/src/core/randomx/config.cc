#include "core/randomx/config.h"

namespace arkube::randomx {

namespace {

// Frequencies in Op order. Standard values from the released RandomX specification.
constexpr uint8_t kStandardFrequency[kOpCount] = {
    16, 7, 16, 7, 16, 4, 4, 1, 4, 1, 8,  // IADD_RS .. IMUL_RCP
    2, 15, 5, 8, 2, 4,                   // INEG_R .. ISWAP_R
    4, 16, 5, 16, 5, 6, 32, 4, 6,        // FSWAP_R .. FSQRT_R
    25, 1, 16, 0,                        // CBRANCH, CFROUND, ISTORE, NOP
};

// Arweave rx512 differs in IADD_RS, IROR_R, IROL_R, FSWAP_R, FADD_R, FSUB_R, FMUL_R and CBRANCH.
constexpr uint8_t kRx512Frequency[kOpCount] = {
    25, 7, 16, 7, 16, 4, 4, 1, 4, 1, 8,
    2, 15, 5, 10, 0, 4,
    8, 20, 5, 20, 5, 6, 20, 4, 6,
    16, 1, 16, 0,
};

Config base_config() {
  Config c;
  c.argon_memory_kib = 262144;
  c.argon_iterations = 3;
  c.argon_lanes = 1;
  c.cache_accesses = 8;
  c.superscalar_latency = 170;
  c.program_size = 256;
  c.program_iterations = 2048;
  c.program_count = 8;
  c.jump_bits = 8;
  c.jump_offset = 8;
  c.scratchpad_l3_bytes = 2097152;
  c.scratchpad_l2_bytes = 262144;
  c.scratchpad_l1_bytes = 16384;
  return c;
}

Config make_rx512() {
  Config c = base_config();
  c.name = "rx512";
  c.argon_salt = std::string("RandomX-Arweave\x01", 16);
  c.dataset_base_bytes = 536870912;
  c.dataset_extra_bytes = 31563008;
  for (int i = 0; i < kOpCount; ++i) c.frequency[i] = kRx512Frequency[i];
  c.aes4r_keys = Aes4RKeys::Shared4;
  return c;
}

Config make_standard() {
  Config c = base_config();
  c.name = "standard";
  c.argon_salt = std::string("RandomX\x03", 8);
  c.dataset_base_bytes = 2147483648ULL;
  c.dataset_extra_bytes = 33554368;
  for (int i = 0; i < kOpCount; ++i) c.frequency[i] = kStandardFrequency[i];
  c.aes4r_keys = Aes4RKeys::Split8;
  return c;
}

bool is_power_of_two(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

}  // namespace

bool Config::valid(std::string* why) const {
  unsigned sum = 0;
  for (uint8_t f : frequency) sum += f;
  if (sum != 256) return *why = "instruction frequencies must sum to 256", false;
  if (!is_power_of_two(dataset_base_bytes)) return *why = "dataset base size must be a power of 2", false;
  if (dataset_extra_bytes % 64 != 0) return *why = "dataset extra size must be a multiple of 64", false;
  if (!is_power_of_two(cache_bytes())) return *why = "argon memory must be a power of 2", false;
  if (argon_lanes != 1) return *why = "only one Argon2 lane is implemented", false;
  if (!is_power_of_two(scratchpad_l3_bytes) || !is_power_of_two(scratchpad_l2_bytes) ||
      !is_power_of_two(scratchpad_l1_bytes) || scratchpad_l1_bytes > scratchpad_l2_bytes ||
      scratchpad_l2_bytes > scratchpad_l3_bytes || scratchpad_l1_bytes < 64)
    return *why = "scratchpad levels must be powers of 2 with L1 <= L2 <= L3", false;
  if (jump_bits + jump_offset > 32 || jump_bits == 0) return *why = "jump bits/offset out of range", false;
  if (program_size == 0 || program_size > 512) return *why = "program size must be 1..512", false;
  return true;
}

const Config& rx512_config() {
  static const Config config = make_rx512();
  return config;
}

const Config& standard_config() {
  static const Config config = make_standard();
  return config;
}

const Config* config_by_name(const std::string& name) {
  if (name == "rx512") return &rx512_config();
  if (name == "standard") return &standard_config();
  return nullptr;
}

}  // namespace arkube::randomx
