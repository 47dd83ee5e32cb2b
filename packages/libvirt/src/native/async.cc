// Promise plumbing: the libuv pool for short calls, a dedicated thread for long ones, and a
// cleanup thread that frees libvirt objects released by the garbage collector.
#include "common.h"

#include <condition_variable>
#include <deque>
#include <thread>

namespace parley {

std::atomic<long> HandleCounts::connections{0};
std::atomic<long> HandleCounts::domains{0};

namespace {

struct Outcome {
  Finish finish;
  bool failed = false;
  LvError err;
};

Outcome Execute(const std::string& op, Work& work) {
  Outcome o;
  try {
    o.finish = work();
  } catch (const LvFailure& f) {
    o.failed = true;
    o.err = f.err;
  } catch (const std::exception& e) {
    o.failed = true;
    o.err.message = e.what();
    o.err.operation = op;
  }
  return o;
}

void Settle(Napi::Env env, Napi::Promise::Deferred& deferred, Outcome& o) {
  if (o.failed) {
    deferred.Reject(ErrorToJs(env, o.err));
    return;
  }
  try {
    deferred.Resolve(o.finish(env));
  } catch (const Napi::Error& e) {
    deferred.Reject(e.Value());
  }
}

class PoolJob : public Napi::AsyncWorker {
 public:
  PoolJob(Napi::Env env, const char* op, Work work)
      : Napi::AsyncWorker(env, op), deferred_(Napi::Promise::Deferred::New(env)), op_(op), work_(std::move(work)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override { outcome_ = parley::Execute(op_, work_); }
  void OnOK() override { Settle(Env(), deferred_, outcome_); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::string op_;
  Work work_;
  Outcome outcome_;
};

struct ThreadJob {
  Napi::Promise::Deferred deferred;
  std::string op;
  Work work;
  Outcome outcome;
};

void SettleThreadJob(Napi::Env env, Napi::Function, std::nullptr_t*, ThreadJob* job) {
  if (env != nullptr) Settle(env, job->deferred, job->outcome);
  delete job;
}

using ThreadTsfn = Napi::TypedThreadSafeFunction<std::nullptr_t, ThreadJob, SettleThreadJob>;

class Janitor {
 public:
  Janitor() { std::thread([this] { Loop(); }).detach(); }
  void Post(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
  }

 private:
  void Loop() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return !tasks_.empty(); });
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
      virResetLastError();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
};

}  // namespace

Napi::Promise Run(Napi::Env env, const char* operation, Lane lane, Work work) {
  if (lane == Lane::Pool) {
    auto* job = new PoolJob(env, operation, std::move(work));
    Napi::Promise p = job->Promise();
    job->Queue();
    return p;
  }
  auto* job = new ThreadJob{Napi::Promise::Deferred::New(env), operation, std::move(work), {}};
  Napi::Promise p = job->deferred.Promise();
  ThreadTsfn tsfn = ThreadTsfn::New(env, operation, 0, 1);
  std::thread([tsfn, job]() mutable {
    job->outcome = Execute(job->op, job->work);
    job->work = nullptr;
    if (tsfn.BlockingCall(job) != napi_ok) delete job;
    tsfn.Release();
  }).detach();
  return p;
}

void PostCleanup(std::function<void()> task) {
  static Janitor* janitor = new Janitor();  // never destroyed: its thread runs until exit
  janitor->Post(std::move(task));
}

}  // namespace parley
