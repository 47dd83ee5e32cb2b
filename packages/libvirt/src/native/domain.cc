// Domain handles and domain-level calls: info, XML, state changes, abort.
#include "common.h"

#include <cstdlib>

namespace parley {

FoundDomain Describe(virDomainPtr dom) {
  FoundDomain f{dom, "", ""};
  const char* name = virDomainGetName(dom);  // both local: no RPC
  if (name != nullptr) f.name = name;
  char uuid[VIR_UUID_STRING_BUFLEN] = {0};
  if (virDomainGetUUIDString(dom, uuid) == 0) f.uuid = uuid;
  return f;
}

FoundList::~FoundList() {
  if (handed) return;
  for (auto& f : items) virDomainFree(f.dom);
}

virDomainPtr DomainHandle::Acquire(const char* operation) {
  if (conn->IsClosed()) ThrowOwn(VIR_ERR_INVALID_CONN, "connection to " + conn->uri + " is closed", operation);
  virDomainRef(dom);
  return dom;
}

const napi_type_tag kDomainTag = {0x7061726c65792d64ULL, 0x6f6d61696e2d2d2dULL};

struct DomainBox {
  std::shared_ptr<DomainHandle> h;
};

std::shared_ptr<DomainHandle> SharedDomain(const Napi::Value& v) {
  if (!v.IsExternal() || !v.As<Napi::External<DomainBox>>().CheckTypeTag(&kDomainTag)) {
    throw Napi::TypeError::New(v.Env(), "expected a domain handle");
  }
  return v.As<Napi::External<DomainBox>>().Data()->h;
}

namespace {

Finish Undefined() {
  return [](Napi::Env env) { return env.Undefined(); };
}

// A call that only succeeds or fails (virDomainCreate, Shutdown, Destroy, Undefine, AbortJob).
Napi::Value VoidCall(const Napi::CallbackInfo& info, const char* op, Lane lane, int (*fn)(virDomainPtr)) {
  auto h = SharedDomain(info[0]);
  return Run(info.Env(), op, lane, [h, op, fn]() -> Finish {
    DomRef d(h->Acquire(op));
    if (fn(d.d) < 0) ThrowLast(op);
    return Undefined();
  });
}

Napi::Value Start(const Napi::CallbackInfo& info) { return VoidCall(info, "virDomainCreate", Lane::OwnThread, virDomainCreate); }
Napi::Value Shutdown(const Napi::CallbackInfo& info) { return VoidCall(info, "virDomainShutdown", Lane::Pool, virDomainShutdown); }
Napi::Value Destroy(const Napi::CallbackInfo& info) { return VoidCall(info, "virDomainDestroy", Lane::OwnThread, virDomainDestroy); }
Napi::Value Undefine(const Napi::CallbackInfo& info) { return VoidCall(info, "virDomainUndefine", Lane::Pool, virDomainUndefine); }
Napi::Value AbortJob(const Napi::CallbackInfo& info) { return VoidCall(info, "virDomainAbortJob", Lane::Pool, virDomainAbortJob); }

Napi::Value BoolCall(const Napi::CallbackInfo& info, const char* op, int (*fn)(virDomainPtr)) {
  auto h = SharedDomain(info[0]);
  return Run(info.Env(), op, Lane::Pool, [h, op, fn]() -> Finish {
    DomRef d(h->Acquire(op));
    int r = fn(d.d);
    if (r < 0) ThrowLast(op);
    return [r](Napi::Env env) { return Napi::Boolean::New(env, r == 1); };
  });
}

Napi::Value IsActive(const Napi::CallbackInfo& info) { return BoolCall(info, "virDomainIsActive", virDomainIsActive); }
Napi::Value IsPersistent(const Napi::CallbackInfo& info) { return BoolCall(info, "virDomainIsPersistent", virDomainIsPersistent); }

Napi::Value GetInfo(const Napi::CallbackInfo& info) {
  auto h = SharedDomain(info[0]);
  return Run(info.Env(), "virDomainGetInfo", Lane::Pool, [h]() -> Finish {
    DomRef d(h->Acquire("virDomainGetInfo"));
    virDomainInfo di;
    if (virDomainGetInfo(d.d, &di) < 0) ThrowLast("virDomainGetInfo");
    return [di](Napi::Env env) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("state", Napi::Number::New(env, di.state));
      o.Set("maxMemKiB", Napi::Number::New(env, static_cast<double>(di.maxMem)));
      o.Set("memoryKiB", Napi::Number::New(env, static_cast<double>(di.memory)));
      o.Set("vcpus", Napi::Number::New(env, di.nrVirtCpu));
      o.Set("cpuTimeNs", Napi::Number::New(env, static_cast<double>(di.cpuTime)));
      return o;
    };
  });
}

Napi::Value GetXMLDesc(const Napi::CallbackInfo& info) {
  auto h = SharedDomain(info[0]);
  unsigned flags = info[1].IsNumber() ? info[1].As<Napi::Number>().Uint32Value() : 0;
  return Run(info.Env(), "virDomainGetXMLDesc", Lane::Pool, [h, flags]() -> Finish {
    DomRef d(h->Acquire("virDomainGetXMLDesc"));
    char* xml = virDomainGetXMLDesc(d.d, flags);
    if (xml == nullptr) ThrowLast("virDomainGetXMLDesc");
    std::string s(xml);
    free(xml);
    return [s](Napi::Env env) { return Napi::String::New(env, s); };
  });
}

}  // namespace

Napi::Object WrapDomain(Napi::Env env, const std::shared_ptr<ConnHandle>& conn, FoundDomain found) {
  auto h = std::make_shared<DomainHandle>(DomainHandle{conn, found.dom, found.name, found.uuid});
  auto* box = new DomainBox{h};
  Napi::Object o = Napi::Object::New(env);
  auto ext = Napi::External<DomainBox>::New(env, box, [](Napi::Env, DomainBox* b) {
    PostCleanup([b] {
      virDomainFree(b->h->dom);
      delete b;
      HandleCounts::domains--;
    });
  });
  ext.TypeTag(&kDomainTag);
  HandleCounts::domains++;
  o.Set("handle", ext);
  o.Set("name", found.name);
  o.Set("uuid", found.uuid);
  return o;
}

void InitDomain(Napi::Env env, Napi::Object exports) {
  exports.Set("domainGetInfo", Napi::Function::New(env, GetInfo));
  exports.Set("domainGetXMLDesc", Napi::Function::New(env, GetXMLDesc));
  exports.Set("domainIsActive", Napi::Function::New(env, IsActive));
  exports.Set("domainIsPersistent", Napi::Function::New(env, IsPersistent));
  exports.Set("domainStart", Napi::Function::New(env, Start));
  exports.Set("domainShutdown", Napi::Function::New(env, Shutdown));
  exports.Set("domainDestroy", Napi::Function::New(env, Destroy));
  exports.Set("domainUndefine", Napi::Function::New(env, Undefine));
  exports.Set("domainAbortJob", Napi::Function::New(env, AbortJob));
}

}  // namespace parley
