#include "core/randomx/superscalar_jit.h"

#include <sys/mman.h>

#include <cstring>
#include <initializer_list>

namespace arkube::randomx {

#if defined(__x86_64__)
namespace {

// r0..r7 live in x86 registers r8..r15 (encoded as low 3 bits + a REX extension bit), so every
// operand needs REX.R/REX.B; rax and rdx are scratch for the 128-bit multiplies.
class Emitter {
 public:
  void byte(uint8_t b) { code_.push_back(b); }
  void bytes(std::initializer_list<uint8_t> bs) { code_.insert(code_.end(), bs); }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) byte(static_cast<uint8_t>(v >> (8 * i)));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) byte(static_cast<uint8_t>(v >> (8 * i)));
  }
  size_t size() const { return code_.size(); }
  const std::vector<uint8_t>& code() const { return code_; }

  void prologue() {
    bytes({0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57});  // push r12..r15 (callee-saved)
    for (uint8_t i = 0; i < 8; ++i) bytes({0x4C, 0x8B, uint8_t(0x47 | (i << 3)), uint8_t(8 * i)});  // mov r8+i, [rdi+8i]
  }
  void epilogue() {
    for (uint8_t i = 0; i < 8; ++i) bytes({0x4C, 0x89, uint8_t(0x47 | (i << 3)), uint8_t(8 * i)});  // mov [rdi+8i], r8+i
    bytes({0x41, 0x5F, 0x41, 0x5E, 0x41, 0x5D, 0x41, 0x5C, 0xC3});  // pop r15..r12; ret
  }

  void instruction(const SsInstruction& in) {
    const uint8_t d = in.dst, s = in.src;
    switch (in.op) {
      case SsOp::ISUB_R: bytes({0x4D, 0x29, uint8_t(0xC0 | (s << 3) | d)}); break;  // sub Rd, Rs
      case SsOp::IXOR_R: bytes({0x4D, 0x31, uint8_t(0xC0 | (s << 3) | d)}); break;  // xor Rd, Rs
      case SsOp::IADD_RS:  // lea Rd, [Rd + Rs << shift] (Rd is never r13, which would need a disp8)
        bytes({0x4F, 0x8D, uint8_t(0x04 | (d << 3)), uint8_t((in.shift << 6) | (s << 3) | d)});
        break;
      case SsOp::IMUL_R: bytes({0x4D, 0x0F, 0xAF, uint8_t(0xC0 | (d << 3) | s)}); break;  // imul Rd, Rs
      case SsOp::IROR_C: bytes({0x49, 0xC1, uint8_t(0xC8 | d), uint8_t(in.imm32)}); break;  // ror Rd, imm8
      case SsOp::IADD_C7: case SsOp::IADD_C8: case SsOp::IADD_C9:
        bytes({0x49, 0x81, uint8_t(0xC0 | d)}), u32(in.imm32);  // add Rd, simm32
        break;
      case SsOp::IXOR_C7: case SsOp::IXOR_C8: case SsOp::IXOR_C9:
        bytes({0x49, 0x81, uint8_t(0xF0 | d)}), u32(in.imm32);  // xor Rd, simm32
        break;
      case SsOp::IMULH_R: case SsOp::ISMULH_R:
        bytes({0x4C, 0x89, uint8_t(0xC0 | (d << 3))});  // mov rax, Rd
        bytes({0x49, 0xF7, uint8_t((in.op == SsOp::IMULH_R ? 0xE0 : 0xE8) | s)});  // mul/imul Rs -> rdx:rax
        bytes({0x49, 0x89, uint8_t(0xD0 | d)});  // mov Rd, rdx
        break;
      case SsOp::IMUL_RCP:
        bytes({0x48, 0xB8}), u64(in.rcp);                 // mov rax, imm64
        bytes({0x4C, 0x0F, 0xAF, uint8_t(0xC0 | (d << 3))});  // imul Rd, rax
        break;
      case SsOp::INVALID: break;
    }
  }

 private:
  std::vector<uint8_t> code_;
};

constexpr size_t kPageBytes = 4096;

}  // namespace

SuperscalarJit::SuperscalarJit(const std::vector<SuperscalarProgram>& programs) {
  Emitter emitter;
  std::vector<size_t> offsets;
  for (const SuperscalarProgram& program : programs) {
    offsets.push_back(emitter.size());
    emitter.prologue();
    for (const SsInstruction& in : program.code) emitter.instruction(in);
    emitter.epilogue();
  }
  code_bytes_ = (emitter.size() + kPageBytes - 1) / kPageBytes * kPageBytes;
  void* mem = mmap(nullptr, code_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return;
  std::memcpy(mem, emitter.code().data(), emitter.size());
  if (mprotect(mem, code_bytes_, PROT_READ | PROT_EXEC) != 0) {  // W^X: never writable and executable
    munmap(mem, code_bytes_);
    return;
  }
  code_ = mem;
  for (size_t offset : offsets) functions_.push_back(reinterpret_cast<Function>(static_cast<uint8_t*>(mem) + offset));
}

SuperscalarJit::~SuperscalarJit() {
  if (code_) munmap(code_, code_bytes_);
}

#else

SuperscalarJit::SuperscalarJit(const std::vector<SuperscalarProgram>&) {}
SuperscalarJit::~SuperscalarJit() {}

#endif

}  // namespace arkube::randomx
