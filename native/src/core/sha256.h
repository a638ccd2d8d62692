// SHA-256 (FIPS 180-4) with interchangeable implementations: portable C++, Intel SHA extensions
// (SHA-NI), and 16-lane AVX-512 for batches of equal-length messages. Callers pick one with
// `Impl`; `best_impl()` is what production code uses, the others stay selectable so tests can
// compare them and benchmarks can measure each.
//
// Besides the general one-shot and streaming APIs, the hot fixed-size shapes of this project have
// their own entry points: SHA256(a(32) || b(32)) (VDF, Feistel, H1/H2 finalisation), whose second
// compression block is constant padding, and the VDF chain itself, which keeps the state in
// registers across iterations.
#pragma once
#include <cstddef>
#include <cstdint>

namespace arkube::sha256 {

inline constexpr size_t kDigestBytes = 32;
inline constexpr size_t kBlockBytes = 64;
inline constexpr size_t kHalfBlockBytes = 32;

inline constexpr size_t kLanesMax = 16;

enum class Impl : uint8_t {
  kPortable,
  kShaNi,
  // Batches (LaneHasher, hash_pair_many, hash_each) run 16 lanes wide in AVX-512 registers;
  // single streams (the VDF chain, Hasher) use SHA-NI when present, else portable.
  kAvx512,
};

// Whether this CPU can run `impl` (the portable one always can).
bool is_available(Impl impl);

// AVX-512 when the CPU has it, else SHA-NI when it has that, else portable.
Impl best_impl();

// How many equal-length messages `impl` hashes at once to best effect (1, 2 or 16): callers
// that have many messages group them by this.
size_t batch_lanes(Impl impl);

// Streaming hasher for messages of any length. Input pointers need no alignment.
class Hasher {
 public:
  explicit Hasher(Impl impl);
  void update(const uint8_t* data, size_t size);
  // Writes the digest; the hasher must not be updated afterwards.
  void finish(uint8_t digest[kDigestBytes]);

 private:
  Impl impl_;
  uint32_t state_[8];
  uint8_t pending_[kBlockBytes];
  size_t pending_bytes_ = 0;
  uint64_t total_bytes_ = 0;
};

// Up to kLanesMax messages of equal length hashed in lockstep: their compressions run together
// (interleaved SHA-NI streams, or AVX-512 lanes), for throughput where a single stream is
// latency-bound. Same digests as one Hasher per message.
class LaneHasher {
 public:
  LaneHasher(Impl impl, size_t lanes);  // 1 <= lanes <= kLanesMax
  // Appends `size` bytes to each message: data[lane] points at that lane's bytes.
  void update(const uint8_t* const data[], size_t size);
  void finish(uint8_t* const digests[]);

 private:
  void compress(const uint8_t* const blocks[], size_t block_count);

  Impl impl_;
  size_t lanes_;
  uint32_t states_[kLanesMax][8];
  uint8_t pending_[kLanesMax][kBlockBytes];
  size_t pending_bytes_ = 0;
  uint64_t total_bytes_ = 0;
};

// One-shot SHA-256 of `size` bytes.
void hash(Impl impl, const uint8_t* data, size_t size, uint8_t digest[kDigestBytes]);

// SHA-256(first(32) || second(32)) without concatenating: one data block plus the precomputed
// padding block. `digest` may alias either input.
void hash_pair(Impl impl, const uint8_t first[kHalfBlockBytes], const uint8_t second[kHalfBlockBytes],
               uint8_t digest[kDigestBytes]);

// hash_pair for `count` independent messages: digests[i] = SHA-256(first[i] || second[i]),
// computed as many at a time as the implementation can. No digest may alias another message's
// inputs (its own are fine).
void hash_pair_many(Impl impl, size_t count, const uint8_t* const first[], const uint8_t* const second[],
                    uint8_t* const digests[]);

// x := SHA-256(salt || x), `iterations` times, in place: the VDF's inner loop. The rounds that
// read only the salt are computed once per call, not once per iteration.
void iterate_salted(Impl impl, const uint8_t salt[kHalfBlockBytes], uint8_t x[kDigestBytes], uint64_t iterations);

// iterate_salted for `count` independent chains (salts[i], xs[i]), as many at a time as the
// implementation can (AVX-512 runs 16 chains in the time SHA-NI runs ~5): VDF verification.
void iterate_salted_many(Impl impl, size_t count, const uint8_t* const salts[], uint8_t* const xs[],
                         uint64_t iterations);

// SHA-256 of each of `count` consecutive `piece_bytes`-byte pieces of `data` (piece_bytes > 0),
// digests written consecutively to `digests` (count * 32 bytes). Pieces are hashed
// batch_lanes(impl) at a time.
void hash_each(Impl impl, const uint8_t* data, size_t piece_bytes, size_t count, uint8_t* digests);

}  // namespace arkube::sha256
