#include "core/randomx/dataset.h"

#include <sys/mman.h>

#include <atomic>
#include <cstring>
#include <new>
#include <thread>

#include "core/randomx/argon2d.h"
#include "core/randomx/blake2_generator.h"

namespace arkube::randomx {

namespace {

constexpr uint64_t kItemMultiplier = 6364136223846793005ULL;
constexpr uint64_t kItemXor[7] = {
    9298411001130361340ULL, 12065312585734608966ULL, 9306329213124626780ULL, 5281919268842080866ULL,
    10536153434571861004ULL, 3398623926847679864ULL, 9549104520008361294ULL,
};
constexpr uint64_t kProgressSteps = 100;

}  // namespace

LargeBuffer::LargeBuffer(size_t bytes) : bytes_(bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  madvise(p, bytes, MADV_HUGEPAGE);  // advisory: fewer TLB misses on random reads
#endif
  data_ = static_cast<uint8_t*>(p);
}

LargeBuffer::~LargeBuffer() { munmap(data_, bytes_); }

Cache::Cache(const Config& config, const uint8_t* key, size_t key_bytes, bool use_jit)
    : config_(config), memory_(config.cache_bytes()), line_mask_(config.cache_bytes() / 64 - 1) {
  Argon2Params params{key, key_bytes, reinterpret_cast<const uint8_t*>(config.argon_salt.data()),
                      config.argon_salt.size(), config.argon_memory_kib, config.argon_iterations};
  argon2d_fill(params, reinterpret_cast<uint64_t*>(memory_.data()));
  Blake2Generator gen(key, key_bytes);
  for (uint32_t i = 0; i < config.cache_accesses; ++i) programs_.push_back(generate_superscalar(gen, config));
  if (use_jit) {
    jit_ = std::make_unique<SuperscalarJit>(programs_);
    if (!jit_->available()) jit_.reset();
  }
}

void Cache::compute_item(uint64_t item_number, uint8_t out[64]) const {
  uint64_t r[8];
  r[0] = (item_number + 1) * kItemMultiplier;
  for (int i = 0; i < 7; ++i) r[i + 1] = r[0] ^ kItemXor[i];
  uint64_t cache_index = item_number;
  for (size_t p = 0; p < programs_.size(); ++p) {
    const SuperscalarProgram& program = programs_[p];
    const uint8_t* line = memory_.data() + (cache_index & line_mask_) * 64;
    if (jit_) {
      jit_->run(p, r);
    } else {
      execute_superscalar(program, r);
    }
    uint64_t mix[8];
    std::memcpy(mix, line, 64);
    for (int i = 0; i < 8; ++i) r[i] ^= mix[i];
    cache_index = r[program.address_register];
  }
  std::memcpy(out, r, 64);
}

Dataset::Dataset(std::shared_ptr<const Cache> cache, unsigned threads,
                 const std::function<void(uint64_t, uint64_t)>& progress)
    : cache_(std::move(cache)), memory_(cache_->config().dataset_bytes()) {
  const uint64_t total = cache_->config().dataset_item_count();
  if (threads == 0) threads = 1;
  std::atomic<uint64_t> next{0}, done{0};
  const uint64_t batch = 4096;  // items claimed at a time: small enough to balance threads
  auto worker = [&] {
    for (;;) {
      uint64_t start = next.fetch_add(batch);
      if (start >= total) return;
      uint64_t end = start + batch < total ? start + batch : total;
      for (uint64_t i = start; i < end; ++i) cache_->compute_item(i, memory_.data() + i * 64);
      done.fetch_add(end - start);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  if (progress) {
    // The calling thread reports progress while the pool computes, then joins in.
    std::thread reporter_work(worker);
    uint64_t reported = 0;
    while (done.load() < total) {
      uint64_t d = done.load();
      if (d * kProgressSteps / total > reported * kProgressSteps / total) progress(d, total), reported = d;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    reporter_work.join();
    progress(total, total);
  } else {
    worker();
  }
  for (auto& t : pool) t.join();
}

}  // namespace arkube::randomx
