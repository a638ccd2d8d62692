#include "core/randomx/superscalar.h"

#include <algorithm>

namespace arkube::randomx {

namespace {

// Execution ports of the simulated CPU, as bit flags; a micro-op lists the ports it may use.
constexpr int kP0 = 1, kP1 = 2, kP5 = 4;
constexpr int kP01 = kP0 | kP1, kP05 = kP0 | kP5, kP015 = kP0 | kP1 | kP5;

constexpr int kLookForwardCycles = 4;  // how far operand selection may stall before giving up
constexpr int kThrowAwayCountMax = 256;
constexpr int kRegisterNeedsDisplacement = 5;  // r5 cannot be the IADD_RS destination (x86 lea)

struct MacroOp {
  int latency;
  int uop1;  // 0 = eliminated (register move), needs no port
  int uop2;  // 0 = single micro-op
  bool dependent;  // must wait for the previous macro-op's result
};

constexpr MacroOp kSubRR{1, kP015, 0, false}, kXorRR{1, kP015, 0, false}, kLeaSib{1, kP01, 0, false};
constexpr MacroOp kImulRR{3, kP1, 0, false}, kRorRI{1, kP05, 0, false}, kAddRI{1, kP015, 0, false};
constexpr MacroOp kXorRI{1, kP015, 0, false}, kMovRR{0, 0, 0, false}, kMulR{4, kP1, kP5, false};
constexpr MacroOp kImulR{4, kP1, kP5, false}, kMovRI64{1, kP015, 0, false}, kImulRRDependent{3, kP1, 0, true};

struct InstructionInfo {
  SsOp op;
  int op_count;
  MacroOp ops[3];
  int result_op, dst_op, src_op;  // which macro-op writes the result / picks dst / picks src (-1: none)
  SsOp group;                     // instructions of one group must not repeat on a register
};

const InstructionInfo& info_of(SsOp op) {
  static const InstructionInfo table[] = {
      {SsOp::ISUB_R, 1, {kSubRR}, 0, 0, 0, SsOp::IADD_RS},
      {SsOp::IXOR_R, 1, {kXorRR}, 0, 0, 0, SsOp::IXOR_R},
      {SsOp::IADD_RS, 1, {kLeaSib}, 0, 0, 0, SsOp::IADD_RS},
      {SsOp::IMUL_R, 1, {kImulRR}, 0, 0, 0, SsOp::IMUL_R},
      {SsOp::IROR_C, 1, {kRorRI}, 0, 0, -1, SsOp::IROR_C},
      {SsOp::IADD_C7, 1, {kAddRI}, 0, 0, -1, SsOp::IADD_C7},
      {SsOp::IADD_C8, 1, {kAddRI}, 0, 0, -1, SsOp::IADD_C7},
      {SsOp::IADD_C9, 1, {kAddRI}, 0, 0, -1, SsOp::IADD_C7},
      {SsOp::IXOR_C7, 1, {kXorRI}, 0, 0, -1, SsOp::IXOR_C7},
      {SsOp::IXOR_C8, 1, {kXorRI}, 0, 0, -1, SsOp::IXOR_C7},
      {SsOp::IXOR_C9, 1, {kXorRI}, 0, 0, -1, SsOp::IXOR_C7},
      {SsOp::IMULH_R, 3, {kMovRR, kMulR, kMovRR}, 1, 0, 1, SsOp::IMULH_R},
      {SsOp::ISMULH_R, 3, {kMovRR, kImulR, kMovRR}, 1, 0, 1, SsOp::ISMULH_R},
      {SsOp::IMUL_RCP, 2, {kMovRI64, kImulRRDependent}, 1, 1, -1, SsOp::IMUL_RCP},
      {SsOp::INVALID, 0, {}, 0, 0, -1, SsOp::INVALID},
  };
  return table[static_cast<int>(op)];
}

bool is_multiplication(SsOp op) {
  return op == SsOp::IMUL_R || op == SsOp::IMULH_R || op == SsOp::ISMULH_R || op == SsOp::IMUL_RCP;
}

// Decoder configurations: how one 16-byte fetch window splits into macro-op slots (bytes).
struct DecodeBuffer {
  int index;
  int size;
  int slots[4];
};
constexpr DecodeBuffer kBuffers[6] = {
    {0, 3, {4, 8, 4}}, {1, 4, {7, 3, 3, 3}}, {2, 4, {3, 7, 3, 3}},
    {3, 3, {4, 9, 3}}, {4, 4, {4, 4, 4, 4}}, {5, 3, {3, 3, 10}},
};

const DecodeBuffer& next_decode_buffer(SsOp current, int decode_cycle, int mul_count, Blake2Generator& gen) {
  if (current == SsOp::IMULH_R || current == SsOp::ISMULH_R) return kBuffers[5];  // 3-3-10
  if (mul_count < decode_cycle + 1) return kBuffers[4];                            // keep the multiplier busy
  if (current == SsOp::IMUL_RCP) return (gen.get_byte() & 1) ? kBuffers[0] : kBuffers[3];
  return kBuffers[gen.get_byte() & 3];
}

struct RegisterState {
  int latency = 0;  // cycle at which the value is ready
  SsOp last_group = SsOp::INVALID;
  int32_t last_group_par = -1;
};

bool pick_register(const int* candidates, int count, Blake2Generator& gen, int& chosen) {
  if (count == 0) return false;
  chosen = candidates[count > 1 ? gen.get_u32() % uint32_t(count) : 0];
  return true;
}

// The instruction being decoded, with the operand-selection rules of spec 6.3.4.
struct PendingInstruction {
  const InstructionInfo* info = &info_of(SsOp::INVALID);
  int src = -1, dst = -1;
  uint8_t mod = 0;
  uint32_t imm32 = 0;
  int32_t group_par = -1;
  bool can_reuse = false;         // dst may equal src (IMULH_R, ISMULH_R)
  bool group_par_is_source = false;

