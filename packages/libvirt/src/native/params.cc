// Typed parameters (stats, job info) copied into plain values, then into JS objects.
#include "common.h"

namespace parley {

std::vector<ParamValue> CopyParams(virTypedParameterPtr params, int n) {
  std::vector<ParamValue> out;
  out.reserve(n > 0 ? n : 0);
  for (int i = 0; i < n; i++) {
    const virTypedParameter& p = params[i];
    ParamValue v;
    v.kind = ParamValue::Num;
    v.name = p.field;
    switch (p.type) {
      case VIR_TYPED_PARAM_INT: v.num = p.value.i; break;
      case VIR_TYPED_PARAM_UINT: v.num = p.value.ui; break;
      case VIR_TYPED_PARAM_LLONG: v.num = static_cast<double>(p.value.l); break;
      case VIR_TYPED_PARAM_ULLONG: v.num = static_cast<double>(p.value.ul); break;
      case VIR_TYPED_PARAM_DOUBLE: v.num = p.value.d; break;
      case VIR_TYPED_PARAM_BOOLEAN:
        v.kind = ParamValue::Bool;
        v.b = p.value.b != 0;
        break;
      case VIR_TYPED_PARAM_STRING:
        v.kind = ParamValue::Str;
        v.s = p.value.s != nullptr ? p.value.s : "";
        break;
      default: continue;
    }
    out.push_back(std::move(v));
  }
  return out;
}

Napi::Object ParamsToJs(Napi::Env env, const std::vector<ParamValue>& params) {
  Napi::Object o = Napi::Object::New(env);
  for (const auto& p : params) {
    switch (p.kind) {
      case ParamValue::Num: o.Set(p.name, Napi::Number::New(env, p.num)); break;
      case ParamValue::Bool: o.Set(p.name, Napi::Boolean::New(env, p.b)); break;
      case ParamValue::Str: o.Set(p.name, Napi::String::New(env, p.s)); break;
    }
  }
  return o;
}

}  // namespace parley
