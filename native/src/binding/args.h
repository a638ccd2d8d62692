// Argument checking shared by the binding files. Errors carry a stable `code` property that
// native/lib/errors.ts maps to a typed class; the message says what was wrong and what was expected.
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace arkube::binding {

inline constexpr const char* kBadLength = "ERR_ARKUBE_BAD_LENGTH";
inline constexpr const char* kBadArgument = "ERR_ARKUBE_BAD_ARGUMENT";
inline constexpr const char* kBadConfig = "ERR_ARKUBE_BAD_CONFIG";
inline constexpr const char* kNoCpuFeature = "ERR_ARKUBE_NO_CPU_FEATURE";

// Thrown inside binding code; converted into a JS Error with `code` at the boundary.
struct ArgError {
  const char* code;
  std::string message;
};

Napi::Error make_error(Napi::Env env, const char* code, const std::string& message);

// A Buffer/Uint8Array argument as a raw byte view (no copy). `expected` = 0 means any length.
struct ByteView {
  uint8_t* data;
  size_t size;
};
ByteView bytes_arg(const Napi::CallbackInfo& info, size_t index, const char* name, size_t expected = 0);

// An integer argument in [min, max] (JS number, must be a safe integer).
int64_t int_arg(const Napi::CallbackInfo& info, size_t index, const char* name, int64_t min, int64_t max);

// Runs `body`; an ArgError becomes a thrown JS Error with its code. Returns body's value.
template <typename Body>
Napi::Value guarded(const Napi::CallbackInfo& info, Body body) {
  try {
    return body();
  } catch (const ArgError& e) {
    make_error(info.Env(), e.code, e.message).ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
}

}  // namespace arkube::binding
