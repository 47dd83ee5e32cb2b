// Lifecycle events: libvirt's default event loop runs on its own thread (started in addon.cc);
// callbacks fire there and reach JS through an unref'd thread-safe function.
#include "common.h"

#include <algorithm>

namespace parley {
namespace {

struct LifecycleEvent {
  std::string name;
  std::string uuid;
  int event;
  int detail;
};

struct LifecycleSub {
  Napi::ThreadSafeFunction tsfn;
};

int OnLifecycle(virConnectPtr, virDomainPtr dom, int event, int detail, void* opaque) {
  auto* sub = static_cast<LifecycleSub*>(opaque);
  FoundDomain f = Describe(dom);  // borrowed dom: do not free
  auto* ev = new LifecycleEvent{f.name, f.uuid, event, detail};
  napi_status st = sub->tsfn.NonBlockingCall(ev, [](Napi::Env env, Napi::Function fn, LifecycleEvent* e) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("domain", e->name);
    o.Set("uuid", e->uuid);
    o.Set("event", Napi::Number::New(env, e->event));
    o.Set("detail", Napi::Number::New(env, e->detail));
    delete e;
    fn.Call({o});
  });
  if (st != napi_ok) delete ev;
  return 0;
}

void FreeSub(void* opaque) {
  auto* sub = static_cast<LifecycleSub*>(opaque);
  sub->tsfn.Release();
  delete sub;
}

Napi::Value Subscribe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto h = SharedConn(info[0]);
  auto* sub = new LifecycleSub{Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "parley-libvirt:lifecycle", 0, 1)};
  sub->tsfn.Unref(env);  // a listener alone does not keep the process alive
  return Run(env, "virConnectDomainEventRegisterAny", Lane::Pool, [h, sub]() -> Finish {
    virConnectPtr raw;
    try {
      raw = h->Acquire("virConnectDomainEventRegisterAny");
    } catch (...) {
      FreeSub(sub);
      throw;
    }
    ConnRef c(raw);
    int id = virConnectDomainEventRegisterAny(c.c, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                              VIR_DOMAIN_EVENT_CALLBACK(OnLifecycle), sub, FreeSub);
    if (id < 0) {
      LvFailure f;
      try {
        ThrowLast("virConnectDomainEventRegisterAny");
      } catch (LvFailure& e) {
        f = e;
      }
      FreeSub(sub);  // libvirt does not call the free callback when registration fails
      throw f;
    }
    bool closedMeanwhile;
    {
      std::lock_guard<std::mutex> lock(h->mu);
      closedMeanwhile = h->closed;
      if (!closedMeanwhile) h->lifecycleIds.push_back(id);
    }
    if (closedMeanwhile) {  // close() ran during registration and could not see this id
      virConnectDomainEventDeregisterAny(c.c, id);
      ThrowOwn(VIR_ERR_INVALID_CONN, "connection to " + h->uri + " is closed", "virConnectDomainEventRegisterAny");
    }
    return [id](Napi::Env env) { return Napi::Number::New(env, id); };
  });
}

Napi::Value Unsubscribe(const Napi::CallbackInfo& info) {
  auto h = SharedConn(info[0]);
  int id = info[1].As<Napi::Number>().Int32Value();
  return Run(info.Env(), "virConnectDomainEventDeregisterAny", Lane::Pool, [h, id]() -> Finish {
    virConnectPtr raw = nullptr;
    {
      std::lock_guard<std::mutex> lock(h->mu);
      auto& ids = h->lifecycleIds;
      auto it = std::find(ids.begin(), ids.end(), id);
      if (it == ids.end() || h->closed) return [](Napi::Env env) { return env.Undefined(); };  // already gone
      ids.erase(it);
      raw = h->conn;
      virConnectRef(raw);
    }
    ConnRef c(raw);
    if (virConnectDomainEventDeregisterAny(c.c, id) < 0) ThrowLast("virConnectDomainEventDeregisterAny");
    return [](Napi::Env env) { return env.Undefined(); };
  });
}

}  // namespace

void DropLifecycle(virConnectPtr conn, const std::vector<int>& lifecycleIds) {
  for (int id : lifecycleIds) virConnectDomainEventDeregisterAny(conn, id);
  virResetLastError();
}

void InitEvents(Napi::Env env, Napi::Object exports) {
  exports.Set("connSubscribeLifecycle", Napi::Function::New(env, Subscribe));
  exports.Set("connUnsubscribeLifecycle", Napi::Function::New(env, Unsubscribe));
}

}  // namespace parley
