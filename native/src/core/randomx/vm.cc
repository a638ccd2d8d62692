#include "core/randomx/vm.h"

#include <cfenv>
#include <cmath>
#include <cstring>
#include <utility>

#include "core/randomx/blake2b.h"

namespace arkube::randomx {

namespace {

constexpr uint64_t kDynamicMantissaMask = (1ULL << 56) - 1;  // fraction + 4 dynamic exponent bits
constexpr uint64_t kScaleMask = 0x80F0000000000000ULL;       // FSCAL_R: negate and scale by 2^x
constexpr int kRoundingModes[4] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};

inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline void store64(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }
inline uint64_t bits_of(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return b;
}
inline double double_of(uint64_t b) {
  double d;
  std::memcpy(&d, &b, 8);
  return d;
}

// Two signed 32-bit integers from memory as a pair of doubles (exact conversion).
inline void load_int_pair(const uint8_t* p, double (&out)[2]) {
  int32_t lo, hi;
  std::memcpy(&lo, p, 4);
  std::memcpy(&hi, p + 4, 4);
  out[0] = static_cast<double>(lo);
  out[1] = static_cast<double>(hi);
}

inline void mask_e(double (&v)[2], const uint64_t (&e_mask)[2]) {
  for (int lane = 0; lane < 2; ++lane) v[lane] = double_of((bits_of(v[lane]) & kDynamicMantissaMask) | e_mask[lane]);
}

inline uint64_t rotr(uint64_t x, unsigned n) { n &= 63; return n ? (x >> n) | (x << (64 - n)) : x; }
inline uint64_t rotl(uint64_t x, unsigned n) { n &= 63; return n ? (x << n) | (x >> (64 - n)) : x; }
inline uint64_t mulh(uint64_t a, uint64_t b) { return static_cast<uint64_t>((static_cast<unsigned __int128>(a) * b) >> 64); }
inline uint64_t smulh(uint64_t a, uint64_t b) {
  return static_cast<uint64_t>((static_cast<__int128>(static_cast<int64_t>(a)) * static_cast<int64_t>(b)) >> 64);
}

// Restores the caller's floating-point rounding mode when a hash ends (RandomX changes it).
class RoundingModeGuard {
 public:
  RoundingModeGuard() : saved_(std::fegetround()) {}
  ~RoundingModeGuard() { std::fesetround(saved_); }

 private:
  int saved_;
};

}  // namespace

Vm::Vm(std::shared_ptr<const Cache> cache, std::shared_ptr<const Dataset> dataset, AesImpl aes, bool use_jit)
    : config_(dataset ? dataset->cache().config() : cache->config()),
      cache_(std::move(cache)),
      dataset_(std::move(dataset)),
      aes_(aes),
      scratchpad_(config_.scratchpad_l3_bytes),
      program_bytes_(128 + 8 * size_t(config_.program_size)),
      code_(config_.program_size) {
  if (use_jit) {
    jit_ = std::make_unique<ProgramJit>();
    if (!jit_->available()) jit_.reset();
  }
}

void Vm::dataset_read(uint64_t offset_bytes, uint64_t* r) const {
  uint64_t item[8];
  if (dataset_) {
    std::memcpy(item, dataset_->item(offset_bytes), 64);
  } else {
    cache_->compute_item(offset_bytes / 64, reinterpret_cast<uint8_t*>(item));
  }
  for (int i = 0; i < 8; ++i) r[i] ^= item[i];
}

void Vm::run_program(uint8_t seed[64]) {
  aes_fill_4r(seed, program_bytes_.data(), program_bytes_.size(), config_.aes4r_keys, aes_);
  uint64_t entropy[16];
  std::memcpy(entropy, program_bytes_.data(), sizeof(entropy));
  ProgramConfig pc = decode_program_config(entropy, config_);
  decode_program(program_bytes_.data() + 128, config_, code_.data());
  for (int i = 0; i < 4; ++i) {
    reg_.a[i][0] = double_of(pc.a_bits[2 * i]);
    reg_.a[i][1] = double_of(pc.a_bits[2 * i + 1]);
  }
  execute(pc);
}

