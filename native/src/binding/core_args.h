// Argument helpers for the hashing bindings (VDF, Feistel, mining, SHA-256), on top of args.h.
#pragma once
#include <napi.h>

#include "binding/args.h"
#include "core/sha256.h"

namespace arkube::binding {

// The SHA-256 implementation named by a string argument: "auto" (the best this CPU runs), "ni"
// (SHA-NI), "avx512" (16-lane batches; single streams as "auto" would) or "portable". Naming one
// the CPU cannot run is ERR_ARKUBE_NO_CPU_FEATURE.
sha256::Impl sha_impl_arg(const Napi::CallbackInfo& info, size_t index);

// A thread count in [1, kThreadsPerCallMax].
unsigned threads_arg(const Napi::CallbackInfo& info, size_t index);

// A Buffer/Uint8Array of `expected` bytes, or null/undefined (data == nullptr).
ByteView optional_bytes_arg(const Napi::CallbackInfo& info, size_t index, const char* name, size_t expected);

// Throws ERR_ARKUBE_BAD_ARGUMENT when `output` overlaps `input` other than by being exactly the
// same bytes (in-place operation is allowed only where `allow_same` is true).
void check_overlap(const ByteView& input, const char* input_name, const ByteView& output, const char* output_name,
                   bool allow_same);

}  // namespace arkube::binding
