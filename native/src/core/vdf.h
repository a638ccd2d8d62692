// Arweave's VDF (vdf_sha2): a SHA-256 hash chain with checkpoints. See docs/PROTOCOL.md "VDF".
//
//   F_s(x)   = SHA256(u256be(s) || x)
//   chain    : x_-1 = seed; x_k = F_{salt+k}^iterations(x_{k-1}) for k = 0..checkpoint_count;
//              checkpoints = x_0..x_{count-1}, output = x_count
//   step N   : salt(N) = N == 1 ? 0 : (N - 2) * 25 + 1; if N % 1200 == 0 the previous output is
//              first mixed with the reset seed: prev = SHA256(prev || SHA256(seed)); then a chain
//              of 25 segments whose outputs x_0..x_24 are the step's checkpoints (x_24 = output).
//
// Checkpoints are always stored oldest first here (x_0 .. x_24); blocks carry them newest first,
// which is the protocol layer's concern. Producing is sequential (one SHA-NI chain is the
// fastest way); verifying is parallel because each checkpoint can be recomputed from the
// previous claimed one.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/sha256.h"

namespace arkube::vdf {

inline constexpr size_t kHashBytes = 32;
inline constexpr uint32_t kCheckpointsPerStep = 25;
inline constexpr size_t kStepBytes = kCheckpointsPerStep * kHashBytes;
inline constexpr uint64_t kEntropyResetIntervalSteps = 1200;
// The reference misbehaves at 1 iteration; every vector uses >= 2.
inline constexpr uint64_t kIterationsMin = 2;
// Step numbers are JS safe integers; this keeps every salt (< 25 * 2^53) inside 64 bits.
inline constexpr uint64_t kStepNumberMax = uint64_t{1} << 53;
// Returned by the verifiers when every checkpoint matches.
inline constexpr int kAllCheckpointsValid = -1;

using sha256::Impl;

// The first salt of step `step_number` (>= 1).
uint64_t step_start_salt(uint64_t step_number);

bool is_entropy_reset_step(uint64_t step_number);

// How many entropy reset steps lie in [first_step, first_step + step_count); first_step >= 1.
uint64_t reset_steps_in_range(uint64_t first_step, uint64_t step_count);

// Why steps [first_step, first_step + step_count) cannot be computed with these arguments, or
// nullptr when they can. A range may cross at most one reset (one seed per call); the reset
// seed is required when it crosses one and ignored otherwise.
const char* check_step_range(uint64_t first_step, uint64_t step_count, uint64_t iterations, bool has_reset_seed);

// u256be(salt).
void encode_salt(uint64_t salt, uint8_t out[kHashBytes]);

// SHA256(prev || SHA256(seed)): the input of an entropy reset step. `out` may alias `prev`.
void mix_reset_seed(Impl impl, const uint8_t prev[kHashBytes], const uint8_t seed[kHashBytes],
                    uint8_t out[kHashBytes]);

// The raw chain: `checkpoints` receives checkpoint_count hashes, `output` the last segment's.
// Requires iterations >= kIterationsMin.
void chain(Impl impl, uint64_t start_salt, const uint8_t seed[kHashBytes], uint32_t checkpoint_count,
           uint64_t iterations, uint8_t* checkpoints, uint8_t output[kHashBytes]);

// Steps [first_step, first_step + step_count) from the output `prev` of step first_step - 1.
// `checkpoints` receives step_count * kStepBytes: each step's x_0..x_24. `reset_seed` may be
// null when the range has no reset step. Preconditions: check_step_range(...) == nullptr.
void steps(Impl impl, uint64_t first_step, const uint8_t prev[kHashBytes], const uint8_t* reset_seed,
           uint64_t step_count, uint64_t iterations, uint8_t* checkpoints);

// Recomputes each claimed checkpoint k from claimed checkpoint k - 1 (the seed for k = 0): the
// checkpoints are split across up to `threads` threads, and each thread runs its chains side by
// side (16 at once with AVX-512, 2 with SHA-NI). Returns the lowest index that does not match,
// or kAllCheckpointsValid.
int verify_chain(Impl impl, uint64_t start_salt, const uint8_t seed[kHashBytes], const uint8_t* claimed,
                 uint32_t checkpoint_count, uint64_t iterations, unsigned threads);

// verify_chain for step `step_number` (salt and entropy reset applied) and its 25 claimed
// checkpoints x_0..x_24. Preconditions: check_step_range(step_number, 1, ...) == nullptr.
int verify_step(Impl impl, uint64_t step_number, const uint8_t prev[kHashBytes], const uint8_t* reset_seed,
                const uint8_t claimed[kStepBytes], uint64_t iterations, unsigned threads);

}  // namespace arkube::vdf
