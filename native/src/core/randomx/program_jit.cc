#include "core/randomx/program_jit.h"

#include <sys/mman.h>

#include <cstring>
#include <initializer_list>
#include <vector>

namespace arkube::randomx {

#if defined(__x86_64__)
namespace {

// Register plan: VM r0..r7 in r8..r15; rbx = scratchpad; rax/rcx/rdx scratch; xmm0-3 = f,
// xmm4-7 = e, xmm8-11 = a, xmm12 scratch, xmm13 = E mantissa mask, xmm14 = E exponent mask,
// xmm15 = FSCAL mask. The pointers to r and fe are kept on the stack for the epilogue.
class Emitter {
 public:
  explicit Emitter(std::vector<uint8_t>& out) : out_(out) {}
  void bytes(std::initializer_list<uint8_t> bs) { out_.insert(out_.end(), bs); }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  size_t size() const { return out_.size(); }

  void prologue() {
    bytes({0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57});  // push rbx, rbp, r12-r15
    bytes({0x57, 0x56});                                                    // push rdi (r), push rsi (fe)
    bytes({0x48, 0x89, 0xCB});                                              // mov rbx, rcx (scratchpad)
    bytes({0x45, 0x0F, 0x10, 0x68, 0x00});                                  // movups xmm13, [r8]
    bytes({0x45, 0x0F, 0x10, 0x70, 0x10});                                  // movups xmm14, [r8+16]
    bytes({0x45, 0x0F, 0x10, 0x78, 0x20});                                  // movups xmm15, [r8+32]
    for (uint8_t i = 0; i < 4; ++i) bytes({0x44, 0x0F, 0x10, uint8_t(0x42 | (i << 3)), uint8_t(16 * i)});  // movups xmm8+i, [rdx+16i]
    for (uint8_t i = 0; i < 8; ++i) bytes({0x0F, 0x10, uint8_t(0x46 | (i << 3)), uint8_t(16 * i)});  // movups xmm i, [rsi+16i]
    for (uint8_t i = 0; i < 8; ++i) bytes({0x4C, 0x8B, uint8_t(0x47 | (i << 3)), uint8_t(8 * i)});  // mov r8+i, [rdi+8i]
  }

  void epilogue() {
    bytes({0x5E});  // pop rsi (fe)
    for (uint8_t i = 0; i < 8; ++i) bytes({0x0F, 0x11, uint8_t(0x46 | (i << 3)), uint8_t(16 * i)});  // movups [rsi+16i], xmm i
    bytes({0x5F});  // pop rdi (r)
    for (uint8_t i = 0; i < 8; ++i) bytes({0x4C, 0x89, uint8_t(0x47 | (i << 3)), uint8_t(8 * i)});  // mov [rdi+8i], r8+i
    bytes({0x41, 0x5F, 0x41, 0x5E, 0x41, 0x5D, 0x41, 0x5C, 0x5D, 0x5B, 0xC3});  // pop r15-r12, rbp, rbx; ret
  }

  // eax = (r_src + imm) & mask, or the constant imm & mask when the operand has no register.
  void address(const DecodedInstruction& d, int reg) {
    if (reg == kZeroRegister) {
      bytes({0xB8}), u32(static_cast<uint32_t>(d.imm) & d.mem_mask);  // mov eax, const
      return;
    }
    bytes({0x44, 0x89, uint8_t(0xC0 | (reg << 3))});  // mov eax, r_reg(32)
    bytes({0x05}), u32(static_cast<uint32_t>(d.imm));  // add eax, imm32
    bytes({0x25}), u32(d.mem_mask);                    // and eax, mask
  }

  // op r_dst, [rbx + rax] for the 64-bit ALU forms `REX.W op /r`.
  void alu_mem(std::initializer_list<uint8_t> opcode, int dst) {
    bytes({0x4C});
    bytes(opcode);
    bytes({uint8_t(0x04 | (dst << 3)), 0x03});
  }

  void cvt_mem_to_xmm12() { bytes({0xF3, 0x44, 0x0F, 0xE6, 0x24, 0x03}); }  // cvtdq2pd xmm12, [rbx+rax]

  void instruction(const DecodedInstruction& d, const std::vector<size_t>& starts);

 private:
  void rel32_jz(size_t target) {
    bytes({0x0F, 0x84});
    int64_t rel = static_cast<int64_t>(target) - static_cast<int64_t>(size() + 4);
    u32(static_cast<uint32_t>(static_cast<int32_t>(rel)));
  }
  void integer(const DecodedInstruction& d);
  void floating(const DecodedInstruction& d);
  void cfround(const DecodedInstruction& d);

  std::vector<uint8_t>& out_;
};

bool fits_simm32(uint64_t v) { return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v))) == v; }

