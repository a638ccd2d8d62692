#include "core/parallel.h"

#include <algorithm>
#include <system_error>
#include <thread>
#include <vector>

namespace arkube {

void run_workers(unsigned workers, const std::function<void(unsigned worker)>& body) {
  workers = std::clamp(workers, 1u, kThreadsPerCallMax);
  std::vector<std::thread> helpers;
  helpers.reserve(workers - 1);
  unsigned started = 1;
  for (; started < workers; ++started) {
    try {
      helpers.emplace_back(body, started);
    } catch (const std::system_error&) {
      break;  // out of threads: the calling thread runs the remaining shares itself
    }
  }
  body(0);
  for (unsigned w = started; w < workers; ++w) body(w);
  for (std::thread& t : helpers) t.join();
}

void parallel_ranges(size_t count, unsigned workers, const std::function<void(size_t begin, size_t end)>& body) {
  workers = static_cast<unsigned>(std::clamp<size_t>(std::min<size_t>(workers, count), 1, kThreadsPerCallMax));
  run_workers(workers, [&](unsigned worker) {
    size_t begin = count * worker / workers;
    size_t end = count * (worker + 1) / workers;
    if (begin < end) body(begin, end);
  });
}

}  // namespace arkube
