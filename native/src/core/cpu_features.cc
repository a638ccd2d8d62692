#include "core/cpu_features.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#endif

namespace arkube {

namespace {

#if defined(__x86_64__) || defined(_M_X64)
// XCR0 bits the OS must set before AVX-512 registers may be used: SSE, AVX, opmask, ZMM0-15
// upper halves, ZMM16-31.
constexpr unsigned long long kXcr0Avx512State = 0xE6;

bool os_saves_avx512_state(unsigned leaf1_ecx) {
  if ((leaf1_ecx & bit_OSXSAVE) == 0) return false;
  unsigned eax = 0, edx = 0;
  __asm__("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  unsigned long long xcr0 = (static_cast<unsigned long long>(edx) << 32) | eax;
  return (xcr0 & kXcr0Avx512State) == kXcr0Avx512State;
}
#endif

CpuFeatures detect() {
  CpuFeatures f;
#if defined(__x86_64__) || defined(_M_X64)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  unsigned leaf1_ecx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
    f.aes_ni = (ecx & bit_AES) != 0;
    f.sse41 = (ecx & bit_SSE4_1) != 0;
    leaf1_ecx = ecx;
  }
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
    f.sha_ni = (ebx & bit_SHA) != 0;
    f.avx2 = (ebx & bit_AVX2) != 0;
    const unsigned avx512_fbwvl = bit_AVX512F | bit_AVX512BW | bit_AVX512VL;
    f.avx512 = (ebx & avx512_fbwvl) == avx512_fbwvl && os_saves_avx512_state(leaf1_ecx);
  }
#endif
  return f;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

}  // namespace arkube