void Emitter::integer(const DecodedInstruction& d) {
  const uint8_t t = d.dst, s = d.src;
  const bool imm = s == kImmediateRegister;
  switch (d.op) {
    case Exec::IADD_RS:  // lea r_dst, [r_dst + r_src << shift + disp32]
      bytes({0x4F, 0x8D, uint8_t(0x84 | (t << 3)), uint8_t((d.shift << 6) | (s << 3) | t)}), u32(uint32_t(d.imm));
      break;
    case Exec::IADD_M: address(d, s), alu_mem({0x03}, t); break;
    case Exec::ISUB_M: address(d, s), alu_mem({0x2B}, t); break;
    case Exec::IMUL_M: address(d, s), alu_mem({0x0F, 0xAF}, t); break;
    case Exec::IXOR_M: address(d, s), alu_mem({0x33}, t); break;
    case Exec::ISUB_R:
      if (imm) bytes({0x49, 0x81, uint8_t(0xE8 | t)}), u32(uint32_t(d.imm));  // sub r, simm32
      else bytes({0x4D, 0x29, uint8_t(0xC0 | (s << 3) | t)});
      break;
    case Exec::IXOR_R:
      if (imm) bytes({0x49, 0x81, uint8_t(0xF0 | t)}), u32(uint32_t(d.imm));  // xor r, simm32
      else bytes({0x4D, 0x31, uint8_t(0xC0 | (s << 3) | t)});
      break;
    case Exec::IMUL_R:
      if (imm && fits_simm32(d.imm)) bytes({0x4D, 0x69, uint8_t(0xC0 | (t << 3) | t)}), u32(uint32_t(d.imm));
      else if (imm) bytes({0x48, 0xB8}), u64(d.imm), bytes({0x4C, 0x0F, 0xAF, uint8_t(0xC0 | (t << 3))});  // reciprocal
      else bytes({0x4D, 0x0F, 0xAF, uint8_t(0xC0 | (t << 3) | s)});
      break;
    case Exec::IMULH_R: case Exec::ISMULH_R:
      bytes({0x4C, 0x89, uint8_t(0xC0 | (t << 3))});                                        // mov rax, r_dst
      bytes({0x49, 0xF7, uint8_t((d.op == Exec::IMULH_R ? 0xE0 : 0xE8) | s)});              // (i)mul r_src
      bytes({0x49, 0x89, uint8_t(0xD0 | t)});                                               // mov r_dst, rdx
      break;
    case Exec::IMULH_M: case Exec::ISMULH_M:
      address(d, s);
      bytes({0x48, 0x8B, 0x0C, 0x03});                                                      // mov rcx, [rbx+rax]
      bytes({0x4C, 0x89, uint8_t(0xC0 | (t << 3))});                                        // mov rax, r_dst
      bytes({0x48, 0xF7, uint8_t(d.op == Exec::IMULH_M ? 0xE1 : 0xE9)});                    // (i)mul rcx
      bytes({0x49, 0x89, uint8_t(0xD0 | t)});                                               // mov r_dst, rdx
      break;
    case Exec::INEG_R: bytes({0x49, 0xF7, uint8_t(0xD8 | t)}); break;
    case Exec::IROR_R: case Exec::IROL_R: {
      const uint8_t ext = d.op == Exec::IROR_R ? 0xC8 : 0xC0;
      if (imm) bytes({0x49, 0xC1, uint8_t(ext | t), uint8_t(d.imm & 63)});
      else bytes({0x44, 0x89, uint8_t(0xC1 | (s << 3))}), bytes({0x49, 0xD3, uint8_t(ext | t)});  // mov ecx, r_src; rot r, cl
      break;
    }
    case Exec::ISWAP_R: bytes({0x4D, 0x87, uint8_t(0xC0 | (s << 3) | t)}); break;
    case Exec::ISTORE:
      address(d, t);
      bytes({0x4C, 0x89, uint8_t(0x04 | (s << 3)), 0x03});  // mov [rbx+rax], r_src
      break;
    default: break;
  }
}

void Emitter::floating(const DecodedInstruction& d) {
  const uint8_t t = d.dst, s = d.src, e = static_cast<uint8_t>(4 + d.dst);
  switch (d.op) {
    case Exec::FSWAP_R: bytes({0x66, 0x0F, 0xC6, uint8_t(0xC0 | (t << 3) | t), 0x01}); break;  // shufpd x, x, 1
    case Exec::FADD_R: bytes({0x66, 0x41, 0x0F, 0x58, uint8_t(0xC0 | (t << 3) | s)}); break;  // addpd f, a
    case Exec::FSUB_R: bytes({0x66, 0x41, 0x0F, 0x5C, uint8_t(0xC0 | (t << 3) | s)}); break;  // subpd f, a
    case Exec::FADD_M: case Exec::FSUB_M:
      address(d, s), cvt_mem_to_xmm12();
      bytes({0x66, 0x41, 0x0F, uint8_t(d.op == Exec::FADD_M ? 0x58 : 0x5C), uint8_t(0xC4 | (t << 3))});
      break;
    case Exec::FSCAL_R: bytes({0x66, 0x41, 0x0F, 0x57, uint8_t(0xC7 | (t << 3))}); break;  // xorpd f, xmm15
    case Exec::FMUL_R: bytes({0x66, 0x41, 0x0F, 0x59, uint8_t(0xC0 | (e << 3) | s)}); break;  // mulpd e, a
    case Exec::FDIV_M:
      address(d, s), cvt_mem_to_xmm12();
      bytes({0x45, 0x0F, 0x54, 0xE5});                                  // andps xmm12, xmm13
      bytes({0x45, 0x0F, 0x56, 0xE6});                                  // orps xmm12, xmm14
      bytes({0x66, 0x41, 0x0F, 0x5E, uint8_t(0xC4 | (e << 3))});       // divpd e, xmm12
      break;
    case Exec::FSQRT_R: bytes({0x66, 0x0F, 0x51, uint8_t(0xC0 | (e << 3) | e)}); break;  // sqrtpd e, e
    default: break;
  }
}