void Vm::execute(const ProgramConfig& pc) {
  uint64_t r[10] = {0};  // r0-r7, then kImmediateRegister (unused: bound below), kZeroRegister
  double fe[8][2];       // f0-f3 then e0-e3, so FSWAP_R can address both groups by one index
  uint8_t* const sp = scratchpad_.data();
  const uint32_t l3_line_mask = config_.scratchpad_l3_bytes - 64;
  const uint32_t dataset_line_mask = static_cast<uint32_t>((config_.dataset_base_bytes - 1) & ~uint64_t(63));
  const size_t n = code_.size();

  // Bind each instruction's source operand once: a register, its own immediate, or zero.
  std::vector<const uint64_t*> src(n);
  for (size_t i = 0; i < n; ++i) {
    const DecodedInstruction& d = code_[i];
    src[i] = d.src == kImmediateRegister ? &d.imm : &r[d.src];
  }

  const uint64_t consts[kJitConstWords] = {kDynamicMantissaMask, kDynamicMantissaMask, pc.e_mask[0],
                                           pc.e_mask[1], kScaleMask, kScaleMask};
  const bool jitted = jit_ && jit_->compile(code_.data(), n);
  const JitFrame frame{r, &fe[0][0], &reg_.a[0][0], sp, consts};

  uint32_t sp_addr0 = pc.mx, sp_addr1 = pc.ma, ma = pc.ma, mx = pc.mx;
  for (uint32_t ic = 0; ic < config_.program_iterations; ++ic) {
    const uint64_t sp_mix = r[pc.read_reg[0]] ^ r[pc.read_reg[1]];
    sp_addr0 = (sp_addr0 ^ static_cast<uint32_t>(sp_mix)) & l3_line_mask;
    sp_addr1 = (sp_addr1 ^ static_cast<uint32_t>(sp_mix >> 32)) & l3_line_mask;
    for (int i = 0; i < 8; ++i) r[i] ^= load64(sp + sp_addr0 + 8 * i);
    for (int i = 0; i < 4; ++i) load_int_pair(sp + sp_addr1 + 8 * i, fe[i]);
    for (int i = 0; i < 4; ++i) load_int_pair(sp + sp_addr1 + 8 * (4 + i), fe[4 + i]), mask_e(fe[4 + i], pc.e_mask);

    if (jitted) {
      jit_->run(frame);
    } else {
      interpret(r, fe, pc, src.data());
    }

    mx ^= static_cast<uint32_t>(r[pc.read_reg[2]] ^ r[pc.read_reg[3]]);
    mx &= dataset_line_mask;
    // The spec's prefetch: the line at mx is read in the next iteration (after the swap), so asking for
    // it now overlaps a DRAM miss per iteration with this iteration's read and the next program body.
    if (dataset_) __builtin_prefetch(dataset_->item(pc.dataset_offset + mx));
    dataset_read(pc.dataset_offset + ma, r);
    std::swap(mx, ma);
    for (int i = 0; i < 8; ++i) store64(sp + sp_addr1 + 8 * i, r[i]);
    for (int i = 0; i < 4; ++i) {
      for (int lane = 0; lane < 2; ++lane)
        store64(sp + sp_addr0 + 16 * i + 8 * lane, bits_of(fe[i][lane]) ^ bits_of(fe[4 + i][lane]));
    }
    sp_addr0 = 0;
    sp_addr1 = 0;
  }
  std::memcpy(reg_.r, r, sizeof(reg_.r));
  for (int i = 0; i < 4; ++i) {
    for (int lane = 0; lane < 2; ++lane) {
      reg_.f[i][lane] = double_of(bits_of(fe[i][lane]) ^ bits_of(fe[4 + i][lane]));
      reg_.e[i][lane] = fe[4 + i][lane];
    }
  }
}

