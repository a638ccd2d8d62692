// Runs a long native operation on the libuv thread pool and settles a Promise with its result.
// The JS buffers the work reads and writes are referenced until the promise settles, so the
// work can use their memory directly (no copies) while JS goes on.
#pragma once
#include <napi.h>

#include <functional>
#include <vector>

namespace arkube::binding {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Work = std::function<void()>;                  // runs on a pool thread: no N-API calls
  using Result = std::function<Napi::Value(Napi::Env)>;  // runs on the JS thread afterwards

  // Queues `work`; the promise resolves with result(env) (undefined when result is empty), or
  // rejects with an ERR_ARKUBE_NATIVE_FAILURE error if work throws.
  static Napi::Promise start(Napi::Env env, const std::vector<Napi::Value>& keep_alive, Work work,
                             Result result = nullptr);

 protected:
  void Execute() override;
  void OnOK() override;
  void OnError(const Napi::Error& error) override;

 private:
  PromiseWorker(Napi::Env env, const std::vector<Napi::Value>& keep_alive, Work work, Result result);

  Napi::Promise::Deferred deferred_;
  std::vector<Napi::Reference<Napi::Value>> keep_alive_;
  Work work_;
  Result result_;
};

}  // namespace arkube::binding
