// augprior's native training engine: tfjs tensors stored as ATen tensors, tfjs kernels run as
// ATen ops. The JavaScript side (src/torch-backend.ts) adapts tfjs' attributes (padding modes,
// NHWC layouts) into the explicit, normalised arguments each op below takes.
//
// Layout: tfjs is NHWC. An NHWC tensor permuted to NCHW is a channels_last-strided view of the
// same memory, which ATen's convolution and pooling consume without a copy; their outputs come
// back channels_last and are permuted back to NHWC views. No op ever mutates an input: tfjs
// tensors are immutable and views may share storage.
//
// Files: common.h (handles, attributes, the op table type), tensor_io.cc, allocator.cc, layout.h,
// ops_elementwise.cc / ops_shape.cc / ops_reduce.cc / ops_nn.cc (the kernels), op_table.cc (the
// one table of op names and input placement), addon.cc (the N-API functions below).
#include "common.h"

#include <torch/version.h>

namespace augprior {
namespace {

// ---- exported functions

// run(op, inputs: (handle|null)[], attrs) -> [handle, dtype, ...shape] | Array of those
Napi::Value Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  try {
    const auto& table = op_table();
    auto it = table.find(name);
    if (it == table.end()) throw std::runtime_error("no native op " + name);
    auto list = info[1].As<Napi::Array>();
    Inputs inputs;
    inputs.reserve(list.Length());
    for (uint32_t k = 0; k < list.Length(); k++) {
      Napi::Value v = list.Get(k);
      inputs.push_back(v.IsNull() || v.IsUndefined() ? at::Tensor() : unwrap(v));
    }
    if (g_device.is_cuda()) place_inputs(it->second, inputs);
    Attrs attrs{info[2].IsObject() ? info[2].As<Napi::Object>() : Napi::Object::New(env)};
    std::vector<at::Tensor> outputs = it->second.run(inputs, attrs);
    if (info.Length() > 3 && info[3].ToBoolean().Value()) {
      auto arr = Napi::Array::New(env, outputs.size());
      for (size_t k = 0; k < outputs.size(); k++) arr.Set(uint32_t(k), wrap(env, outputs[k]));
      return arr;
    }
    return wrap(env, outputs.at(0));
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, "torch op " + name + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, "torch op " + name + ": " + e.what());
  }
}

// fromBuffer(typedArray, shape, dtypeCode) -> [handle, dtype, ...shape]
Napi::Value FromBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    auto data = info[0].As<Napi::TypedArray>();
    auto shape_arr = info[1].As<Napi::Array>();
    std::vector<int64_t> shape;
    for (uint32_t k = 0; k < shape_arr.Length(); k++) shape.push_back(static_cast<int64_t>(shape_arr.Get(k).As<Napi::Number>().DoubleValue()));
    auto dtype = scalar_of(info[2].As<Napi::Number>().Int32Value());
    at::Tensor t = at::empty(shape, at::TensorOptions().dtype(dtype));
    size_t bytes = t.nbytes();
    if (data.ByteLength() != bytes) throw std::runtime_error("buffer of " + std::to_string(data.ByteLength()) + " bytes for " + std::to_string(bytes));
    auto* src = static_cast<uint8_t*>(data.ArrayBuffer().Data()) + data.ByteOffset();
    std::memcpy(t.data_ptr(), src, bytes);
    // Scalars stay on the host (see place_inputs); everything else lives on the device.
    if (g_device != at::kCPU && t.dim() > 0) t = t.to(g_device);
    return wrap(env, t);
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string("torch fromBuffer: ") + e.what());
  }
}

