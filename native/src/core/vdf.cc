#include "core/vdf.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <vector>

#include "core/parallel.h"

namespace arkube::vdf {

uint64_t step_start_salt(uint64_t step_number) {
  assert(step_number >= 1);
  return step_number == 1 ? 0 : (step_number - 2) * kCheckpointsPerStep + 1;
}

bool is_entropy_reset_step(uint64_t step_number) { return step_number % kEntropyResetIntervalSteps == 0; }

uint64_t reset_steps_in_range(uint64_t first_step, uint64_t step_count) {
  assert(first_step >= 1);
  if (step_count == 0) return 0;
  uint64_t last_step = first_step + step_count - 1;
  return last_step / kEntropyResetIntervalSteps - (first_step - 1) / kEntropyResetIntervalSteps;
}

const char* check_step_range(uint64_t first_step, uint64_t step_count, uint64_t iterations, bool has_reset_seed) {
  if (iterations < kIterationsMin) return "iterations must be >= 2";
  if (first_step < 1) return "step numbers start at 1";
  if (step_count < 1) return "at least one step is needed";
  if (first_step > kStepNumberMax || step_count > kStepNumberMax - first_step + 1) {
    return "step numbers must stay <= 2^53";
  }
  uint64_t resets = reset_steps_in_range(first_step, step_count);
  if (resets > 1) return "a call may cross at most one entropy reset (one reset seed per call)";
  if (resets == 1 && !has_reset_seed) return "the steps cross an entropy reset: a reset seed is required";
  return nullptr;
}

void encode_salt(uint64_t salt, uint8_t out[kHashBytes]) {
  std::memset(out, 0, kHashBytes);
  for (size_t i = 0; i < 8; ++i) out[kHashBytes - 1 - i] = static_cast<uint8_t>(salt >> (8 * i));
}

void mix_reset_seed(Impl impl, const uint8_t prev[kHashBytes], const uint8_t seed[kHashBytes],
                    uint8_t out[kHashBytes]) {
  uint8_t seed_hash[kHashBytes];
  sha256::hash(impl, seed, kHashBytes, seed_hash);
  sha256::hash_pair(impl, prev, seed_hash, out);
}

namespace {

// x := F_salt^iterations(x).
void segment(Impl impl, uint64_t salt, uint8_t x[kHashBytes], uint64_t iterations) {
  uint8_t salt_bytes[kHashBytes];
  encode_salt(salt, salt_bytes);
  sha256::iterate_salted(impl, salt_bytes, x, iterations);
}

}  // namespace

void chain(Impl impl, uint64_t start_salt, const uint8_t seed[kHashBytes], uint32_t checkpoint_count,
           uint64_t iterations, uint8_t* checkpoints, uint8_t output[kHashBytes]) {
  assert(iterations >= kIterationsMin);
  uint8_t x[kHashBytes];
  std::memcpy(x, seed, kHashBytes);
  for (uint32_t k = 0; k <= checkpoint_count; ++k) {
    segment(impl, start_salt + k, x, iterations);
    std::memcpy(k < checkpoint_count ? checkpoints + k * kHashBytes : output, x, kHashBytes);
  }
}

void steps(Impl impl, uint64_t first_step, const uint8_t prev[kHashBytes], const uint8_t* reset_seed,
           uint64_t step_count, uint64_t iterations, uint8_t* checkpoints) {
  assert(check_step_range(first_step, step_count, iterations, reset_seed != nullptr) == nullptr);
  uint8_t x[kHashBytes];
  std::memcpy(x, prev, kHashBytes);
  for (uint64_t i = 0; i < step_count; ++i) {
    uint64_t step_number = first_step + i;
    if (is_entropy_reset_step(step_number)) mix_reset_seed(impl, x, reset_seed, x);
    uint8_t* out = checkpoints + i * kStepBytes;
    uint64_t salt = step_start_salt(step_number);
    for (uint32_t k = 0; k < kCheckpointsPerStep; ++k) {
      segment(impl, salt + k, x, iterations);
      std::memcpy(out + k * kHashBytes, x, kHashBytes);
    }
  }
}

int verify_chain(Impl impl, uint64_t start_salt, const uint8_t seed[kHashBytes], const uint8_t* claimed,
                 uint32_t checkpoint_count, uint64_t iterations, unsigned threads) {
  assert(iterations >= kIterationsMin);
  // Every checkpoint is recomputed (no early exit on a mismatch): each thread takes a contiguous
  // share and runs its chains side by side (16 at a time with AVX-512), which beats stopping
  // early on the rare forged step.
  std::vector<uint8_t> salts(size_t{checkpoint_count} * kHashBytes);
  std::vector<uint8_t> recomputed(size_t{checkpoint_count} * kHashBytes);
  for (uint32_t k = 0; k < checkpoint_count; ++k) {
    encode_salt(start_salt + k, &salts[k * kHashBytes]);
    std::memcpy(&recomputed[k * kHashBytes], k == 0 ? seed : claimed + (k - 1) * kHashBytes, kHashBytes);
  }
  parallel_ranges(checkpoint_count, threads, [&](size_t begin, size_t end) {
    for (size_t k = begin; k < end; k += sha256::kLanesMax) {
      size_t count = std::min(sha256::kLanesMax, end - k);
      const uint8_t* lane_salts[sha256::kLanesMax];
      uint8_t* lane_xs[sha256::kLanesMax];
      for (size_t lane = 0; lane < count; ++lane) {
        lane_salts[lane] = &salts[(k + lane) * kHashBytes];
        lane_xs[lane] = &recomputed[(k + lane) * kHashBytes];
      }
      sha256::iterate_salted_many(impl, count, lane_salts, lane_xs, iterations);
    }
  });
  for (uint32_t k = 0; k < checkpoint_count; ++k) {
    if (std::memcmp(&recomputed[k * kHashBytes], claimed + k * kHashBytes, kHashBytes) != 0) return static_cast<int>(k);
  }
  return kAllCheckpointsValid;
}

int verify_step(Impl impl, uint64_t step_number, const uint8_t prev[kHashBytes], const uint8_t* reset_seed,
                const uint8_t claimed[kStepBytes], uint64_t iterations, unsigned threads) {
  assert(check_step_range(step_number, 1, iterations, reset_seed != nullptr) == nullptr);
  uint8_t seed[kHashBytes];
  std::memcpy(seed, prev, kHashBytes);
  if (is_entropy_reset_step(step_number)) mix_reset_seed(impl, seed, reset_seed, seed);
  return verify_chain(impl, step_start_salt(step_number), seed, claimed, kCheckpointsPerStep, iterations, threads);
}

}  // namespace arkube::vdf
