// Live migration (peer-to-peer or client-managed) and job statistics.
#include "common.h"

#include <optional>

namespace parley {
namespace {

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
    return [](Napi::Env env) { return env.Undefined(); };
  });
}

}  // namespace

void InitMigrate(Napi::Env env, Napi::Object exports) {
  exports.Set("domainMigrate", Napi::Function::New(env, Migrate));
  exports.Set("domainGetJobStats", Napi::Function::New(env, GetJobStats));
}

}  // namespace parley
