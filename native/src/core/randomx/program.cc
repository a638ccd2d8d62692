#include "core/randomx/program.h"

#include <cstring>

namespace arkube::randomx {

namespace {

constexpr int kMantissaBits = 52;
constexpr uint64_t kMantissaMask = (1ULL << kMantissaBits) - 1;
constexpr uint64_t kExponentMask = (1ULL << 11) - 1;
constexpr uint64_t kExponentBias = 1023;
constexpr int kDynamicExponentBits = 4;
constexpr int kStaticExponentBits = 4;
constexpr uint64_t kConstExponentBits = 0x300;
constexpr int kStoreL3Condition = 14;
constexpr int kRegisterNeedsDisplacement = 5;

// +1.fraction x 2^exponent with exponent 0..31 from the top five bits (spec 4.5.2).
uint64_t small_positive_float_bits(uint64_t entropy) {
  uint64_t exponent = ((entropy >> 59) + kExponentBias) & kExponentMask;
  return (exponent << kMantissaBits) | (entropy & kMantissaMask);
}

// Group E mask: fraction bits 0-21 and the exponent's static part (spec 4.5.6).
uint64_t float_mask(uint64_t entropy) {
  uint64_t exponent = kConstExponentBits | ((entropy >> (64 - kStaticExponentBits)) << kDynamicExponentBits);
  return (entropy & ((1ULL << 22) - 1)) | (exponent << kMantissaBits);
}

uint64_t sign_extend(uint32_t imm) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(imm))); }

bool is_zero_or_power_of_two(uint64_t x) { return (x & (x - 1)) == 0; }

uint64_t reciprocal_of(uint64_t divisor) {
  unsigned bits = 0;
  for (uint64_t d = divisor; d > 0; d >>= 1) ++bits;
  return static_cast<uint64_t>((static_cast<unsigned __int128>(1) << (63 + bits)) / divisor);
}

struct Decoder {
  const Config& config;
  ScratchpadMasks masks;
  int register_usage[8];  // last instruction that modified each register (-1: none)
  Op opcode_to_op[256];

  explicit Decoder(const Config& c) : config(c) {
    masks = {c.scratchpad_l1_bytes - 8, c.scratchpad_l2_bytes - 8, c.scratchpad_l3_bytes - 8};
    for (int& u : register_usage) u = -1;
    int opcode = 0;
    for (int op = 0; op < kOpCount; ++op)
      for (int k = 0; k < c.frequency[op]; ++k) opcode_to_op[opcode++] = static_cast<Op>(op);
  }

  // Memory operand: register + imm masked to L1/L2, or imm alone masked to L3 when src == dst.
  void memory_operand(DecodedInstruction& d, int src, int dst, uint8_t mod, uint32_t imm32) {
    d.imm = sign_extend(imm32);
    if (src != dst) {
      d.src = static_cast<uint8_t>(src);
      d.mem_mask = (mod % 4) ? masks.l1 : masks.l2;
    } else {
      d.src = kZeroRegister;
      d.mem_mask = masks.l3;
    }
  }

  // Register-or-immediate source: the immediate when src == dst.
  void reg_or_imm(DecodedInstruction& d, int src, int dst, uint64_t imm) {
    d.imm = imm;
    d.src = static_cast<uint8_t>(src != dst ? src : kImmediateRegister);
  }

  DecodedInstruction decode(const uint8_t* word, int index);
  DecodedInstruction decode_float(Op op, int dst, int src, uint8_t mod, uint32_t imm32);
  DecodedInstruction decode_control(Op op, int dst, int src, uint8_t mod, uint32_t imm32, int index);
};

DecodedInstruction Decoder::decode(const uint8_t* word, int index) {
  const Op op = opcode_to_op[word[0]];
  const int dst = word[1] % 8, src = word[2] % 8;
  const uint8_t mod = word[3];
  uint32_t imm32;
  std::memcpy(&imm32, word + 4, 4);
  DecodedInstruction d{};
  d.dst = static_cast<uint8_t>(dst);
  d.src = static_cast<uint8_t>(src);
  bool writes_dst = true;
  switch (op) {
    case Op::IADD_RS:
      d.op = Exec::IADD_RS;
      d.shift = (mod >> 2) % 4;
      d.imm = dst == kRegisterNeedsDisplacement ? sign_extend(imm32) : 0;
      break;
    case Op::IADD_M: d.op = Exec::IADD_M; memory_operand(d, src, dst, mod, imm32); break;
    case Op::ISUB_R: d.op = Exec::ISUB_R; reg_or_imm(d, src, dst, sign_extend(imm32)); break;
    case Op::ISUB_M: d.op = Exec::ISUB_M; memory_operand(d, src, dst, mod, imm32); break;
    case Op::IMUL_R: d.op = Exec::IMUL_R; reg_or_imm(d, src, dst, sign_extend(imm32)); break;
    case Op::IMUL_M: d.op = Exec::IMUL_M; memory_operand(d, src, dst, mod, imm32); break;
    case Op::IMULH_R: d.op = Exec::IMULH_R; break;
    case Op::IMULH_M: d.op = Exec::IMULH_M; memory_operand(d, src, dst, mod, imm32); break;
    case Op::ISMULH_R: d.op = Exec::ISMULH_R; break;
    case Op::ISMULH_M: d.op = Exec::ISMULH_M; memory_operand(d, src, dst, mod, imm32); break;
    case Op::IMUL_RCP:
      if (is_zero_or_power_of_two(imm32)) {
        d.op = Exec::NOP;
        writes_dst = false;
      } else {
        d.op = Exec::IMUL_R;
        d.src = kImmediateRegister;
        d.imm = reciprocal_of(imm32);
      }
      break;
    case Op::INEG_R: d.op = Exec::INEG_R; break;
    case Op::IXOR_R: d.op = Exec::IXOR_R; reg_or_imm(d, src, dst, sign_extend(imm32)); break;
    case Op::IXOR_M: d.op = Exec::IXOR_M; memory_operand(d, src, dst, mod, imm32); break;
    case Op::IROR_R: d.op = Exec::IROR_R; reg_or_imm(d, src, dst, imm32); break;
    case Op::IROL_R: d.op = Exec::IROL_R; reg_or_imm(d, src, dst, imm32); break;
    case Op::ISWAP_R:
      if (src != dst) {
        d.op = Exec::ISWAP_R;
        register_usage[src] = index;
      } else {
        d.op = Exec::NOP;
        writes_dst = false;
      }
      break;
    case Op::CBRANCH: case Op::CFROUND: case Op::ISTORE: case Op::NOP:
      return decode_control(op, dst, src, mod, imm32, index);
    default:
      return decode_float(op, dst, src, mod, imm32);
  }
  if (writes_dst) register_usage[dst] = index;
  return d;
}

