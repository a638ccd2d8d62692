#include "core/feistel.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>
#include <vector>

#include "core/parallel.h"

namespace arkube::feistel {

namespace {

using Block = std::array<uint8_t, kBlockBytes>;

void xor_into(uint8_t* out, const uint8_t* a, const uint8_t* b, size_t size) {
  for (size_t i = 0; i < size; ++i) out[i] = a[i] ^ b[i];
}

// K_i = E_i XOR C_{i-1}, or E_i for the first block of a chain (previous == nullptr).
void block_key(const uint8_t* entropy_block, const uint8_t* previous_ciphertext, uint8_t key[kBlockBytes]) {
  if (previous_ciphertext == nullptr) {
    std::memcpy(key, entropy_block, kBlockBytes);
  } else {
    xor_into(key, entropy_block, previous_ciphertext, kBlockBytes);
  }
}

struct ChainCursor {
  const uint8_t* plain;
  const uint8_t* entropy;
  uint8_t* cipher;
};

// Encrypts `count` (<= kLanesMax) chains of equal length in lockstep: each block's hashes are
// computed for all chains at once, so that they overlap in the CPU.
void encrypt_chains_together(Impl impl, const ChainCursor* chains, size_t count, size_t chain_bytes) {
  uint8_t keys[sha256::kLanesMax][kBlockBytes];
  uint8_t rights[sha256::kLanesMax][kHalfBytes];
  uint8_t hashes[sha256::kLanesMax][kHalfBytes];
  const uint8_t* firsts[sha256::kLanesMax];
  const uint8_t* seconds[sha256::kLanesMax];
  uint8_t* outs[sha256::kLanesMax];
  for (size_t offset = 0; offset < chain_bytes; offset += kBlockBytes) {
    for (size_t c = 0; c < count; ++c) {
      const ChainCursor& chain = chains[c];
      block_key(chain.entropy + offset, offset == 0 ? nullptr : chain.cipher + offset - kBlockBytes, keys[c]);
      std::memcpy(rights[c], chain.plain + offset + kHalfBytes, kHalfBytes);  // before an in-place write
      firsts[c] = rights[c];
      seconds[c] = keys[c];
      outs[c] = hashes[c];
    }
    sha256::hash_pair_many(impl, count, firsts, seconds, outs);  // SHA256(R || K[0..32])
    for (size_t c = 0; c < count; ++c) {
      uint8_t* x = chains[c].cipher + offset;
      xor_into(x, chains[c].plain + offset, hashes[c], kHalfBytes);
      firsts[c] = x;
      seconds[c] = keys[c] + kHalfBytes;
    }
    sha256::hash_pair_many(impl, count, firsts, seconds, outs);  // SHA256(X || K[32..64])
    for (size_t c = 0; c < count; ++c) {
      xor_into(chains[c].cipher + offset + kHalfBytes, rights[c], hashes[c], kHalfBytes);
    }
  }
}

// One block to decrypt: its ciphertext and key are copied first, so the output may overwrite
// the ciphertext (in-place decryption).
struct PendingBlock {
  Block cipher;
  Block key;
  uint8_t* plain;
};

// Decrypts `count` (<= kLanesMax) independent blocks at once:
// R = C_R ^ SHA256(C_L || K[32..64]); L = C_L ^ SHA256(R || K[0..32]).
void decrypt_blocks(Impl impl, const PendingBlock* blocks, size_t count) {
  uint8_t rights[sha256::kLanesMax][kHalfBytes];
  uint8_t hashes[sha256::kLanesMax][kHalfBytes];
  const uint8_t* firsts[sha256::kLanesMax];
  const uint8_t* seconds[sha256::kLanesMax];
  uint8_t* outs[sha256::kLanesMax];
  for (size_t i = 0; i < count; ++i) {
    firsts[i] = blocks[i].cipher.data();
    seconds[i] = blocks[i].key.data() + kHalfBytes;
    outs[i] = hashes[i];
  }
  sha256::hash_pair_many(impl, count, firsts, seconds, outs);
  for (size_t i = 0; i < count; ++i) {
    xor_into(rights[i], blocks[i].cipher.data() + kHalfBytes, hashes[i], kHalfBytes);
    firsts[i] = rights[i];
    seconds[i] = blocks[i].key.data();
  }
  sha256::hash_pair_many(impl, count, firsts, seconds, outs);
  for (size_t i = 0; i < count; ++i) {
    xor_into(blocks[i].plain, blocks[i].cipher.data(), hashes[i], kHalfBytes);
    std::memcpy(blocks[i].plain + kHalfBytes, rights[i], kHalfBytes);
  }
}

struct DecryptJob {
  const uint8_t* cipher;
  const uint8_t* entropy;
  uint8_t* plain;
  size_t blocks_per_chain;
};

// Decrypts blocks [begin, end) from the last to the first, batch_lanes at a time, so that
// in-place decryption still finds C_{i-1} intact when block i needs it: a batch reads its keys
// before writing, and the blocks below it are untouched. `before_begin` is a copy of
// C_{begin-1}, taken before any worker wrote (another worker owns that block).
void decrypt_range(Impl impl, const DecryptJob& job, size_t begin, size_t end, const Block& before_begin) {
  auto pending = [&](size_t i) {
    PendingBlock blk;
    std::memcpy(blk.cipher.data(), job.cipher + i * kBlockBytes, kBlockBytes);
    const uint8_t* previous = nullptr;
    if (i % job.blocks_per_chain != 0) {
      previous = i == begin ? before_begin.data() : job.cipher + (i - 1) * kBlockBytes;
    }
    block_key(job.entropy + i * kBlockBytes, previous, blk.key.data());
    blk.plain = job.plain + i * kBlockBytes;
    return blk;
  };
  const size_t lanes = sha256::batch_lanes(impl);
  PendingBlock batch[sha256::kLanesMax];
  for (size_t top = end; top > begin;) {
    size_t count = std::min(lanes, top - begin);
    for (size_t k = 0; k < count; ++k) batch[k] = pending(top - 1 - k);
    decrypt_blocks(impl, batch, count);
    top -= count;
  }
}

}  // namespace

const char* check_lengths(size_t size, size_t chain_bytes) {
  if (size == 0 || size % kBlockBytes != 0) return "length must be a positive multiple of 64 bytes";
  if (chain_bytes == 0 || chain_bytes % kBlockBytes != 0) return "chain length must be a positive multiple of 64 bytes";
  if (size % chain_bytes != 0) return "length must be a whole number of chains";
  return nullptr;
}

void encrypt(Impl impl, const uint8_t* plaintext, const uint8_t* entropy, size_t size, size_t chain_bytes,
             uint8_t* ciphertext, unsigned threads) {
  assert(check_lengths(size, chain_bytes) == nullptr);
  const size_t chains = size / chain_bytes;
  auto cursor = [&](size_t chain) {
    size_t at = chain * chain_bytes;
    return ChainCursor{plaintext + at, entropy + at, ciphertext + at};
  };
  const size_t lanes = sha256::batch_lanes(impl);
  parallel_ranges(chains, threads, [&](size_t begin, size_t end) {
    ChainCursor batch[sha256::kLanesMax];
    for (size_t chain = begin; chain < end; chain += lanes) {
      size_t count = std::min(lanes, end - chain);
      for (size_t k = 0; k < count; ++k) batch[k] = cursor(chain + k);
      encrypt_chains_together(impl, batch, count, chain_bytes);
    }
  });
}

void decrypt(Impl impl, const uint8_t* ciphertext, const uint8_t* entropy, size_t size, size_t chain_bytes,
             uint8_t* plaintext, unsigned threads) {
  assert(check_lengths(size, chain_bytes) == nullptr);
  const size_t blocks = size / kBlockBytes;
  const DecryptJob job{ciphertext, entropy, plaintext, chain_bytes / kBlockBytes};
  const unsigned workers = static_cast<unsigned>(std::min<size_t>(std::clamp(threads, 1u, kThreadsPerCallMax), blocks));
  std::vector<Block> boundary(workers);
  for (unsigned w = 1; w < workers; ++w) {
    size_t begin = blocks * w / workers;
    std::memcpy(boundary[w].data(), ciphertext + (begin - 1) * kBlockBytes, kBlockBytes);
  }
  run_workers(workers, [&](unsigned w) {
    decrypt_range(impl, job, blocks * w / workers, blocks * (w + 1) / workers, boundary[w]);
  });
}

void packing_key(Impl impl, uint64_t chunk_end_offset, const uint8_t tx_root[kTxRootBytes],
                 const uint8_t reward_address[kRewardAddressBytes], uint8_t key[kPackingKeyBytes]) {
  uint8_t offset_be[32] = {};
  for (size_t i = 0; i < 8; ++i) offset_be[31 - i] = static_cast<uint8_t>(chunk_end_offset >> (8 * i));
  sha256::Hasher hasher(impl);
  hasher.update(offset_be, sizeof(offset_be));
  hasher.update(tx_root, kTxRootBytes);
  hasher.update(reward_address, kRewardAddressBytes);
  hasher.finish(key);
}

}  // namespace arkube::feistel
