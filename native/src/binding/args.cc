#include "binding/args.h"

#include <cmath>

namespace arkube::binding {

Napi::Error make_error(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("code", Napi::String::New(env, code));
  return err;
}

ByteView bytes_arg(const Napi::CallbackInfo& info, size_t index, const char* name, size_t expected) {
  if (info.Length() <= index || !info[index].IsTypedArray()) {
    throw ArgError{kBadArgument, std::string(name) + " must be a Buffer or Uint8Array"};
  }
  Napi::TypedArray array = info[index].As<Napi::TypedArray>();
  if (array.TypedArrayType() != napi_uint8_array) {
    throw ArgError{kBadArgument, std::string(name) + " must be a Buffer or Uint8Array"};
  }
  Napi::Uint8Array bytes = array.As<Napi::Uint8Array>();
  if (expected != 0 && bytes.ByteLength() != expected) {
    throw ArgError{kBadLength, std::string(name) + " must be " + std::to_string(expected) + " bytes, got " +
                                   std::to_string(bytes.ByteLength())};
  }
  return ByteView{bytes.Data(), bytes.ByteLength()};
}

int64_t int_arg(const Napi::CallbackInfo& info, size_t index, const char* name, int64_t min, int64_t max) {
  if (info.Length() <= index || !info[index].IsNumber()) {
    throw ArgError{kBadArgument, std::string(name) + " must be a number"};
  }
  double value = info[index].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(value) || std::floor(value) != value || value < static_cast<double>(min) ||
      value > static_cast<double>(max)) {
    throw ArgError{kBadArgument, std::string(name) + " must be an integer in [" + std::to_string(min) + ", " +
                                     std::to_string(max) + "], got " + std::to_string(value)};
  }
  return static_cast<int64_t>(value);
}

}  // namespace arkube::binding
