// The RandomX virtual machine (interpreter). One Vm per thread; it borrows a Cache (light mode)
// or a Dataset (fast mode), both shared read-only between VMs.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/randomx/aes.h"
#include "core/randomx/dataset.h"
#include "core/randomx/program.h"
#include "core/randomx/program_jit.h"

namespace arkube::randomx {

struct RegisterFile {
  uint64_t r[8];
  double f[4][2];
  double e[4][2];
  double a[4][2];
};
static_assert(sizeof(RegisterFile) == 256, "the register file is hashed as 256 bytes");

class Vm {
 public:
  // Exactly one of cache/dataset is used: the dataset when given (fast mode), else the cache.
  // use_jit = false interprets programs (tests compare the two; other CPUs always interpret).
  Vm(std::shared_ptr<const Cache> cache, std::shared_ptr<const Dataset> dataset, AesImpl aes = AesImpl::Auto,
     bool use_jit = true);

  // RandomX hash with `program_count` chained programs (the config's count for a normal hash).
  void hash(const uint8_t* input, size_t input_bytes, uint32_t program_count, uint8_t out[32]);

  // Runs `program_count` programs like hash() and leaves the scratchpad as it is after the last
  // one: Arweave's packing entropy is its first 256 KiB.
  void run_chain(const uint8_t* input, size_t input_bytes, uint32_t program_count);
  const uint8_t* scratchpad() const { return scratchpad_.data(); }
  size_t scratchpad_bytes() const { return scratchpad_.size(); }
  // Final step of a hash after run_chain(): AesHash1R of the scratchpad into a, then Blake2b-256.
  void final_result(uint8_t out[32]);

 private:
  void run_program(uint8_t seed[64]);
  void execute(const ProgramConfig& pc);
  void interpret(uint64_t* r, double (*fe)[2], const ProgramConfig& pc, const uint64_t* const* src);
  void dataset_read(uint64_t offset_bytes, uint64_t* r) const;

  const Config& config_;
  std::shared_ptr<const Cache> cache_;
  std::shared_ptr<const Dataset> dataset_;
  AesImpl aes_;
  std::vector<uint8_t> scratchpad_;
  std::vector<uint8_t> program_bytes_;   // 128 bytes of configuration + the instruction words
  std::vector<DecodedInstruction> code_;
  std::unique_ptr<ProgramJit> jit_;  // null: interpret
  RegisterFile reg_{};
};

}  // namespace arkube::randomx
