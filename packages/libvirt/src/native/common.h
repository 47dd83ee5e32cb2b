// Shared declarations of the @parley/libvirt addon.
// Threading: every libvirt call runs off the JS thread. Short calls use the libuv pool (AsyncWorker);
// calls that may block for long (open, start, destroy, migrate, close) get their own std::thread and
// settle their promise through a thread-safe function, so a migration never holds a pool thread.
#pragma once
#include <napi.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace parley {

struct LvError {
  int code = VIR_ERR_INTERNAL_ERROR;
  int domain = VIR_FROM_NONE;
  int level = VIR_ERR_ERROR;
  std::string message;
  std::string operation;
};

// Thrown on worker threads only; becomes a rejected promise on the JS thread.
struct LvFailure {
  LvError err;
};

// Reads this thread's libvirt error (virGetLastError is thread-local) and throws it. Must be called
// right after the failing call, before any libvirt object is freed (a free resets the error).
[[noreturn]] void ThrowLast(const char* operation);
[[noreturn]] void ThrowOwn(int code, const std::string& message, const char* operation);
Napi::Value ErrorToJs(Napi::Env env, const LvError& e);

// Work runs off the JS thread and returns the conversion to run on the JS thread.
using Finish = std::function<Napi::Value(Napi::Env)>;
using Work = std::function<Finish()>;
enum class Lane { Pool, OwnThread };
Napi::Promise Run(Napi::Env env, const char* operation, Lane lane, Work work);

// Live native handles (for leak tests): wrapped connections and domains not yet freed.
struct HandleCounts {
  static std::atomic<long> connections;
  static std::atomic<long> domains;
};

// Frees libvirt objects off the JS thread (a last unref of a remote connection does network I/O).
void PostCleanup(std::function<void()> task);

// One libvirt connection. The JS side holds it in an External; every call takes its own reference
// (virConnectRef) so close() only drops the primary one and in-flight calls finish safely.
struct ConnHandle {
  std::mutex mu;
  virConnectPtr conn = nullptr;
  bool closed = false;
  std::string uri;
  std::vector<int> lifecycleIds;
  bool closeCallback = false;

  // A referenced connection for one call, or throws VIR_ERR_INVALID_CONN when closed.
  virConnectPtr Acquire(const char* operation);
  bool IsClosed();
};

// Drops a reference taken by ConnHandle::Acquire or virConnectOpen.
struct ConnRef {
  virConnectPtr c;
  explicit ConnRef(virConnectPtr c) : c(c) {}
  ~ConnRef() { if (c) virConnectClose(c); }
  ConnRef(const ConnRef&) = delete;
  ConnRef& operator=(const ConnRef&) = delete;
};

struct DomRef {
  virDomainPtr d;
  explicit DomRef(virDomainPtr d) : d(d) {}
  ~DomRef() { if (d) virDomainFree(d); }
  DomRef(const DomRef&) = delete;
  DomRef& operator=(const DomRef&) = delete;
};

struct DomainHandle {
  std::shared_ptr<ConnHandle> conn;
  virDomainPtr dom;
  std::string name;
  std::string uuid;
  // A referenced domain for one call, or throws when its connection was closed.
  virDomainPtr Acquire(const char* operation);
};

// A domain found on a worker thread, not yet wrapped for JS. Owns one reference.
struct FoundDomain {
  virDomainPtr dom;
  std::string name;
  std::string uuid;
};
FoundDomain Describe(virDomainPtr dom);  // takes ownership of dom's reference
Napi::Object WrapDomain(Napi::Env env, const std::shared_ptr<ConnHandle>& conn, FoundDomain found);
// Frees domains that will never reach JS (error paths).
struct FoundList {
  std::vector<FoundDomain> items;
  bool handed = false;
  ~FoundList();
};

ConnHandle* ConnFrom(const Napi::Value& v);
std::shared_ptr<ConnHandle> SharedConn(const Napi::Value& v);
std::shared_ptr<DomainHandle> SharedDomain(const Napi::Value& v);

// Typed parameters, copied off libvirt memory so they can cross threads.
struct ParamValue {
  enum Kind { Num, Bool, Str } kind;
  std::string name;
  double num = 0;
  bool b = false;
  std::string s;
};
std::vector<ParamValue> CopyParams(virTypedParameterPtr params, int n);
Napi::Object ParamsToJs(Napi::Env env, const std::vector<ParamValue>& params);

void InitConnection(Napi::Env env, Napi::Object exports);
void InitConnQueries(Napi::Env env, Napi::Object exports);
void InitDomain(Napi::Env env, Napi::Object exports);
void InitMigrate(Napi::Env env, Napi::Object exports);
void InitEvents(Napi::Env env, Napi::Object exports);
// Deregisters lifecycle callbacks; called before the connection's primary reference is dropped.
void DropLifecycle(virConnectPtr conn, const std::vector<int>& lifecycleIds);

}  // namespace parley