// toBuffer(handle) -> Float32Array | Int32Array | Uint8Array
Napi::Value ToBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    at::Tensor t = unwrap(info[0]).to(at::kCPU).contiguous();
    size_t bytes = t.nbytes();
    auto buffer = Napi::ArrayBuffer::New(env, bytes);
    if (bytes) std::memcpy(buffer.Data(), t.data_ptr(), bytes);
    switch (t.scalar_type()) {
      case at::kFloat: return Napi::Float32Array::New(env, t.numel(), buffer, 0);
      case at::kInt: return Napi::Int32Array::New(env, t.numel(), buffer, 0);
      case at::kBool: return Napi::Uint8Array::New(env, t.numel(), buffer, 0);
      default: throw std::runtime_error("unsupported dtype");
    }
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string("torch toBuffer: ") + e.what());
  }
}

// release(handle): frees the tensor now instead of at garbage collection.
Napi::Value Release(const Napi::CallbackInfo& info) {
  if (info[0].IsExternal()) info[0].As<Napi::External<Handle>>().Data()->reset();
  return info.Env().Undefined();
}

// strides(handle) -> element strides, for layout tests (a contiguous NHWC tensor is [HWC, WC, C, 1]).
Napi::Value Strides(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& t = unwrap(info[0]);
  auto out = Napi::Array::New(env, t.dim());
  for (int64_t d = 0; d < t.dim(); d++) out.Set(uint32_t(d), Napi::Number::New(env, double(t.stride(d))));
  return out;
}

Napi::Value EmptyCache(const Napi::CallbackInfo& info) {
  empty_cpu_cache();
  return info.Env().Undefined();
}

Napi::Value Configure(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto o = info[0].As<Napi::Object>();
  try {
    if (o.Has("cachingAllocator") && o.Get("cachingAllocator").ToBoolean().Value()) use_caching_cpu_allocator();
    if (o.Has("threads")) {
      int threads = o.Get("threads").As<Napi::Number>().Int32Value();
      if (threads > 0) at::set_num_threads(threads);
    }
    if (o.Has("device")) {
      std::string device = o.Get("device").As<Napi::String>().Utf8Value();
      if (device == "cuda") {
        if (!at::hasCUDA()) throw std::runtime_error("--device cuda, but this libtorch has no CUDA support or no GPU is visible");
        g_device = at::Device(at::kCUDA, 0);
      } else {
        g_device = at::kCPU;
      }
    }
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
  return env.Undefined();
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto o = Napi::Object::New(env);
  o.Set("torchVersion", TORCH_VERSION);
  o.Set("threads", at::get_num_threads());
  o.Set("cuda", at::hasCUDA());
  o.Set("device", g_device.str());
  o.Set("liveTensors", double(g_live_tensors.load()));
  o.Set("cachedBytes", double(cached_cpu_bytes()));
  // Bytes malloc has handed out and not got back (all arenas, mmapped blocks included): native
  // memory in use, unaffected by fragmentation or by pages the allocator keeps.
  struct mallinfo2 m = ::mallinfo2();
  o.Set("mallocInUseBytes", double(m.uordblks + m.hblkhd));
  auto names = Napi::Array::New(env);
  auto elementwise = Napi::Array::New(env);
  uint32_t k = 0, e = 0;
  for (const auto& entry : op_table()) {
    names.Set(k++, entry.first);
    if (entry.second.elementwise) elementwise.Set(e++, entry.first);
  }
  o.Set("ops", names);
  o.Set("elementwiseOps", elementwise);
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("run", Napi::Function::New(env, Run));
  exports.Set("fromBuffer", Napi::Function::New(env, FromBuffer));
  exports.Set("toBuffer", Napi::Function::New(env, ToBuffer));
  exports.Set("release", Napi::Function::New(env, Release));
  exports.Set("strides", Napi::Function::New(env, Strides));
  exports.Set("emptyCache", Napi::Function::New(env, EmptyCache));
  exports.Set("configure", Napi::Function::New(env, Configure));
  exports.Set("info", Napi::Function::New(env, Info));
  return exports;
}

}  // namespace
}  // namespace augprior

// NODE_API_MODULE pastes its init name into an identifier, so it needs an unqualified one.
static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return augprior::Init(env, exports); }
NODE_API_MODULE(augprior_torch, InitAddon)
