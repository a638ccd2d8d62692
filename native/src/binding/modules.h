// One registration function per binding file; addon.cc calls them all.
#pragma once
#include <napi.h>

namespace arkube::binding {

void register_cpu(Napi::Env env, Napi::Object exports);       // cpu_binding.cc
void register_vdf(Napi::Env env, Napi::Object exports);       // vdf_binding.cc
void register_feistel(Napi::Env env, Napi::Object exports);   // feistel_binding.cc
void register_mining(Napi::Env env, Napi::Object exports);    // mining_binding.cc
void register_randomx(Napi::Env env, Napi::Object exports);   // randomx_binding.cc
void register_packing(Napi::Env env, Napi::Object exports);   // packing_binding.cc

}  // namespace arkube::binding
