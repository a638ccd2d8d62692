// The RandomX cache (Argon2d-filled memory + 8 SuperscalarHash programs) and the dataset built
// from it. Light mode computes dataset items on the fly from the cache; fast mode precomputes
// all items once (on several threads) and shares them read-only between VMs.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/randomx/config.h"
#include "core/randomx/superscalar.h"
#include "core/randomx/superscalar_jit.h"

namespace arkube::randomx {

// Memory from mmap, with transparent huge pages requested (MADV_HUGEPAGE) for the large
// buffers; freed on destruction.
class LargeBuffer {
 public:
  explicit LargeBuffer(size_t bytes);
  ~LargeBuffer();
  LargeBuffer(const LargeBuffer&) = delete;
  LargeBuffer& operator=(const LargeBuffer&) = delete;
  uint8_t* data() const { return data_; }
  size_t size() const { return bytes_; }

 private:
  uint8_t* data_;
  size_t bytes_;
};

class Cache {
 public:
  // use_jit = false forces the SuperscalarHash interpreter (tests compare the two).
  Cache(const Config& config, const uint8_t* key, size_t key_bytes, bool use_jit = true);

  const Config& config() const { return config_; }
  // Dataset item `item_number` (64 bytes) computed from the cache.
  void compute_item(uint64_t item_number, uint8_t out[64]) const;

 private:
  const Config& config_;
  LargeBuffer memory_;
  uint64_t line_mask_;  // cache lines are addressed modulo their count (a power of 2)
  std::vector<SuperscalarProgram> programs_;
  std::unique_ptr<SuperscalarJit> jit_;  // null or unavailable: interpret
};

class Dataset {
 public:
  // Computes every item on `threads` threads; `progress(done_items, total_items)` is called from
  // the calling thread about once per percent.
  Dataset(std::shared_ptr<const Cache> cache, unsigned threads,
          const std::function<void(uint64_t, uint64_t)>& progress = nullptr);

  const uint8_t* item(uint64_t offset_bytes) const { return memory_.data() + offset_bytes; }
  const Cache& cache() const { return *cache_; }

 private:
  std::shared_ptr<const Cache> cache_;
  LargeBuffer memory_;
};

}  // namespace arkube::randomx
