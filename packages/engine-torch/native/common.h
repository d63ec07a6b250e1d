// What every part of the native engine shares: the tensor handle JavaScript holds, the device,
// op attributes, and the op table each ops_*.cc file adds its kernels to.
#pragma once
#include <napi.h>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

// c10::Allocator::allocate lost its const and gained copy_data in PyTorch 2.3.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
#define AUGPRIOR_ALLOCATE_CONST
#define AUGPRIOR_ALLOCATOR_HAS_COPY_DATA 1
#else
#define AUGPRIOR_ALLOCATE_CONST const
#define AUGPRIOR_ALLOCATOR_HAS_COPY_DATA 0
#endif

#include <c10/core/CPUAllocator.h>
#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <cmath>
#include <functional>
#include <unordered_set>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace augprior {

extern std::atomic<int64_t> g_live_tensors;
extern at::Device g_device;

// A JS-owned reference to one ATen tensor. tfjs releases it explicitly (disposeData); the
// External's finalizer only catches what JavaScript dropped without disposing.
struct Handle {
  at::Tensor t;
  explicit Handle(at::Tensor tensor) : t(std::move(tensor)) { g_live_tensors++; }
  void reset() {
    if (t.defined()) {
      t = at::Tensor();
      g_live_tensors--;
    }
  }
  ~Handle() { reset(); }
};

// dtype codes shared with the JavaScript side.
enum DType : int32_t { kF32 = 0, kI32 = 1, kBool = 2 };
int32_t code_of(const at::Tensor& t);
at::ScalarType scalar_of(int32_t code);
at::ScalarType scalar_of(const std::string& name);
at::TensorOptions opts(at::ScalarType s);
at::Tensor normalise(at::Tensor t);
Napi::Value wrap(Napi::Env env, at::Tensor t);
at::Tensor& unwrap(const Napi::Value& v);

struct Attrs {
  Napi::Object o;
  bool has(const char* k) const { return o.Has(k) && !o.Get(k).IsUndefined() && !o.Get(k).IsNull(); }
  double d(const char* k) const {
    if (!has(k)) throw std::runtime_error(std::string("missing attribute ") + k);
    return o.Get(k).As<Napi::Number>().DoubleValue();
  }
  double d(const char* k, double def) const { return has(k) ? d(k) : def; }
  int64_t i(const char* k) const { return static_cast<int64_t>(d(k)); }
  int64_t i(const char* k, int64_t def) const { return has(k) ? i(k) : def; }
  bool b(const char* k, bool def = false) const { return has(k) ? o.Get(k).ToBoolean().Value() : def; }
  std::string s(const char* k) const { return o.Get(k).As<Napi::String>().Utf8Value(); }
  std::vector<int64_t> iv(const char* k) const {
    std::vector<int64_t> out;
    if (!has(k)) return out;
    auto a = o.Get(k).As<Napi::Array>();
    for (uint32_t j = 0; j < a.Length(); j++) out.push_back(static_cast<int64_t>(a.Get(j).As<Napi::Number>().DoubleValue()));
    return out;
  }
};

using Inputs = std::vector<at::Tensor>;
using Op = std::function<std::vector<at::Tensor>(const Inputs&, const Attrs&)>;

// One entry per native op: its kernel and whether it is element-wise (element-wise ops may read
// 0-dim inputs from host memory while the rest of their inputs live on the GPU; see op_table.cc).
struct OpEntry {
  Op run;
  bool elementwise = false;
  OpEntry() = default;
  template <class F>
  OpEntry(F f, bool is_elementwise = false) : run(std::move(f)), elementwise(is_elementwise) {}
};
using OpTable = std::unordered_map<std::string, OpEntry>;
constexpr bool kElementwise = true;

// Each adds its ops to the table (ops_elementwise.cc, ops_shape.cc, ops_reduce.cc, ops_nn.cc).
void add_elementwise_ops(OpTable& ops);
void add_shape_ops(OpTable& ops);
void add_reduce_ops(OpTable& ops);
void add_nn_ops(OpTable& ops);

/** The one table of native op names (JavaScript reads it through info().ops). */
const OpTable& op_table();
void place_inputs(const OpEntry& op, Inputs& inputs);

// The caching CPU allocator (allocator.cc).
void use_caching_cpu_allocator();
size_t cached_cpu_bytes();
void empty_cpu_cache();

inline int64_t axis_of(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }

}  // namespace augprior