  void create(SsOp op, Blake2Generator& gen) {
    info = &info_of(op);
    src = dst = -1;
    can_reuse = group_par_is_source = false;
    mod = 0;
    imm32 = 0;
    switch (op) {
      case SsOp::ISUB_R: case SsOp::IXOR_R: case SsOp::IMUL_R:
        group_par_is_source = true;
        break;
      case SsOp::IADD_RS:
        mod = gen.get_byte();
        group_par_is_source = true;
        break;
      case SsOp::IROR_C:
        do imm32 = gen.get_byte() & 63; while (imm32 == 0);
        group_par = -1;
        break;
      case SsOp::IADD_C7: case SsOp::IADD_C8: case SsOp::IADD_C9:
      case SsOp::IXOR_C7: case SsOp::IXOR_C8: case SsOp::IXOR_C9:
        imm32 = gen.get_u32();
        group_par = -1;
        break;
      case SsOp::IMULH_R: case SsOp::ISMULH_R:
        can_reuse = true;
        group_par = static_cast<int32_t>(gen.get_u32());
        break;
      case SsOp::IMUL_RCP:
        do imm32 = gen.get_u32(); while ((imm32 & (imm32 - 1)) == 0);  // not 0, not a power of 2
        group_par = -1;
        break;
      case SsOp::INVALID:
        break;
    }
  }

  void create_for_slot(int slot_bytes, int buffer_index, bool is_last, Blake2Generator& gen) {
    static const SsOp slot3[] = {SsOp::ISUB_R, SsOp::IXOR_R};
    static const SsOp slot3_last[] = {SsOp::ISUB_R, SsOp::IXOR_R, SsOp::IMULH_R, SsOp::ISMULH_R};
    static const SsOp slot4[] = {SsOp::IROR_C, SsOp::IADD_RS};
    switch (slot_bytes) {
      case 3: return create(is_last ? slot3_last[gen.get_byte() & 3] : slot3[gen.get_byte() & 1], gen);
      case 4:
        if (buffer_index == 4 && !is_last) return create(SsOp::IMUL_R, gen);
        return create(slot4[gen.get_byte() & 1], gen);
      case 7: return create((gen.get_byte() & 1) ? SsOp::IADD_C7 : SsOp::IXOR_C7, gen);
      case 8: return create((gen.get_byte() & 1) ? SsOp::IADD_C8 : SsOp::IXOR_C8, gen);
      case 9: return create((gen.get_byte() & 1) ? SsOp::IADD_C9 : SsOp::IXOR_C9, gen);
      default: return create(SsOp::IMUL_RCP, gen);  // 10-byte slot
    }
  }

  bool select_source(int cycle, const RegisterState (&regs)[8], Blake2Generator& gen) {
    int candidates[8], count = 0;
    for (int i = 0; i < 8; ++i)
      if (regs[i].latency <= cycle) candidates[count++] = i;
    // With two candidates one of which is r5, IADD_RS must take r5 as source (it cannot be dst).
    if (count == 2 && info->op == SsOp::IADD_RS &&
        (candidates[0] == kRegisterNeedsDisplacement || candidates[1] == kRegisterNeedsDisplacement)) {
      group_par = src = kRegisterNeedsDisplacement;
      return true;
    }
    if (!pick_register(candidates, count, gen, src)) return false;
    if (group_par_is_source) group_par = src;
    return true;
  }

