// CPU features the core dispatches on, detected once per process (CPUID) and read-only afterwards.
#pragma once

namespace arkube {

struct CpuFeatures {
  bool sha_ni = false;  // SHA-256 extensions (sha256rnds2 ...)
  bool aes_ni = false;  // AES round instructions (aesenc/aesdec)
  bool sse41 = false;
  bool avx2 = false;
  bool avx512 = false;  // AVX-512 F + BW + VL, and the OS saves the ZMM/opmask state (XCR0)
};

// Detected on first call; thread-safe (function-local static).
const CpuFeatures& cpu_features();

}  // namespace arkube
