// Connections: the shared handle, open (with keep-alive and the close callback) and close.
#include "common.h"


namespace parley {

virConnectPtr ConnHandle::Acquire(const char* operation) {
  std::lock_guard<std::mutex> lock(mu);
  if (closed || conn == nullptr) ThrowOwn(VIR_ERR_INVALID_CONN, "connection to " + uri + " is closed", operation);
  virConnectRef(conn);
  return conn;
}

bool ConnHandle::IsClosed() {
  std::lock_guard<std::mutex> lock(mu);
  return closed;
}

namespace {

using CloseTsfn = std::shared_ptr<Napi::ThreadSafeFunction>;

void OnConnClosed(virConnectPtr, int reason, void* opaque) {
  auto& t = *static_cast<CloseTsfn*>(opaque);
  t->NonBlockingCall([reason](Napi::Env env, Napi::Function fn) { fn.Call({Napi::Number::New(env, reason)}); });
}

void FreeCloseCtx(void* opaque) {
  auto* t = static_cast<CloseTsfn*>(opaque);
  (*t)->Release();
  delete t;
}

const napi_type_tag kConnTag = {0x7061726c65792d63ULL, 0x6f6e6e656374696fULL};

struct ConnBox {
  std::shared_ptr<ConnHandle> h;
};

// Closes the primary reference; in-flight calls keep their own.
void CloseHandle(ConnHandle& h) {
  virConnectPtr c;
  std::vector<int> ids;
  bool cb;
  {
    std::lock_guard<std::mutex> lock(h.mu);
    if (h.closed || h.conn == nullptr) return;
    h.closed = true;
    c = h.conn;
    h.conn = nullptr;
    ids.swap(h.lifecycleIds);
    cb = h.closeCallback;
    h.closeCallback = false;
  }
  DropLifecycle(c, ids);
  // The close callback holds a connection reference: it must go before virConnectClose.
  if (cb) virConnectUnregisterCloseCallback(c, OnConnClosed);
  virConnectClose(c);
  virResetLastError();
}

Napi::Value WrapConn(Napi::Env env, std::shared_ptr<ConnHandle> h) {
  auto* box = new ConnBox{std::move(h)};
  auto ext = Napi::External<ConnBox>::New(env, box, [](Napi::Env, ConnBox* b) {
    // Garbage-collected without close(): close it off the JS thread.
    PostCleanup([b] {
      CloseHandle(*b->h);
      delete b;
      HandleCounts::connections--;
    });
  });
  ext.TypeTag(&kConnTag);
  HandleCounts::connections++;
  return ext;
}

bool IsRemote(const std::string& uri) {
  // "driver+transport://host/..." or "driver://host/...": anything that talks over a socket to a peer.
  auto scheme = uri.find("://");
  if (scheme == std::string::npos) return false;
  if (uri.substr(0, scheme).find('+') != std::string::npos) return true;
  auto rest = uri.substr(scheme + 3);
  return !rest.empty() && rest[0] != '/';
}

// Seconds between keep-alive probes, and unanswered probes before the peer is declared dead.
constexpr int kKeepAliveInterval = 5;
constexpr unsigned kKeepAliveCount = 3;

Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string uri = info[0].As<Napi::String>();
  bool readonly = info[1].ToBoolean();
  Napi::Function onClosed = info[2].IsFunction() ? info[2].As<Napi::Function>() : Napi::Function();
  // The close-callback channel is built here (JS thread); it is registered on the worker once open.
  std::shared_ptr<Napi::ThreadSafeFunction> closeTsfn;
  if (!onClosed.IsEmpty()) {
    closeTsfn = std::make_shared<Napi::ThreadSafeFunction>(
        Napi::ThreadSafeFunction::New(env, onClosed, "parley-libvirt:close", 0, 1));
    closeTsfn->Unref(env);
  }
  return Run(env, "virConnectOpen", Lane::OwnThread, [uri, readonly, closeTsfn]() -> Finish {
    virConnectPtr c = virConnectOpenAuth(uri.c_str(), nullptr, readonly ? VIR_CONNECT_RO : 0);
    if (c == nullptr) {
      if (closeTsfn) closeTsfn->Release();
      ThrowLast("virConnectOpen");
    }
    if (IsRemote(uri) && virConnectSetKeepAlive(c, kKeepAliveInterval, kKeepAliveCount) < 0) virResetLastError();
    auto h = std::make_shared<ConnHandle>();
    h->conn = c;
    h->uri = uri;
    if (closeTsfn) {
      auto* ctx = new CloseTsfn(closeTsfn);
      int rc = virConnectRegisterCloseCallback(c, OnConnClosed, ctx, FreeCloseCtx);
      if (rc == 0) {
        h->closeCallback = true;
      } else {  // drivers without close callbacks (e.g. test:///): no channel
        virResetLastError();
        closeTsfn->Release();
        delete ctx;
      }
    }
    return [h](Napi::Env env) { return WrapConn(env, h); };
  });
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  auto h = SharedConn(info[0]);
  return Run(info.Env(), "virConnectClose", Lane::OwnThread, [h]() -> Finish {
    CloseHandle(*h);
    return [](Napi::Env env) { return env.Undefined(); };
  });
}

Napi::Value IsClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), ConnFrom(info[0])->IsClosed());
}

}  // namespace

ConnHandle* ConnFrom(const Napi::Value& v) { return SharedConn(v).get(); }

std::shared_ptr<ConnHandle> SharedConn(const Napi::Value& v) {
  if (!v.IsExternal() || !v.As<Napi::External<ConnBox>>().CheckTypeTag(&kConnTag)) {
    throw Napi::TypeError::New(v.Env(), "expected a connection handle");
  }
  return v.As<Napi::External<ConnBox>>().Data()->h;
}

void InitConnection(Napi::Env env, Napi::Object exports) {
  exports.Set("open", Napi::Function::New(env, Open));
  exports.Set("connClose", Napi::Function::New(env, Close));
  exports.Set("connIsClosed", Napi::Function::New(env, IsClosed));
}

}  // namespace parley
