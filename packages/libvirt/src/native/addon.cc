// Module entry: one-time libvirt setup (error silencing, default event loop on its own thread)
// and the exported functions.
#include "common.h"

#include <thread>

namespace parley {
namespace {

void Silent(void*, virErrorPtr) {}  // errors are reported through promises, not stderr

void StartOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    virInitialize();
    virSetErrorFunc(nullptr, Silent);
    // Must precede every virConnectOpen: connections bind to the event impl present at open.
    virEventRegisterDefaultImpl();
    std::thread([] {
      for (;;) {
        if (virEventRunDefaultImpl() < 0) virResetLastError();
      }
    }).detach();
  });
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  StartOnce();
  InitConnection(env, exports);
  InitConnQueries(env, exports);
  InitDomain(env, exports);
  InitMigrate(env, exports);
  InitEvents(env, exports);
  exports.Set("liveHandles", Napi::Function::New(env, [](const Napi::CallbackInfo& info) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("connections", Napi::Number::New(info.Env(), static_cast<double>(HandleCounts::connections.load())));
    o.Set("domains", Napi::Number::New(info.Env(), static_cast<double>(HandleCounts::domains.load())));
    return o;
  }));
  unsigned long version = 0;
  virGetVersion(&version, nullptr, nullptr);
  exports.Set("libvirtVersion", Napi::Number::New(env, static_cast<double>(version)));
  return exports;
}

}  // namespace parley

static Napi::Object InitParleyLibvirt(Napi::Env env, Napi::Object exports) { return parley::Init(env, exports); }
NODE_API_MODULE(parley_libvirt, InitParleyLibvirt)
