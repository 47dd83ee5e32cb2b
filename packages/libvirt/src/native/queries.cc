// Connection-level queries and domain creation: node facts, listing, lookup, define/create, stats.
#include "common.h"

#include <cstdlib>
#include <cstring>

namespace parley {
namespace {

Napi::Value GetHostname(const Napi::CallbackInfo& info) {
  auto h = SharedConn(info[0]);
  return Run(info.Env(), "virConnectGetHostname", Lane::Pool, [h]() -> Finish {
    ConnRef c(h->Acquire("virConnectGetHostname"));
    char* name = virConnectGetHostname(c.c);
    if (name == nullptr) ThrowLast("virConnectGetHostname");
    std::string s(name);
    free(name);
    return [s](Napi::Env env) { return Napi::String::New(env, s); };
  });
}

Napi::Value GetNodeInfo(const Napi::CallbackInfo& info) {
  auto h = SharedConn(info[0]);
  return Run(info.Env(), "virNodeGetInfo", Lane::Pool, [h]() -> Finish {
    ConnRef c(h->Acquire("virNodeGetInfo"));
    virNodeInfo ni;
    if (virNodeGetInfo(c.c, &ni) < 0) ThrowLast("virNodeGetInfo");
    return [ni](Napi::Env env) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("model", Napi::String::New(env, std::string(ni.model, strnlen(ni.model, sizeof ni.model))));
      o.Set("memoryKiB", Napi::Number::New(env, static_cast<double>(ni.memory)));
      o.Set("cpus", Napi::Number::New(env, ni.cpus));
      o.Set("mhz", Napi::Number::New(env, ni.mhz));
      o.Set("nodes", Napi::Number::New(env, ni.nodes));
      o.Set("sockets", Napi::Number::New(env, ni.sockets));
      o.Set("cores", Napi::Number::New(env, ni.cores));
      o.Set("threads", Napi::Number::New(env, ni.threads));
      return o;
    };
  });
}

Napi::Value GetNodeFreeMemory(const Napi::CallbackInfo& info) {
  auto h = SharedConn(info[0]);
  return Run(info.Env(), "virNodeGetFreeMemory", Lane::Pool, [h]() -> Finish {
    ConnRef c(h->Acquire("virNodeGetFreeMemory"));
    virResetLastError();
    unsigned long long bytes = virNodeGetFreeMemory(c.c);
    if (bytes == 0 && virGetLastError() != nullptr) ThrowLast("virNodeGetFreeMemory");
    return [bytes](Napi::Env env) { return Napi::Number::New(env, static_cast<double>(bytes)); };
  });
}

Napi::Value GetNodeCpuStats(const Napi::CallbackInfo& info) {
  auto h = SharedConn(info[0]);
  return Run(info.Env(), "virNodeGetCPUStats", Lane::Pool, [h]() -> Finish {
    ConnRef c(h->Acquire("virNodeGetCPUStats"));
    int n = 0;
    if (virNodeGetCPUStats(c.c, VIR_NODE_CPU_STATS_ALL_CPUS, nullptr, &n, 0) < 0) ThrowLast("virNodeGetCPUStats");
    std::vector<virNodeCPUStats> stats(n > 0 ? n : 1);
    if (n > 0 && virNodeGetCPUStats(c.c, VIR_NODE_CPU_STATS_ALL_CPUS, stats.data(), &n, 0) < 0) {
      ThrowLast("virNodeGetCPUStats");
    }
    std::vector<std::pair<std::string, double>> out;
    for (int i = 0; i < n; i++) {
      out.emplace_back(std::string(stats[i].field, strnlen(stats[i].field, VIR_NODE_CPU_STATS_FIELD_LENGTH)),
                       static_cast<double>(stats[i].value));
    }
    return [out](Napi::Env env) {
      Napi::Object o = Napi::Object::New(env);
      for (auto& [k, v] : out) o.Set(k, Napi::Number::New(env, v));
      return o;
    };
  });
}

Finish DomainsFinish(std::shared_ptr<ConnHandle> h, std::shared_ptr<FoundList> list) {
  return [h, list](Napi::Env env) {
    Napi::Array arr = Napi::Array::New(env, list->items.size());
    for (size_t i = 0; i < list->items.size(); i++) arr.Set(i, WrapDomain(env, h, list->items[i]));
    list->handed = true;
    return arr;
  };
}

Napi::Value ListAllDomains(const Napi::CallbackInfo& info) {
  auto h = SharedConn(info[0]);
  return Run(info.Env(), "virConnectListAllDomains", Lane::Pool, [h]() -> Finish {
    ConnRef c(h->Acquire("virConnectListAllDomains"));
    virDomainPtr* doms = nullptr;
    int n = virConnectListAllDomains(c.c, &doms, 0);
    if (n < 0) ThrowLast("virConnectListAllDomains");
    auto list = std::make_shared<FoundList>();
    for (int i = 0; i < n; i++) list->items.push_back(Describe(doms[i]));
    free(doms);
    return DomainsFinish(h, list);
  });
}

Finish OneDomain(std::shared_ptr<ConnHandle> h, virDomainPtr d) {
  auto list = std::make_shared<FoundList>();
  list->items.push_back(Describe(d));
  return [h, list](Napi::Env env) {
    list->handed = true;
    return WrapDomain(env, h, list->items[0]);
  };
}

// Calls fn(conn, arg) -> virDomainPtr on the given lane and wraps the result.
Napi::Value DomainCall(const Napi::CallbackInfo& info, const char* op, Lane lane,
                       virDomainPtr (*fn)(virConnectPtr, const std::string&)) {
  auto h = SharedConn(info[0]);
  std::string arg = info[1].As<Napi::String>();
  return Run(info.Env(), op, lane, [h, arg, op, fn]() -> Finish {
    ConnRef c(h->Acquire(op));
    virDomainPtr d = fn(c.c, arg);
    if (d == nullptr) ThrowLast(op);
    return OneDomain(h, d);
  });
}

Napi::Value LookupByName(const Napi::CallbackInfo& info) {
  return DomainCall(info, "virDomainLookupByName", Lane::Pool,
                    [](virConnectPtr c, const std::string& s) { return virDomainLookupByName(c, s.c_str()); });
}
Napi::Value LookupByUUID(const Napi::CallbackInfo& info) {
  return DomainCall(info, "virDomainLookupByUUIDString", Lane::Pool,
                    [](virConnectPtr c, const std::string& s) { return virDomainLookupByUUIDString(c, s.c_str()); });
}
Napi::Value DefineXML(const Napi::CallbackInfo& info) {
  return DomainCall(info, "virDomainDefineXML", Lane::Pool,
                    [](virConnectPtr c, const std::string& s) { return virDomainDefineXML(c, s.c_str()); });
}
Napi::Value CreateXML(const Napi::CallbackInfo& info) {
  return DomainCall(info, "virDomainCreateXML", Lane::OwnThread,
                    [](virConnectPtr c, const std::string& s) { return virDomainCreateXML(c, s.c_str(), 0); });
}

struct StatsRecord {
  std::string name;
  std::string uuid;
  std::vector<ParamValue> params;
};

Napi::Value GetAllDomainStats(const Napi::CallbackInfo& info) {
  auto h = SharedConn(info[0]);
  // stats: virDomainStatsTypes mask (0: all the driver supports); flags: virConnectGetAllDomainStatsFlags
  unsigned stats = info[1].IsNumber() ? info[1].As<Napi::Number>().Uint32Value() : 0;
  unsigned flags = info[2].IsNumber() ? info[2].As<Napi::Number>().Uint32Value() : 0;
  return Run(info.Env(), "virConnectGetAllDomainStats", Lane::Pool, [h, stats, flags]() -> Finish {
    ConnRef c(h->Acquire("virConnectGetAllDomainStats"));
    virDomainStatsRecordPtr* recs = nullptr;
    int n = virConnectGetAllDomainStats(c.c, stats, &recs, flags);
    if (n < 0) ThrowLast("virConnectGetAllDomainStats");
    auto out = std::make_shared<std::vector<StatsRecord>>();
    for (int i = 0; i < n; i++) {
      StatsRecord r;
      const char* name = virDomainGetName(recs[i]->dom);
      r.name = name != nullptr ? name : "";
      char uuid[VIR_UUID_STRING_BUFLEN] = {0};
      if (virDomainGetUUIDString(recs[i]->dom, uuid) == 0) r.uuid = uuid;
      r.params = CopyParams(recs[i]->params, recs[i]->nparams);
      out->push_back(std::move(r));
    }
    virDomainStatsRecordListFree(recs);
    return [out](Napi::Env env) {
      Napi::Array arr = Napi::Array::New(env, out->size());
      for (size_t i = 0; i < out->size(); i++) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("name", (*out)[i].name);
        o.Set("uuid", (*out)[i].uuid);
        o.Set("params", ParamsToJs(env, (*out)[i].params));
        arr.Set(i, o);
      }
      return arr;
    };
  });
}

}  // namespace

void InitConnQueries(Napi::Env env, Napi::Object exports) {
  exports.Set("connGetHostname", Napi::Function::New(env, GetHostname));
  exports.Set("connGetNodeInfo", Napi::Function::New(env, GetNodeInfo));
  exports.Set("connGetNodeFreeMemory", Napi::Function::New(env, GetNodeFreeMemory));
  exports.Set("connGetNodeCpuStats", Napi::Function::New(env, GetNodeCpuStats));
  exports.Set("connListAllDomains", Napi::Function::New(env, ListAllDomains));
  exports.Set("connLookupDomainByName", Napi::Function::New(env, LookupByName));
  exports.Set("connLookupDomainByUUID", Napi::Function::New(env, LookupByUUID));
  exports.Set("connDefineDomain", Napi::Function::New(env, DefineXML));
  exports.Set("connCreateDomain", Napi::Function::New(env, CreateXML));
  exports.Set("connGetAllDomainStats", Napi::Function::New(env, GetAllDomainStats));
}

}  // namespace parley
