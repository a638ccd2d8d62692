#include "binding/promise_worker.h"

#include <exception>

#include "binding/args.h"

namespace arkube::binding {

namespace {
constexpr const char* kNativeFailure = "ERR_ARKUBE_NATIVE_FAILURE";
}

Napi::Promise PromiseWorker::start(Napi::Env env, const std::vector<Napi::Value>& keep_alive, Work work,
                                   Result result) {
  auto* worker = new PromiseWorker(env, keep_alive, std::move(work), std::move(result));
  Napi::Promise promise = worker->deferred_.Promise();
  worker->Queue();  // the worker deletes itself after OnOK/OnError
  return promise;
}

PromiseWorker::PromiseWorker(Napi::Env env, const std::vector<Napi::Value>& keep_alive, Work work, Result result)
    : Napi::AsyncWorker(env, "arkube:native"),
      deferred_(Napi::Promise::Deferred::New(env)),
      work_(std::move(work)),
      result_(std::move(result)) {
  keep_alive_.reserve(keep_alive.size());
  for (const Napi::Value& value : keep_alive) keep_alive_.push_back(Napi::Persistent(value));
}

void PromiseWorker::Execute() {
  try {
    work_();
  } catch (const std::exception& e) {
    SetError(e.what());
  }
}

void PromiseWorker::OnOK() {
  Napi::Env env = Env();
  deferred_.Resolve(result_ ? result_(env) : env.Undefined());
}

void PromiseWorker::OnError(const Napi::Error& error) {
  Napi::Env env = Env();
  deferred_.Reject(make_error(env, kNativeFailure, error.Message()).Value());
}

}  // namespace arkube::binding