  bool select_destination(int cycle, bool allow_chained_mul, const RegisterState (&regs)[8], Blake2Generator& gen) {
    int candidates[8], count = 0;
    for (int i = 0; i < 8; ++i) {
      const RegisterState& r = regs[i];
      bool ready = r.latency <= cycle;
      bool distinct = can_reuse || i != src;
      bool not_chained_mul = allow_chained_mul || info->group != SsOp::IMUL_R || r.last_group != SsOp::IMUL_R;
      bool not_repeated = r.last_group != info->group || r.last_group_par != group_par;
      bool lea_ok = info->op != SsOp::IADD_RS || i != kRegisterNeedsDisplacement;
      if (ready && distinct && not_chained_mul && not_repeated && lea_ok) candidates[count++] = i;
    }
    return pick_register(candidates, count, gen, dst);
  }

  SsInstruction finish() const {
    SsInstruction out{};
    out.op = info->op;
    out.dst = static_cast<uint8_t>(dst);
    out.src = static_cast<uint8_t>(src >= 0 ? src : dst);
    out.shift = static_cast<uint8_t>((mod >> 2) & 3);
    out.imm32 = imm32;
    out.rcp = info->op == SsOp::IMUL_RCP ? reciprocal(imm32) : 0;
    return out;
  }
};

// Port reservation table: busy[cycle][port index 0=P0, 1=P1, 2=P5].
class PortMap {
 public:
  explicit PortMap(int cycles) : cycles_(cycles), busy_(size_t(cycles) * 3, 0) {}

  // Earliest cycle >= `cycle` with a free port for the micro-op (checked P5, P0, P1 so that
  // P1, the only multiplier, is kept free); -1 if none. Reserves it when `commit`.
  int schedule_uop(int uop, int cycle, bool commit) {
    static const int order[3][2] = {{kP5, 2}, {kP0, 0}, {kP1, 1}};
    for (; cycle < cycles_; ++cycle) {
      for (const auto& [port, slot] : order) {
        if ((uop & port) && !busy_[size_t(cycle) * 3 + slot]) {
          if (commit) busy_[size_t(cycle) * 3 + slot] = uop;
          return cycle;
        }
      }
    }
    return -1;
  }

  int schedule_mop(const MacroOp& mop, int cycle, int dep_cycle, bool commit) {
    if (mop.dependent) cycle = std::max(cycle, dep_cycle);
    if (mop.uop1 == 0) return cycle;  // eliminated move
    if (mop.uop2 == 0) return schedule_uop(mop.uop1, cycle, commit);
    // Two micro-ops must issue in the same cycle.
    for (; cycle < cycles_; ++cycle) {
      int c1 = schedule_uop(mop.uop1, cycle, false);
      int c2 = schedule_uop(mop.uop2, cycle, false);
      if (c1 < 0 || c2 < 0) return -1;
      if (c1 == c2) {
        if (commit) schedule_uop(mop.uop1, c1, true), schedule_uop(mop.uop2, c2, true);
        return c1;
      }
    }
    return -1;
  }