// One iteration's instructions, interpreted (the reference semantics the JIT must match).
void Vm::interpret(uint64_t* r, double (*fe)[2], const ProgramConfig& pc, const uint64_t* const* src) {
  const double (*a)[2] = reg_.a;
  uint8_t* const sp = scratchpad_.data();
  const size_t n = code_.size();
  for (size_t pcx = 0; pcx < n; ++pcx) {
    const DecodedInstruction& d = code_[pcx];
    uint64_t& dst = r[d.dst];
    const uint64_t s = *src[pcx];
    auto mem = [&]() { return sp + ((s + d.imm) & d.mem_mask); };
    switch (d.op) {
      case Exec::IADD_RS: dst += (s << d.shift) + d.imm; break;
      case Exec::IADD_M: dst += load64(mem()); break;
      case Exec::ISUB_R: dst -= s; break;
      case Exec::ISUB_M: dst -= load64(mem()); break;
      case Exec::IMUL_R: dst *= s; break;
      case Exec::IMUL_M: dst *= load64(mem()); break;
      case Exec::IMULH_R: dst = mulh(dst, s); break;
      case Exec::IMULH_M: dst = mulh(dst, load64(mem())); break;
      case Exec::ISMULH_R: dst = smulh(dst, s); break;
      case Exec::ISMULH_M: dst = smulh(dst, load64(mem())); break;
      case Exec::INEG_R: dst = ~dst + 1; break;
      case Exec::IXOR_R: dst ^= s; break;
      case Exec::IXOR_M: dst ^= load64(mem()); break;
      case Exec::IROR_R: dst = rotr(dst, static_cast<unsigned>(s)); break;
      case Exec::IROL_R: dst = rotl(dst, static_cast<unsigned>(s)); break;
      case Exec::ISWAP_R: std::swap(dst, r[d.src]); break;
      case Exec::FSWAP_R: std::swap(fe[d.dst][0], fe[d.dst][1]); break;
      case Exec::FADD_R: fe[d.dst][0] += a[d.src][0], fe[d.dst][1] += a[d.src][1]; break;
      case Exec::FSUB_R: fe[d.dst][0] -= a[d.src][0], fe[d.dst][1] -= a[d.src][1]; break;
      case Exec::FADD_M: {
        double m[2];
        load_int_pair(mem(), m);
        fe[d.dst][0] += m[0], fe[d.dst][1] += m[1];
        break;
      }
      case Exec::FSUB_M: {
        double m[2];
        load_int_pair(mem(), m);
        fe[d.dst][0] -= m[0], fe[d.dst][1] -= m[1];
        break;
      }
      case Exec::FSCAL_R:
        for (double& v : fe[d.dst]) v = double_of(bits_of(v) ^ kScaleMask);
        break;
      case Exec::FMUL_R: fe[4 + d.dst][0] *= a[d.src][0], fe[4 + d.dst][1] *= a[d.src][1]; break;
      case Exec::FDIV_M: {
        double m[2];
        load_int_pair(mem(), m);
        mask_e(m, pc.e_mask);
        fe[4 + d.dst][0] /= m[0], fe[4 + d.dst][1] /= m[1];
        break;
      }
      case Exec::FSQRT_R:
        fe[4 + d.dst][0] = std::sqrt(fe[4 + d.dst][0]), fe[4 + d.dst][1] = std::sqrt(fe[4 + d.dst][1]);
        break;
      case Exec::CBRANCH:
        dst += d.imm;
        if ((dst & d.cond_mask) == 0) pcx = static_cast<size_t>(d.target);  // loop's ++ lands after it
        break;
      case Exec::CFROUND: std::fesetround(kRoundingModes[rotr(s, static_cast<unsigned>(d.imm)) & 3]); break;
      case Exec::ISTORE: store64(sp + ((dst + d.imm) & d.mem_mask), s); break;
      case Exec::NOP: break;
    }
  }
}

void Vm::run_chain(const uint8_t* input, size_t input_bytes, uint32_t program_count) {
  RoundingModeGuard guard;
  alignas(16) uint8_t seed[64];
  blake2b(seed, 64, input, input_bytes);
  aes_fill_1r(seed, scratchpad_.data(), scratchpad_.size(), aes_);  // leaves the generator state in seed
  std::fesetround(FE_TONEAREST);  // fprc = 0 at the start of every hash; persists across programs
  for (uint32_t i = 0; i < program_count; ++i) {
    run_program(seed);
    if (i + 1 < program_count) blake2b(seed, 64, &reg_, sizeof(reg_));
  }
}

void Vm::final_result(uint8_t out[32]) {
  aes_hash_1r(scratchpad_.data(), scratchpad_.size(), reinterpret_cast<uint8_t*>(reg_.a), aes_);
  blake2b(out, 32, &reg_, sizeof(reg_));
}

void Vm::hash(const uint8_t* input, size_t input_bytes, uint32_t program_count, uint8_t out[32]) {
  run_chain(input, input_bytes, program_count);
  final_result(out);
}

}  // namespace arkube::randomx
