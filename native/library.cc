#include "library.h"

#include <zmq.h>

#include <string>

#include "util/errors.h"

namespace zmqnapi {

namespace {

std::string Version() {
  int major, minor, patch;
  zmq_version(&major, &minor, &patch);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

Napi::Object Capability(Napi::Env env) {
  Napi::Object capability = Napi::Object::New(env);
  for (const char* name : {"ipc", "pgm", "tipc", "norm", "curve", "gssapi"}) {
    capability.Set(name, Napi::Boolean::New(env, zmq_has(name) != 0));
  }
#ifdef ZMQ_BUILD_DRAFT_API
  // The library may have drafts while this addon was compiled without them.
  capability.Set("draft", Napi::Boolean::New(env, zmq_has("draft") != 0));
#else
  capability.Set("draft", Napi::Boolean::New(env, false));
#endif
  // libzmq does not say which crypto it was built with: the build records it (CMakeLists.txt
  // checks the static libsodium it links; binding.gyp asks pkg-config about the system one).
#if defined(ZMQ_NAPI_CURVE_LIBSODIUM) && ZMQ_NAPI_CURVE_LIBSODIUM
  capability.Set("curveLibrary", Napi::String::New(env, "libsodium"));
#else
  capability.Set("curveLibrary", Napi::String::New(env, "tweetnacl"));
#endif
  return capability;
}

Napi::Value CurveKeyPair(const Napi::CallbackInfo& info) {
  char public_key[41];
  char secret_key[41];
  if (zmq_curve_keypair(public_key, secret_key) != 0) ThrowErrno(info.Env());
  Napi::Object pair = Napi::Object::New(info.Env());
  pair.Set("publicKey", Napi::String::New(info.Env(), public_key));
  pair.Set("secretKey", Napi::String::New(info.Env(), secret_key));
  return pair;
}

Napi::Value CurvePublic(const Napi::CallbackInfo& info) {
  std::string secret_key = info[0].As<Napi::String>();
  char public_key[41];
  if (zmq_curve_public(public_key, secret_key.c_str()) != 0) ThrowErrno(info.Env());
  return Napi::String::New(info.Env(), public_key);
}

// Z85 encodes 4 bytes into 5 characters; the caller checks the sizes.
Napi::Value Z85Encode(const Napi::CallbackInfo& info) {
  Napi::Buffer<uint8_t> data = info[0].As<Napi::Buffer<uint8_t>>();
  std::string text(data.Length() * 5 / 4 + 1, '\0');
  if (zmq_z85_encode(text.data(), data.Data(), data.Length()) == nullptr) {
    ThrowErrno(info.Env(), EINVAL);
  }
  text.pop_back();
  return Napi::String::New(info.Env(), text);
}

Napi::Value Z85Decode(const Napi::CallbackInfo& info) {
  std::string text = info[0].As<Napi::String>();
  Napi::Buffer<uint8_t> data = Napi::Buffer<uint8_t>::New(info.Env(), text.size() * 4 / 5);
  if (zmq_z85_decode(data.Data(), text.c_str()) == nullptr) ThrowErrno(info.Env(), EINVAL);
  return data;
}

}  // namespace

void InitLibrary(Napi::Env env, Napi::Object exports) {
  exports.Set("version", Napi::String::New(env, Version()));
  exports.Set("capability", Capability(env));
  exports.Set("curveKeyPair", Napi::Function::New<CurveKeyPair>(env, "curveKeyPair"));
  exports.Set("curvePublic", Napi::Function::New<CurvePublic>(env, "curvePublic"));
  exports.Set("z85Encode", Napi::Function::New<Z85Encode>(env, "z85Encode"));
  exports.Set("z85Decode", Napi::Function::New<Z85Decode>(env, "z85Decode"));
}

}  // namespace zmqnapi
