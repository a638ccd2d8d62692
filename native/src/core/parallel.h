// Fork-join over a few OS threads, for work that one native call splits across cores (VDF
// verification, Feistel decryption, H1/H2 batches). Threads live only for the call: the calls
// are long (milliseconds to seconds), so creating them costs nothing measurable.
#pragma once
#include <cstddef>
#include <functional>

namespace arkube {

// Upper bound on threads a single call may use, whatever the caller asks for.
inline constexpr unsigned kThreadsPerCallMax = 64;

// Runs body(worker) for worker in [0, workers) concurrently, the calling thread being worker 0,
// and returns when all have finished. `workers` is clamped to [1, kThreadsPerCallMax].
void run_workers(unsigned workers, const std::function<void(unsigned worker)>& body);

// Splits [0, count) into `workers` contiguous ranges of near-equal size and runs
// body(begin, end) for each non-empty one concurrently.
void parallel_ranges(size_t count, unsigned workers, const std::function<void(size_t begin, size_t end)>& body);

}  // namespace arkube
