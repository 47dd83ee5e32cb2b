// libvirt errors -> LvFailure (worker threads) -> JS error objects (JS thread).
#include "common.h"

namespace parley {

void ThrowLast(const char* operation) {
  LvFailure f;
  f.err.operation = operation;
  virErrorPtr e = virGetLastError();  // thread-local: the error of the call that just failed here
  if (e != nullptr) {
    f.err.code = e->code;
    f.err.domain = e->domain;
    f.err.level = e->level;
    f.err.message = e->message != nullptr ? e->message : "unknown libvirt error";
  } else {
    f.err.message = std::string(operation) + " failed without a libvirt error";
  }
  virResetLastError();
  throw f;
}

void ThrowOwn(int code, const std::string& message, const char* operation) {
  LvFailure f;
  f.err.code = code;
  f.err.message = message;
  f.err.operation = operation;
  throw f;
}

Napi::Value ErrorToJs(Napi::Env env, const LvError& e) {
  Napi::Object o = Napi::Error::New(env, e.message).Value();
  o.Set("libvirt", Napi::Boolean::New(env, true));
  o.Set("code", Napi::Number::New(env, e.code));
  o.Set("domain", Napi::Number::New(env, e.domain));
  o.Set("level", Napi::Number::New(env, e.level));
  o.Set("operation", Napi::String::New(env, e.operation));
  return o;
}

}  // namespace parley
