// Domain-level calls: info, XML, state changes, migration, job stats and abort.
#include "common.h"

#include <cstdlib>
#include <optional>

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

namespace {

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

Napi::Value GetJobStats(const Napi::CallbackInfo& info) {
  auto h = SharedDomain(info[0]);
  unsigned flags = info[1].ToBoolean() ? VIR_DOMAIN_JOB_STATS_COMPLETED : 0;
  return Run(info.Env(), "virDomainGetJobStats", Lane::Pool, [h, flags]() -> Finish {
    DomRef d(h->Acquire("virDomainGetJobStats"));
    int type = 0;
    virTypedParameterPtr params = nullptr;
    int n = 0;
    if (virDomainGetJobStats(d.d, &type, &params, &n, flags) < 0) ThrowLast("virDomainGetJobStats");
    auto copied = CopyParams(params, n);
    virTypedParamsFree(params, n);
    return [type, copied](Napi::Env env) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("type", Napi::Number::New(env, type));
      o.Set("params", ParamsToJs(env, copied));
      return o;
    };
  });
}

struct MigrateArgs {
  std::string dconnuri;
  std::optional<std::string> destUri, destName, destXml;
  std::optional<unsigned long long> bandwidth;
  unsigned flags = 0;
};

std::optional<std::string> OptString(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined() || v.IsNull()) return std::nullopt;
  if (!v.IsString()) throw Napi::TypeError::New(o.Env(), std::string("migrate: ") + key + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

MigrateArgs ParseMigrate(const Napi::CallbackInfo& info) {
  MigrateArgs a;
  if (!info[1].IsString()) throw Napi::TypeError::New(info.Env(), "migrate: the destination URI must be a string");
  a.dconnuri = info[1].As<Napi::String>();
  Napi::Object p = info[2].IsObject() ? info[2].As<Napi::Object>() : Napi::Object::New(info.Env());
  a.destUri = OptString(p, "destUri");
  a.destName = OptString(p, "destName");
  a.destXml = OptString(p, "destXml");
  Napi::Value bw = p.Get("bandwidthMiBs");
  if (!bw.IsUndefined() && !bw.IsNull()) {
    double v = bw.IsNumber() ? bw.As<Napi::Number>().DoubleValue() : -1;
    if (!(v >= 0)) throw Napi::TypeError::New(info.Env(), "migrate: bandwidthMiBs must be a number >= 0");
    a.bandwidth = static_cast<unsigned long long>(v);
  }
  Napi::Object f = info[3].IsObject() ? info[3].As<Napi::Object>() : Napi::Object::New(info.Env());
  struct { const char* key; unsigned bit; } bits[] = {
      {"live", VIR_MIGRATE_LIVE},
      {"peer2peer", VIR_MIGRATE_PEER2PEER},
      {"persistDest", VIR_MIGRATE_PERSIST_DEST},
      {"undefineSource", VIR_MIGRATE_UNDEFINE_SOURCE},
      {"tunnelled", VIR_MIGRATE_TUNNELLED},
      {"autoConverge", VIR_MIGRATE_AUTO_CONVERGE},
      {"abortOnError", VIR_MIGRATE_ABORT_ON_ERROR},
  };
  for (auto& b : bits) {
    if (f.Get(b.key).ToBoolean()) a.flags |= b.bit;
  }
  return a;
}

struct TypedParams {
  virTypedParameterPtr p = nullptr;
  int n = 0;
  int max = 0;
  ~TypedParams() { virTypedParamsFree(p, n); }
  void Str(const char* key, const std::optional<std::string>& v) {
    if (v && virTypedParamsAddString(&p, &n, &max, key, v->c_str()) < 0) ThrowLast("virTypedParamsAddString");
  }
};

Napi::Value Migrate(const Napi::CallbackInfo& info) {
  auto h = SharedDomain(info[0]);
  MigrateArgs a = ParseMigrate(info);
  const char* op = (a.flags & VIR_MIGRATE_PEER2PEER) ? "virDomainMigrateToURI3" : "virDomainMigrate3";
  return Run(info.Env(), op, Lane::OwnThread, [h, a, op]() -> Finish {
    DomRef d(h->Acquire(op));
    TypedParams tp;
    tp.Str(VIR_MIGRATE_PARAM_URI, a.destUri);
    tp.Str(VIR_MIGRATE_PARAM_DEST_NAME, a.destName);
    tp.Str(VIR_MIGRATE_PARAM_DEST_XML, a.destXml);
    if (a.bandwidth && virTypedParamsAddULLong(&tp.p, &tp.n, &tp.max, VIR_MIGRATE_PARAM_BANDWIDTH, *a.bandwidth) < 0) {
      ThrowLast("virTypedParamsAddULLong");
    }
    if (a.flags & VIR_MIGRATE_PEER2PEER) {
      // The source daemon connects to dconnuri itself.
      if (virDomainMigrateToURI3(d.d, a.dconnuri.c_str(), tp.p, tp.n, a.flags) < 0) ThrowLast(op);
    } else {
      // Client-managed migration (what `virsh migrate` does without --p2p): we open the destination.
      ConnRef dconn(virConnectOpenAuth(a.dconnuri.c_str(), nullptr, 0));
      if (dconn.c == nullptr) ThrowLast("virConnectOpen");
      if (virConnectSetKeepAlive(dconn.c, 5, 3) < 0) virResetLastError();
      DomRef moved(virDomainMigrate3(d.d, dconn.c, tp.p, tp.n, a.flags));
      if (moved.d == nullptr) ThrowLast(op);
    }
    return Undefined();
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

DomainHandle* DomainFrom(const Napi::Value& v) { return SharedDomain(v).get(); }

void InitDomain(Napi::Env env, Napi::Object exports) {
  exports.Set("domainGetInfo", Napi::Function::New(env, GetInfo));
  exports.Set("domainGetXMLDesc", Napi::Function::New(env, GetXMLDesc));
  exports.Set("domainIsActive", Napi::Function::New(env, IsActive));
  exports.Set("domainIsPersistent", Napi::Function::New(env, IsPersistent));
  exports.Set("domainStart", Napi::Function::New(env, Start));
  exports.Set("domainShutdown", Napi::Function::New(env, Shutdown));
  exports.Set("domainDestroy", Napi::Function::New(env, Destroy));
  exports.Set("domainUndefine", Napi::Function::New(env, Undefine));
  exports.Set("domainMigrate", Napi::Function::New(env, Migrate));
  exports.Set("domainGetJobStats", Napi::Function::New(env, GetJobStats));
  exports.Set("domainAbortJob", Napi::Function::New(env, AbortJob));
}

}  // namespace parley
