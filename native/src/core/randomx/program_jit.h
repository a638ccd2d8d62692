// A decoded RandomX program compiled to x86-64 machine code: the 256 instructions of one loop
// iteration become straight-line code (with CBRANCH as real jumps). The iteration loop itself
// (scratchpad reads and writes, dataset access) stays in Vm::execute, so the JIT only replaces the
// interpreter's dispatch, which is what dominates its cost. Unavailable (available() == false)
// on other CPUs or where executable memory is refused: the interpreter is used then.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/randomx/program.h"

namespace arkube::randomx {

// What one call of the compiled body reads and writes.
struct JitFrame {
  uint64_t* r;            // r0..r7
  double* fe;             // f0..f3, e0..e3 (two doubles each)
  const double* a;        // a0..a3
  uint8_t* scratchpad;
  const uint64_t* consts; // kJitConst* layout below
};

// Constants the body keeps in xmm registers, two lanes each.
inline constexpr int kJitConstWords = 6;  // mantissa mask x2, E mask lo/hi, FSCAL mask x2

class ProgramJit {
 public:
  static constexpr size_t kCodeBytesMax = 64 * 1024;  // 256 instructions x at most ~40 bytes + frame

  ProgramJit();
  ~ProgramJit();
  ProgramJit(const ProgramJit&) = delete;
  ProgramJit& operator=(const ProgramJit&) = delete;

  bool available() const { return code_ != nullptr; }
  // Compiles `count` instructions; false if the code could not be installed (then interpret).
  bool compile(const DecodedInstruction* code, size_t count);
  // Runs one iteration's instructions.
  void run(const JitFrame& frame) const { body_(frame.r, frame.fe, frame.a, frame.scratchpad, frame.consts); }

 private:
  using Body = void (*)(uint64_t*, double*, const double*, uint8_t*, const uint64_t*);
  void* code_ = nullptr;
  Body body_ = nullptr;
};

}  // namespace arkube::randomx