// fprc = ror(r_src, imm) & 3 goes into MXCSR's rounding-control bits (13-14), which use the same
// encoding as RandomX (nearest, down, up, toward zero); the other MXCSR bits are kept.
void Emitter::cfround(const DecodedInstruction& d) {
  bytes({0x4C, 0x89, uint8_t(0xC0 | (d.src << 3))});  // mov rax, r_src
  bytes({0x48, 0xC1, 0xC8, uint8_t(d.imm & 63)});     // ror rax, imm
  bytes({0x83, 0xE0, 0x03});                          // and eax, 3
  bytes({0xC1, 0xE0, 0x0D});                          // shl eax, 13
  bytes({0x0F, 0xAE, 0x5C, 0x24, 0xFC});              // stmxcsr [rsp-4] (red zone)
  bytes({0x8B, 0x4C, 0x24, 0xFC});                    // mov ecx, [rsp-4]
  bytes({0x81, 0xE1}), u32(0xFFFF9FFFu);              // and ecx, ~RC
  bytes({0x09, 0xC1});                                // or ecx, eax
  bytes({0x89, 0x4C, 0x24, 0xFC});                    // mov [rsp-4], ecx
  bytes({0x0F, 0xAE, 0x54, 0x24, 0xFC});              // ldmxcsr [rsp-4]
}

void Emitter::instruction(const DecodedInstruction& d, const std::vector<size_t>& starts) {
  switch (d.op) {
    case Exec::CBRANCH: {
      bytes({0x49, 0x81, uint8_t(0xC0 | d.dst)}), u32(uint32_t(d.imm));       // add r, cimm (a simm32)
      bytes({0x49, 0xF7, uint8_t(0xC0 | d.dst)}), u32(uint32_t(d.cond_mask));  // test r, mask (< 2^31)
      rel32_jz(starts[static_cast<size_t>(d.target + 1)]);  // the instruction after the target
      break;
    }
    case Exec::CFROUND: cfround(d); break;
    case Exec::NOP: break;
    case Exec::FSWAP_R: case Exec::FADD_R: case Exec::FADD_M: case Exec::FSUB_R: case Exec::FSUB_M:
    case Exec::FSCAL_R: case Exec::FMUL_R: case Exec::FDIV_M: case Exec::FSQRT_R:
      floating(d);
      break;
    default: integer(d); break;
  }
}

}  // namespace

ProgramJit::ProgramJit() {
  void* mem = mmap(nullptr, kCodeBytesMax, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem != MAP_FAILED) code_ = mem;
}

ProgramJit::~ProgramJit() {
  if (code_) munmap(code_, kCodeBytesMax);
}

bool ProgramJit::compile(const DecodedInstruction* code, size_t count) {
  if (!code_) return false;
  std::vector<uint8_t> out;
  out.reserve(kCodeBytesMax / 2);
  Emitter emitter(out);
  emitter.prologue();
  // starts[i]: where instruction i begins. CBRANCH jumps only backwards (to the instruction after
  // the last one that modified its register, possibly itself), so every target is known when used.
  std::vector<size_t> starts(count, 0);
  for (size_t i = 0; i < count; ++i) {
    starts[i] = emitter.size();
    emitter.instruction(code[i], starts);
  }
  emitter.epilogue();
  if (out.size() > kCodeBytesMax) return false;
  // W^X: writable while copying, executable afterwards.
  if (mprotect(code_, kCodeBytesMax, PROT_READ | PROT_WRITE) != 0) return false;
  std::memcpy(code_, out.data(), out.size());
  if (mprotect(code_, kCodeBytesMax, PROT_READ | PROT_EXEC) != 0) return false;
  body_ = reinterpret_cast<Body>(code_);
  return true;
}

#else

ProgramJit::ProgramJit() {}
ProgramJit::~ProgramJit() {}
bool ProgramJit::compile(const DecodedInstruction*, size_t) { return false; }

#endif

}  // namespace arkube::randomx
