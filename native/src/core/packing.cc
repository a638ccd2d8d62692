#include "core/packing.h"

#include "core/feistel.h"
#include "core/parallel.h"

namespace arkube::packing {

const uint8_t* entropy(randomx::Vm& vm, const uint8_t key[kKeyBytes], uint32_t programs) {
  vm.run_chain(key, kKeyBytes, programs);
  return vm.scratchpad();
}

namespace {

enum class Direction { Pack, Unpack };

void transform(const std::function<randomx::Vm()>& make_vm, sha256::Impl impl, const uint8_t* keys,
               uint8_t* chunks, size_t count, uint32_t programs, unsigned threads, Direction direction) {
  parallel_ranges(count, threads, [&](size_t begin, size_t end) {
    randomx::Vm vm = make_vm();
    for (size_t i = begin; i < end; ++i) {
      const uint8_t* e = entropy(vm, keys + kKeyBytes * i, programs);
      uint8_t* chunk = chunks + kChunkBytes * i;
      if (direction == Direction::Pack) {
        feistel::encrypt(impl, chunk, e, kChunkBytes, kChunkBytes, chunk, 1);
      } else {
        feistel::decrypt(impl, chunk, e, kChunkBytes, kChunkBytes, chunk, 1);
      }
    }
  });
}

}  // namespace

void pack(const std::function<randomx::Vm()>& make_vm, sha256::Impl impl, const uint8_t* keys, uint8_t* chunks,
          size_t count, uint32_t programs, unsigned threads) {
  transform(make_vm, impl, keys, chunks, count, programs, threads, Direction::Pack);
}

void unpack(const std::function<randomx::Vm()>& make_vm, sha256::Impl impl, const uint8_t* keys, uint8_t* chunks,
            size_t count, uint32_t programs, unsigned threads) {
  transform(make_vm, impl, keys, chunks, count, programs, threads, Direction::Unpack);
}

}  // namespace arkube::packing
