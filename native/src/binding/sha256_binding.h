// SHA-256 exports (registered by vdf_binding.cc, see there):
//
//   sha256(sha, data): Buffer                               one-shot, any length (sync)
//   sha256Each(sha, data, pieceBytes, digestsOut): Promise<void>
//       SHA-256 of each consecutive pieceBytes-sized piece of data (pieces of 64 bytes take the
//       fixed-size path), digests written consecutively.
#pragma once
#include <napi.h>

namespace arkube::binding {

void register_sha256(Napi::Env env, Napi::Object exports);

}  // namespace arkube::binding