 private:
  int cycles_;
  std::vector<int> busy_;
};

int address_register_of(const std::vector<SsInstruction>& code) {
  int asic_latency[8] = {0};  // dependency depth with 1-cycle ops and unlimited parallelism
  for (const SsInstruction& in : code) {
    int lat_dst = asic_latency[in.dst] + 1;
    int lat_src = in.dst != in.src ? asic_latency[in.src] + 1 : 0;
    asic_latency[in.dst] = std::max(lat_dst, lat_src);
  }
  int best = 0, best_latency = 0;
  for (int i = 0; i < 8; ++i)
    if (asic_latency[i] > best_latency) best_latency = asic_latency[i], best = i;
  return best;
}

}  // namespace

uint64_t reciprocal(uint64_t divisor) {
  unsigned bits = 0;
  for (uint64_t d = divisor; d > 0; d >>= 1) ++bits;
  unsigned __int128 dividend = static_cast<unsigned __int128>(1) << (63 + bits);
  return static_cast<uint64_t>(dividend / divisor);
}

SuperscalarProgram generate_superscalar(Blake2Generator& gen, const Config& config) {
  const int latency_target = static_cast<int>(config.superscalar_latency);
  const size_t size_max = config.superscalar_max_size();
  PortMap ports(latency_target + 4);
  RegisterState regs[8];
  SuperscalarProgram program;
  PendingInstruction cur;
  int macro_op_index = 0, cycle = 0, dep_cycle = 0, mul_count = 0, throw_away_count = 0;
  bool ports_saturated = false;

  for (int decode_cycle = 0; decode_cycle < latency_target && !ports_saturated && program.code.size() < size_max;
       ++decode_cycle) {
    const DecodeBuffer& buffer = next_decode_buffer(cur.info->op, decode_cycle, mul_count, gen);
    int slot = 0;
    while (slot < buffer.size) {
      const int top_cycle = cycle;
      if (macro_op_index >= cur.info->op_count) {
        if (ports_saturated || program.code.size() >= size_max) break;
        cur.create_for_slot(buffer.slots[slot], buffer.index, slot + 1 == buffer.size, gen);
        macro_op_index = 0;
      }
      const MacroOp& mop = cur.info->ops[macro_op_index];
      int schedule_cycle = ports.schedule_mop(mop, cycle, dep_cycle, false);
      if (schedule_cycle < 0) {
        ports_saturated = true;
        break;
      }
      bool thrown_away = false, aborted = false;
      for (int pick = 0; pick < 2 && !thrown_away && !aborted; ++pick) {
        bool is_src = pick == 0;
        if (macro_op_index != (is_src ? cur.info->src_op : cur.info->dst_op)) continue;
        int forward = 0;
        // If no operand is ready, stall up to kLookForwardCycles (the stall moves `cycle` too).
        for (; forward < kLookForwardCycles; ++forward, ++schedule_cycle, ++cycle) {
          bool found = is_src ? cur.select_source(schedule_cycle, regs, gen)
                              : cur.select_destination(schedule_cycle, throw_away_count > 0, regs, gen);
          if (found) break;
        }
        if (forward < kLookForwardCycles) continue;
        if (throw_away_count < kThrowAwayCountMax) {
          ++throw_away_count;
          macro_op_index = cur.info->op_count;  // try another instruction in this slot
          thrown_away = true;
        } else {
          cur = PendingInstruction();  // give up on this decode buffer
          aborted = true;
        }
      }
      if (thrown_away) continue;
      if (aborted) break;
      throw_away_count = 0;

      schedule_cycle = ports.schedule_mop(mop, schedule_cycle, schedule_cycle, true);
      dep_cycle = schedule_cycle + mop.latency;
      if (macro_op_index == cur.info->result_op) {
        RegisterState& r = regs[cur.dst];
        r.latency = dep_cycle;
        r.last_group = cur.info->group;
        r.last_group_par = cur.group_par;
      }
      ++slot;
      ++macro_op_index;
      if (schedule_cycle >= latency_target) ports_saturated = true;
      cycle = top_cycle;
      if (macro_op_index >= cur.info->op_count) {
        program.code.push_back(cur.finish());
        mul_count += is_multiplication(cur.info->op);
      }
    }
    ++cycle;
  }
  program.address_register = address_register_of(program.code);
  return program;
}

void execute_superscalar(const SuperscalarProgram& program, uint64_t (&r)[8]) {
  for (const SsInstruction& in : program.code) {
    uint64_t& dst = r[in.dst];
    const uint64_t src = r[in.src];
    switch (in.op) {
      case SsOp::ISUB_R: dst -= src; break;
      case SsOp::IXOR_R: dst ^= src; break;
      case SsOp::IADD_RS: dst += src << in.shift; break;
      case SsOp::IMUL_R: dst *= src; break;
      case SsOp::IROR_C: dst = (dst >> in.imm32) | (dst << (64 - in.imm32)); break;
      case SsOp::IADD_C7: case SsOp::IADD_C8: case SsOp::IADD_C9:
        dst += static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(in.imm32)));
        break;
      case SsOp::IXOR_C7: case SsOp::IXOR_C8: case SsOp::IXOR_C9:
        dst ^= static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(in.imm32)));
        break;
      case SsOp::IMULH_R: dst = static_cast<uint64_t>((static_cast<unsigned __int128>(dst) * src) >> 64); break;
      case SsOp::ISMULH_R:
        dst = static_cast<uint64_t>(
            (static_cast<__int128>(static_cast<int64_t>(dst)) * static_cast<int64_t>(src)) >> 64);
        break;
      case SsOp::IMUL_RCP: dst *= in.rcp; break;
      case SsOp::INVALID: break;
    }
  }
}

}  // namespace arkube::randomx
