// Test-only driver for Debian's librandomx (the released, "standard" RandomX), used as the
// reference in the differential test and the benchmark. Not part of arkube.
//
//   reference hash light|fast [interpreter]   stdin: "<key hex> <input hex>" per line -> hash hex per line
//                                             (fast mode: every line must use the same key)
//   reference bench light|fast jit|interpreter <key hex> <seconds>  -> "<hashes> <seconds>"
#include <randomx.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

std::vector<unsigned char> from_hex(const std::string& hex) {
  std::vector<unsigned char> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<unsigned char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  return out;
}

struct Machine {
  randomx_cache* cache = nullptr;
  randomx_dataset* dataset = nullptr;
  randomx_vm* vm = nullptr;
  std::vector<unsigned char> key;
  randomx_flags flags;
  bool fast;

  Machine(bool fast_mode, bool jit) : fast(fast_mode) {
    flags = randomx_get_flags();
    if (!jit) flags = static_cast<randomx_flags>(flags & ~RANDOMX_FLAG_JIT);
    if (fast) flags = static_cast<randomx_flags>(flags | RANDOMX_FLAG_FULL_MEM);
  }

  bool set_key(const std::vector<unsigned char>& k) {
    if (vm && k == key) return true;
    if (vm && fast) return false;  // one key per fast-mode run
    if (!cache) cache = randomx_alloc_cache(flags);
    randomx_init_cache(cache, k.data(), k.size());
    key = k;
    if (fast) init_dataset();
    if (!vm) vm = randomx_create_vm(flags, fast ? nullptr : cache, dataset);
    else randomx_vm_set_cache(vm, cache);
    return vm != nullptr;
  }

  void init_dataset() {
    dataset = randomx_alloc_dataset(flags);
    unsigned long items = randomx_dataset_item_count();
    unsigned threads = std::thread::hardware_concurrency();
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      unsigned long start = items * t / threads, end = items * (t + 1) / threads;
      pool.emplace_back([=] { randomx_init_dataset(dataset, cache, start, end - start); });
    }
    for (auto& th : pool) th.join();
  }
};

int hash_lines(bool fast, bool jit) {
  Machine m(fast, jit);
  std::string key_hex, input_hex;
  while (std::cin >> key_hex >> input_hex) {
    if (input_hex == "-") input_hex.clear();  // "-" stands for an empty input
    if (!m.set_key(from_hex(key_hex))) return std::fprintf(stderr, "cannot create VM (or key changed in fast mode)\n"), 1;
    std::vector<unsigned char> input = from_hex(input_hex);
    unsigned char out[RANDOMX_HASH_SIZE];
    randomx_calculate_hash(m.vm, input.data(), input.size(), out);
    for (unsigned char b : out) std::printf("%02x", b);
    std::printf("\n");
  }
  return 0;
}

int bench(bool fast, bool jit, const std::string& key_hex, double seconds) {
  Machine m(fast, jit);
  if (!m.set_key(from_hex(key_hex))) return std::fprintf(stderr, "cannot create VM\n"), 1;
  unsigned char input[32] = {0}, out[RANDOMX_HASH_SIZE];
  auto start = std::chrono::steady_clock::now();
  unsigned long hashes = 0;
  double elapsed = 0;
  while (elapsed < seconds) {
    std::memcpy(input, &hashes, sizeof(hashes));
    randomx_calculate_hash(m.vm, input, sizeof(input), out);
    ++hashes;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  std::printf("%lu %.6f\n", hashes, elapsed);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  bool fast = argc > 2 && std::string(argv[2]) == "fast";
  if (cmd == "hash") return hash_lines(fast, !(argc > 3 && std::string(argv[3]) == "interpreter"));
  if (cmd == "bench" && argc == 6) return bench(fast, std::string(argv[3]) == "jit", argv[4], std::stod(argv[5]));
  std::fprintf(stderr, "usage: reference hash light|fast [interpreter] | reference bench light|fast jit|interpreter KEYHEX SECONDS\n");
  return 2;
}
