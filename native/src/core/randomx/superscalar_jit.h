// SuperscalarHash programs compiled to x86-64 machine code. The interpreter's random instruction
// mix defeats branch prediction (about 10 ns per instruction here); straight-line code runs each
// program in well under a microsecond, which is what makes dataset builds and light-mode
// hashing practical. On other CPUs, or where executable memory is refused, `available()` is
// false and callers keep using execute_superscalar().
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/randomx/superscalar.h"

namespace arkube::randomx {

class SuperscalarJit {
 public:
  using Function = void (*)(uint64_t* registers);

  // Compiles every program into one executable mapping; on failure available() is false.
  explicit SuperscalarJit(const std::vector<SuperscalarProgram>& programs);
  ~SuperscalarJit();
  SuperscalarJit(const SuperscalarJit&) = delete;
  SuperscalarJit& operator=(const SuperscalarJit&) = delete;

  bool available() const { return !functions_.empty(); }
  // Runs program `index` on r0..r7 (same result as execute_superscalar).
  void run(size_t index, uint64_t* registers) const { functions_[index](registers); }

 private:
  void* code_ = nullptr;
  size_t code_bytes_ = 0;
  std::vector<Function> functions_;
};

}  // namespace arkube::randomx