DecodedInstruction Decoder::decode_float(Op op, int dst, int src, uint8_t mod, uint32_t imm32) {
  DecodedInstruction d{};
  d.dst = static_cast<uint8_t>(dst % 4);
  d.src = static_cast<uint8_t>(src % 4);
  auto memory = [&](Exec e) {
    d.op = e;
    d.src = static_cast<uint8_t>(src);  // integer address register
    d.imm = sign_extend(imm32);
    d.mem_mask = (mod % 4) ? masks.l1 : masks.l2;
  };
  switch (op) {
    case Op::FSWAP_R: d.op = Exec::FSWAP_R; d.dst = static_cast<uint8_t>(dst); break;
    case Op::FADD_R: d.op = Exec::FADD_R; break;
    case Op::FADD_M: memory(Exec::FADD_M); break;
    case Op::FSUB_R: d.op = Exec::FSUB_R; break;
    case Op::FSUB_M: memory(Exec::FSUB_M); break;
    case Op::FSCAL_R: d.op = Exec::FSCAL_R; break;
    case Op::FMUL_R: d.op = Exec::FMUL_R; break;
    case Op::FDIV_M: memory(Exec::FDIV_M); break;
    case Op::FSQRT_R: d.op = Exec::FSQRT_R; break;
    default: d.op = Exec::NOP; break;
  }
  return d;
}

DecodedInstruction Decoder::decode_control(Op op, int dst, int src, uint8_t mod, uint32_t imm32, int index) {
  DecodedInstruction d{};
  d.dst = static_cast<uint8_t>(dst);
  d.src = static_cast<uint8_t>(src);
  switch (op) {
    case Op::CBRANCH: {
      d.op = Exec::CBRANCH;
      d.target = register_usage[dst];
      const int shift = (mod >> 4) + static_cast<int>(config.jump_offset);
      uint64_t addend = sign_extend(imm32) | (1ULL << shift);
      if (shift > 0) addend &= ~(1ULL << (shift - 1));  // limits successive jumps
      d.imm = addend;
      d.cond_mask = ((1ULL << config.jump_bits) - 1) << shift;
      for (int& u : register_usage) u = index;  // every register counts as modified here
      break;
    }
    case Op::CFROUND: d.op = Exec::CFROUND; d.imm = imm32 & 63; break;
    case Op::ISTORE:
      d.op = Exec::ISTORE;
      d.imm = sign_extend(imm32);
      d.mem_mask = (mod >> 4) < kStoreL3Condition ? ((mod % 4) ? masks.l1 : masks.l2) : masks.l3;
      break;
    default: d.op = Exec::NOP; break;
  }
  return d;
}

}  // namespace

ProgramConfig decode_program_config(const uint64_t* e, const Config& config) {
  ProgramConfig pc{};
  for (int i = 0; i < 8; ++i) pc.a_bits[i] = small_positive_float_bits(e[i]);
  const uint64_t cache_line_align_mask = (config.dataset_base_bytes - 1) & ~uint64_t(63);
  pc.ma = static_cast<uint32_t>(e[8] & cache_line_align_mask);
  pc.mx = static_cast<uint32_t>(e[10]);
  for (int i = 0; i < 4; ++i) pc.read_reg[i] = 2 * i + static_cast<int>((e[12] >> i) & 1);
  const uint64_t extra_items = config.dataset_extra_bytes / 64;
  pc.dataset_offset = (e[13] % (extra_items + 1)) * 64;
  pc.e_mask[0] = float_mask(e[14]);
  pc.e_mask[1] = float_mask(e[15]);
  return pc;
}

void decode_program(const uint8_t* instructions, const Config& config, DecodedInstruction* out) {
  Decoder decoder(config);
  for (uint32_t i = 0; i < config.program_size; ++i)
    out[i] = decoder.decode(instructions + 8 * i, static_cast<int>(i));
}

}  // namespace arkube::randomx
