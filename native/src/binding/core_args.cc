#include "binding/core_args.h"

#include <cstdint>
#include <string>

#include "core/parallel.h"

namespace arkube::binding {

namespace {
constexpr const char* kShaNames = "sha must be \"auto\", \"ni\", \"avx512\" or \"portable\"";
}

sha256::Impl sha_impl_arg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsString()) {
    throw ArgError{kBadArgument, kShaNames};
  }
  std::string name = info[index].As<Napi::String>().Utf8Value();
  if (name == "auto") return sha256::best_impl();
  if (name == "portable") return sha256::Impl::kPortable;
  if (name == "ni") {
    if (!sha256::is_available(sha256::Impl::kShaNi)) {
      throw ArgError{kNoCpuFeature, "sha \"ni\" was requested but this CPU has no SHA extensions"};
    }
    return sha256::Impl::kShaNi;
  }
  if (name == "avx512") {
    if (!sha256::is_available(sha256::Impl::kAvx512)) {
      throw ArgError{kNoCpuFeature, "sha \"avx512\" was requested but this CPU (or OS) has no AVX-512 F/BW/VL"};
    }
    return sha256::Impl::kAvx512;
  }
  throw ArgError{kBadArgument, kShaNames + std::string(", got \"") + name + "\""};
}

unsigned threads_arg(const Napi::CallbackInfo& info, size_t index) {
  return static_cast<unsigned>(int_arg(info, index, "threads", 1, kThreadsPerCallMax));
}

ByteView optional_bytes_arg(const Napi::CallbackInfo& info, size_t index, const char* name, size_t expected) {
  if (info.Length() <= index || info[index].IsNull() || info[index].IsUndefined()) return ByteView{nullptr, 0};
  return bytes_arg(info, index, name, expected);
}

void check_overlap(const ByteView& input, const char* input_name, const ByteView& output, const char* output_name,
                   bool allow_same) {
  if (input.size == 0 || output.size == 0) return;
  auto in_begin = reinterpret_cast<uintptr_t>(input.data);
  auto out_begin = reinterpret_cast<uintptr_t>(output.data);
  bool disjoint = in_begin + input.size <= out_begin || out_begin + output.size <= in_begin;
  if (disjoint) return;
  if (allow_same && in_begin == out_begin && input.size == output.size) return;
  throw ArgError{kBadArgument, std::string(output_name) + " must not overlap " + input_name +
                                   (allow_same ? " (except by being the very same bytes)" : "")};
}

}  // namespace arkube::binding
