// A RandomX program decoded into a compact form the interpreter dispatches on directly: each
// instruction's operands, masks and immediates are resolved once per program, not per iteration.
#pragma once
#include <cstdint>

#include "core/randomx/config.h"

namespace arkube::randomx {

// Interpreter operation: the VM opcodes split by operand kind (register/immediate/memory).
enum class Exec : uint8_t {
  IADD_RS, IADD_M, ISUB_R, ISUB_M, IMUL_R, IMUL_M, IMULH_R, IMULH_M, ISMULH_R, ISMULH_M, INEG_R,
  IXOR_R, IXOR_M, IROR_R, IROL_R, ISWAP_R, FSWAP_R, FADD_R, FADD_M, FSUB_R, FSUB_M, FSCAL_R, FMUL_R,
  FDIV_M, FSQRT_R, CBRANCH, CFROUND, ISTORE, NOP,
};

// Register index kImmediateRegister holds this instruction's immediate, so "src == dst uses imm32"
// variants need no separate code path; kZeroRegister is always 0 (memory reads with src == dst).
inline constexpr int kImmediateRegister = 8;
inline constexpr int kZeroRegister = 9;

struct DecodedInstruction {
  Exec op;
  uint8_t dst;       // integer register, or float register index (FSWAP_R: 0-3 = f, 4-7 = e)
  uint8_t src;       // integer register (may be kImmediateRegister / kZeroRegister), or a register
  uint8_t shift;     // IADD_RS
  int32_t target;    // CBRANCH: index of the instruction before the jump target (-1: start)
  uint32_t mem_mask; // scratchpad address mask for memory operands
  uint64_t imm;      // sign-extended imm32, or a derived constant (reciprocal, CBRANCH addend)
  uint64_t cond_mask;// CBRANCH condition bits
};

struct ProgramConfig {
  int read_reg[4];
  uint64_t dataset_offset;
  uint64_t e_mask[2];
  uint32_t ma, mx;
  uint64_t a_bits[8];  // a0.lo, a0.hi, ..., a3.hi as IEEE-754 bit patterns
};

struct ScratchpadMasks {
  uint32_t l1, l2, l3;  // 8-byte aligned masks
};

// Decodes `entropy` (16 quadwords) and `instructions` (program_size 8-byte words).
ProgramConfig decode_program_config(const uint64_t* entropy, const Config& config);
void decode_program(const uint8_t* instructions, const Config& config, DecodedInstruction* out);

}  // namespace arkube::randomx
