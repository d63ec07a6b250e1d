// augprior's native training engine: tfjs tensors stored as ATen tensors, tfjs kernels run as
// ATen ops. The JavaScript side (src/torch-backend.ts) adapts tfjs' attributes (padding modes,
// NHWC layouts) into the explicit, normalised arguments each op below takes.
//
// Layout: tfjs is NHWC. An NHWC tensor permuted to NCHW is a channels_last-strided view of the
// same memory, which ATen's convolution and pooling consume without a copy; their outputs come
// back channels_last and are permuted back to NHWC views. No op ever mutates an input: tfjs
// tensors are immutable and views may share storage.
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

namespace {

// ---- a caching CPU allocator
// tfjs frees a step's intermediates in bulk when a tidy scope ends; with glibc's allocator the
// freed top of the heap is then trimmed back to the OS and every large tensor of the next step
// page-faults its memory in again (measured: an 8 MB multiply takes 4-6 ms instead of 0.1 ms).
// Like PyTorch's CUDA allocator, keep freed large blocks in exact-size buckets and hand them out
// again; tensor sizes repeat every training step, so the cache stops growing after one step.
#ifndef AUGPRIOR_NO_CACHING_ALLOCATOR
class CachingCpuAllocator final : public c10::Allocator {
 public:
  static constexpr size_t kMinCached = 64 * 1024;
  static constexpr size_t kAlignment = 64;

  c10::DataPtr allocate(size_t nbytes) AUGPRIOR_ALLOCATE_CONST override {
    size_t size = std::max<size_t>(1, (nbytes + kAlignment - 1) / kAlignment * kAlignment);
    void* ptr = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (size >= kMinCached) {
        auto& bucket = free_[size];
        if (!bucket.empty()) {
          ptr = bucket.back();
          bucket.pop_back();
          cached_bytes_ -= size;
        }
      }
      if (!ptr && posix_memalign(&ptr, kAlignment, size) != 0) throw std::bad_alloc();
      sizes_[ptr] = size;
    }
    // oneDNN (mkldnn) requires data == context, so the block size lives in `sizes_`, not in ctx.
    return c10::DataPtr(ptr, ptr, &CachingCpuAllocator::release_block, c10::Device(c10::DeviceType::CPU));
  }

  c10::DeleterFnPtr raw_deleter() const override { return &CachingCpuAllocator::release_block; }

#if AUGPRIOR_ALLOCATOR_HAS_COPY_DATA
  void copy_data(void* dest, const void* src, std::size_t count) const override { std::memcpy(dest, src, count); }
#endif

  size_t cached_bytes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return cached_bytes_;
  }

  void empty_cache() const {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& entry : free_)
      for (void* p : entry.second) std::free(p);
    free_.clear();
    cached_bytes_ = 0;
  }

 private:
  static void release_block(void* ptr);

  mutable std::mutex mutex_;
  mutable std::unordered_map<size_t, std::vector<void*>> free_;
  mutable std::unordered_map<void*, size_t> sizes_;
  mutable size_t cached_bytes_ = 0;
};

CachingCpuAllocator g_cpu_allocator;

void CachingCpuAllocator::release_block(void* ptr) {
  const CachingCpuAllocator& self = g_cpu_allocator;
  std::lock_guard<std::mutex> lock(self.mutex_);
  auto it = self.sizes_.find(ptr);
  size_t size = it == self.sizes_.end() ? 0 : it->second;
  if (it != self.sizes_.end()) self.sizes_.erase(it);
  if (size >= kMinCached) {
    self.free_[size].push_back(ptr);
    self.cached_bytes_ += size;
  } else {
    std::free(ptr);
  }
}
#endif  // AUGPRIOR_NO_CACHING_ALLOCATOR

std::atomic<int64_t> g_live_tensors{0};
at::Device g_device = at::kCPU;

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

int32_t code_of(const at::Tensor& t) {
  switch (t.scalar_type()) {
    case at::kFloat: return kF32;
    case at::kInt: return kI32;
    case at::kBool: return kBool;
    default: throw std::runtime_error(std::string("unsupported result dtype ") + c10::toString(t.scalar_type()));
  }
}

at::ScalarType scalar_of(int32_t code) {
  switch (code) {
    case kF32: return at::kFloat;
    case kI32: return at::kInt;
    case kBool: return at::kBool;
    default: throw std::runtime_error("unknown dtype code " + std::to_string(code));
  }
}

at::ScalarType scalar_of(const std::string& name) {
  if (name == "float32") return at::kFloat;
  if (name == "int32") return at::kInt;
  if (name == "bool") return at::kBool;
  throw std::runtime_error("dtype " + name + " is not supported by the torch engine");
}

at::TensorOptions opts(at::ScalarType s) { return at::TensorOptions().dtype(s).device(g_device); }

// Results are normalised to the three tfjs dtypes (ATen returns int64 for indices and sums of ints).
at::Tensor normalise(at::Tensor t) {
  switch (t.scalar_type()) {
    case at::kFloat:
    case at::kInt:
    case at::kBool: return t;
    case at::kLong:
    case at::kShort:
    case at::kByte:
    case at::kChar: return t.to(at::kInt);
    case at::kDouble:
    case at::kHalf:
    case at::kBFloat16: return t.to(at::kFloat);
    default: throw std::runtime_error(std::string("cannot return dtype ") + c10::toString(t.scalar_type()));
  }
}

// [External, dtypeCode, ...shape]
Napi::Value wrap(Napi::Env env, at::Tensor t) {
  t = normalise(std::move(t));
  auto out = Napi::Array::New(env, 2 + t.dim());
  out.Set(uint32_t(1), Napi::Number::New(env, code_of(t)));
  for (int64_t i = 0; i < t.dim(); i++) out.Set(uint32_t(2 + i), Napi::Number::New(env, double(t.size(i))));
  out.Set(uint32_t(0), Napi::External<Handle>::New(env, new Handle(std::move(t)), [](Napi::Env, Handle* h) { delete h; }));
  return out;
}

at::Tensor& unwrap(const Napi::Value& v) {
  if (!v.IsExternal()) throw std::runtime_error("expected a tensor handle");
  Handle* h = v.As<Napi::External<Handle>>().Data();
  if (!h->t.defined()) throw std::runtime_error("tensor handle used after release");
  return h->t;
}

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

int64_t axis_of(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }

// ---- layout helpers: NHWC <-> NCHW (and NDHWC <-> NCDHW) views, never copies
at::Tensor to_nchw(const at::Tensor& x) { return x.dim() == 4 ? x.permute({0, 3, 1, 2}) : x.permute({0, 4, 1, 2, 3}); }
at::Tensor to_nhwc(const at::Tensor& x) { return x.dim() == 4 ? x.permute({0, 2, 3, 1}) : x.permute({0, 2, 3, 4, 1}); }

// tfjs filters [kh, kw, in, out] -> ATen [out, in, kh, kw]; depthwise [kh, kw, c, m] -> [c*m, 1, kh, kw]
at::Tensor filter_to_aten(const at::Tensor& f, bool depthwise) {
  if (f.dim() == 5) return f.permute({4, 3, 0, 1, 2});
  if (!depthwise) return f.permute({3, 2, 0, 1});
  auto kh = f.size(0), kw = f.size(1);
  return f.reshape({kh, kw, f.size(2) * f.size(3)}).permute({2, 0, 1}).unsqueeze(1);
}

at::Tensor filter_from_aten(const at::Tensor& w, const std::vector<int64_t>& tfjs_shape, bool depthwise) {
  if (w.dim() == 5) return w.permute({2, 3, 4, 1, 0});
  if (!depthwise) return w.permute({2, 3, 1, 0});
  return w.squeeze(1).permute({1, 2, 0}).reshape(tfjs_shape);
}

// Explicit [before, after] pads per spatial dim, as tfjs computes them. ATen pads symmetrically,
// so any asymmetry is applied to the input first (TF 'same' with stride 2 pads 0 before, 1 after).
struct Spatial {
  std::vector<int64_t> stride, dilation, before, after;
  bool symmetric() const { return before == after; }
};

Spatial spatial(const Attrs& a) {
  Spatial s{a.iv("strides"), a.iv("dilations"), {}, {}};
  auto pads = a.iv("pads");  // [b0, a0, b1, a1, (b2, a2)]
  for (size_t k = 0; k + 1 < pads.size(); k += 2) {
    s.before.push_back(pads[k]);
    s.after.push_back(pads[k + 1]);
  }
  if (s.dilation.empty()) s.dilation.assign(s.stride.size(), 1);
  return s;
}

// constant_pad_nd wants pads for the LAST dim first; x is NC(D)HW here.
at::Tensor pad_spatial(const at::Tensor& x, const std::vector<int64_t>& before, const std::vector<int64_t>& after, double value) {
  std::vector<int64_t> pad;
  for (int64_t k = int64_t(before.size()) - 1; k >= 0; k--) {
    pad.push_back(before[k]);
    pad.push_back(after[k]);
  }
  return at::constant_pad_nd(x, pad, value);
}

at::Tensor crop_spatial(const at::Tensor& x, const std::vector<int64_t>& before, const std::vector<int64_t>& size) {
  at::Tensor out = x;
  for (size_t k = 0; k < before.size(); k++) out = out.narrow(2 + k, before[k], size[k]);
  return out;
}

// Any rank: [N, ..., C] -> [N, C, ...] view (what ATen's normalisation kernels expect).
at::Tensor channels_first(const at::Tensor& x) {
  if (x.dim() <= 2) return x;
  std::vector<int64_t> perm{0, x.dim() - 1};
  for (int64_t d = 1; d < x.dim() - 1; d++) perm.push_back(d);
  return x.permute(perm);
}

at::Tensor channels_last_of(const at::Tensor& x) {
  if (x.dim() <= 2) return x;
  std::vector<int64_t> perm{0};
  for (int64_t d = 2; d < x.dim(); d++) perm.push_back(d);
  perm.push_back(1);
  return x.permute(perm);
}

std::vector<int64_t> zeros(size_t n) { return std::vector<int64_t>(n, 0); }

// ---- convolution
std::vector<at::Tensor> conv_forward(const Inputs& in, const Attrs& a) {
  bool depthwise = a.b("depthwise");
  Spatial s = spatial(a);
  at::Tensor x = to_nchw(in[0]);
  at::Tensor w = filter_to_aten(in[1], depthwise);
  int64_t groups = depthwise ? x.size(1) : 1;
  std::vector<int64_t> padding = s.before;
  if (!s.symmetric()) {
    x = pad_spatial(x, s.before, s.after, 0);
    padding = zeros(s.before.size());
  }
  c10::optional<at::Tensor> bias;
  if (in.size() > 2 && in[2].defined()) bias = in[2];
  auto y = at::convolution(x, w, bias, s.stride, padding, s.dilation, false, zeros(s.stride.size()), groups);
  return {to_nhwc(y)};
}

// dX: inputs dy (NHWC), filter; attrs inputShape (tfjs layout)
std::vector<at::Tensor> conv_backward_input(const Inputs& in, const Attrs& a) {
  bool depthwise = a.b("depthwise");
  Spatial s = spatial(a);
  auto shape = a.iv("inputShape");  // N H W C (or N D H W C)
  at::Tensor dy = to_nchw(in[0]);
  at::Tensor w = filter_to_aten(in[1], depthwise);
  size_t nd = s.stride.size();
  std::vector<int64_t> padded{shape[0], shape.back()};
  std::vector<int64_t> size;
  for (size_t k = 0; k < nd; k++) {
    size.push_back(shape[1 + k]);
    padded.push_back(shape[1 + k] + (s.symmetric() ? 0 : s.before[k] + s.after[k]));
  }
  int64_t groups = depthwise ? shape.back() : 1;
  auto fmt = nd == 2 ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::ChannelsLast3d;
  // Only the input's shape and layout matter for dX; no data is read from it.
  at::Tensor like = at::empty(padded, dy.options()).contiguous(fmt);
  auto padding = s.symmetric() ? s.before : zeros(nd);
  auto grads = at::convolution_backward(dy, like, w, c10::nullopt, s.stride, padding, s.dilation, false, zeros(nd), groups, {true, false, false});
  at::Tensor dx = std::get<0>(grads);
  if (!s.symmetric()) dx = crop_spatial(dx, s.before, size);
  return {to_nhwc(dx)};
}

// dW: inputs x (NHWC), dy; attrs filterShape (tfjs layout)
std::vector<at::Tensor> conv_backward_filter(const Inputs& in, const Attrs& a) {
  bool depthwise = a.b("depthwise");
  Spatial s = spatial(a);
  auto filter_shape = a.iv("filterShape");
  at::Tensor x = to_nchw(in[0]);
  at::Tensor dy = to_nchw(in[1]);
  size_t nd = s.stride.size();
  if (!s.symmetric()) x = pad_spatial(x, s.before, s.after, 0);
  auto padding = s.symmetric() ? s.before : zeros(nd);
  int64_t groups = depthwise ? x.size(1) : 1;
  std::vector<int64_t> aten_shape;
  if (nd == 3) aten_shape = {filter_shape[4], filter_shape[3], filter_shape[0], filter_shape[1], filter_shape[2]};
  else if (depthwise) aten_shape = {filter_shape[2] * filter_shape[3], 1, filter_shape[0], filter_shape[1]};
  else aten_shape = {filter_shape[3], filter_shape[2], filter_shape[0], filter_shape[1]};
  at::Tensor like = at::empty(aten_shape, x.options());
  auto grads = at::convolution_backward(dy, x, like, c10::nullopt, s.stride, padding, s.dilation, false, zeros(nd), groups, {false, true, false});
  return {filter_from_aten(std::get<1>(grads), filter_shape, depthwise)};
}

// ---- pooling (attrs: filter, strides, pads; tfjs never pads max pools with anything but -inf
// and excludes padding from averages)
std::vector<int64_t> filter_of(const Attrs& a) { return a.iv("filter"); }

std::vector<at::Tensor> max_pool(const Inputs& in, const Attrs& a) {
  Spatial s = spatial(a);
  at::Tensor x = to_nchw(in[0]);
  auto k = filter_of(a);
  std::vector<int64_t> padding = s.before;
  if (!s.symmetric()) {
    x = pad_spatial(x, s.before, s.after, -std::numeric_limits<double>::infinity());
    padding = zeros(k.size());
  }
  at::Tensor y = k.size() == 2 ? at::max_pool2d(x, k, s.stride, padding, s.dilation) : at::max_pool3d(x, k, s.stride, padding, s.dilation);
  return {to_nhwc(y)};
}

// inputs dy, x (the pool's input)
std::vector<at::Tensor> max_pool_backward(const Inputs& in, const Attrs& a) {
  Spatial s = spatial(a);
  at::Tensor dy = to_nchw(in[0]);
  at::Tensor x = to_nchw(in[1]);
  auto k = filter_of(a);
  std::vector<int64_t> size;
  for (size_t j = 0; j < k.size(); j++) size.push_back(x.size(2 + j));
  std::vector<int64_t> padding = s.before;
  bool asym = !s.symmetric();
  if (asym) {
    x = pad_spatial(x, s.before, s.after, -std::numeric_limits<double>::infinity());
    padding = zeros(k.size());
  }
  at::Tensor dx;
  if (k.size() == 2) {
    auto fwd = at::max_pool2d_with_indices(x, k, s.stride, padding, s.dilation, false);
    dx = at::max_pool2d_with_indices_backward(dy, x, k, s.stride, padding, s.dilation, false, std::get<1>(fwd));
  } else {
    auto fwd = at::max_pool3d_with_indices(x, k, s.stride, padding, s.dilation, false);
    dx = at::max_pool3d_with_indices_backward(dy, x, k, s.stride, padding, s.dilation, false, std::get<1>(fwd));
  }
  if (asym) dx = crop_spatial(dx, s.before, size);
  return {to_nhwc(dx)};
}

at::Tensor avg_pool_raw(const at::Tensor& x, const std::vector<int64_t>& k, const std::vector<int64_t>& stride) {
  return k.size() == 2 ? at::avg_pool2d(x, k, stride, {0, 0}, false, true) : at::avg_pool3d(x, k, stride, {0, 0, 0}, false, true);
}

std::vector<at::Tensor> avg_pool(const Inputs& in, const Attrs& a) {
  Spatial s = spatial(a);
  at::Tensor x = to_nchw(in[0]);
  auto k = filter_of(a);
  bool padded = std::any_of(s.before.begin(), s.before.end(), [](int64_t p) { return p > 0; }) ||
                std::any_of(s.after.begin(), s.after.end(), [](int64_t p) { return p > 0; });
  if (!padded) return {to_nhwc(avg_pool_raw(x, k, s.stride))};
  // Padding excluded from the count: average of the zero-padded input / average of a padded ones-mask.
  std::vector<int64_t> ones_shape{1, 1};
  for (size_t j = 0; j < k.size(); j++) ones_shape.push_back(x.size(2 + j));
  at::Tensor sum = avg_pool_raw(pad_spatial(x, s.before, s.after, 0), k, s.stride);
  at::Tensor count = avg_pool_raw(pad_spatial(at::ones(ones_shape, x.options()), s.before, s.after, 0), k, s.stride);
  return {to_nhwc(sum / count)};
}

// inputs dy, x. Matches tfjs' own AvgPoolGrad, which divides by the full window even where the
// forward pass excluded padding from the count (cpu, wasm and webgl backends all do this).
std::vector<at::Tensor> avg_pool_backward(const Inputs& in, const Attrs& a) {
  Spatial s = spatial(a);
  at::Tensor dy = to_nchw(in[0]);
  at::Tensor x = to_nchw(in[1]);
  auto k = filter_of(a);
  std::vector<int64_t> size;
  for (size_t j = 0; j < k.size(); j++) size.push_back(x.size(2 + j));
  at::Tensor xp = pad_spatial(x, s.before, s.after, 0);
  at::Tensor dxp = k.size() == 2 ? at::avg_pool2d_backward(dy, xp, k, s.stride, {0, 0}, false, true, c10::nullopt)
                                 : at::avg_pool3d_backward(dy, xp, k, s.stride, {0, 0, 0}, false, true, c10::nullopt);
  return {to_nhwc(crop_spatial(dxp, s.before, size))};
}

// ---- reductions over a list of axes
std::vector<int64_t> axes_of(const at::Tensor& x, const Attrs& a) {
  auto axes = a.iv("axes");
  for (auto& v : axes) v = axis_of(v, x.dim());
  return axes;
}

template <typename F>
at::Tensor reduce_each(at::Tensor x, std::vector<int64_t> axes, bool keep, F f) {
  std::sort(axes.rbegin(), axes.rend());
  for (auto ax : axes) x = f(x, ax, keep);
  return x;
}

at::Tensor int_result(const at::Tensor& x, const at::Tensor& r) { return x.scalar_type() == at::kFloat ? r : r.to(at::kInt); }

std::unordered_map<std::string, Op> build_ops() {
  std::unordered_map<std::string, Op> ops;
  auto unary = [&](const std::string& name, std::function<at::Tensor(const at::Tensor&)> f) {
    ops[name] = [f](const Inputs& in, const Attrs&) { return std::vector<at::Tensor>{f(in[0])}; };
  };
  auto binary = [&](const std::string& name, std::function<at::Tensor(const at::Tensor&, const at::Tensor&)> f) {
    ops[name] = [f](const Inputs& in, const Attrs&) { return std::vector<at::Tensor>{f(in[0], in[1])}; };
  };

  unary("abs", [](const at::Tensor& x) { return at::abs(x); });
  unary("acos", [](const at::Tensor& x) { return at::acos(x); });
  unary("acosh", [](const at::Tensor& x) { return at::acosh(x); });
  unary("asin", [](const at::Tensor& x) { return at::asin(x); });
  unary("asinh", [](const at::Tensor& x) { return at::asinh(x); });
  unary("atan", [](const at::Tensor& x) { return at::atan(x); });
  unary("atanh", [](const at::Tensor& x) { return at::atanh(x); });
  unary("ceil", [](const at::Tensor& x) { return at::ceil(x); });
  unary("cos", [](const at::Tensor& x) { return at::cos(x); });
  unary("cosh", [](const at::Tensor& x) { return at::cosh(x); });
  unary("elu", [](const at::Tensor& x) { return at::elu(x); });
  unary("erf", [](const at::Tensor& x) { return at::erf(x); });
  unary("exp", [](const at::Tensor& x) { return at::exp(x); });
  unary("expm1", [](const at::Tensor& x) { return at::expm1(x); });
  unary("floor", [](const at::Tensor& x) { return at::floor(x); });
  unary("is_finite", [](const at::Tensor& x) { return at::isfinite(x); });
  unary("is_inf", [](const at::Tensor& x) { return at::isinf(x); });
  unary("is_nan", [](const at::Tensor& x) { return at::isnan(x); });
  unary("log", [](const at::Tensor& x) { return at::log(x); });
  unary("log1p", [](const at::Tensor& x) { return at::log1p(x); });
  unary("logical_not", [](const at::Tensor& x) { return at::logical_not(x); });
  unary("neg", [](const at::Tensor& x) { return at::neg(x); });
  unary("reciprocal", [](const at::Tensor& x) { return at::reciprocal(x); });
  unary("relu", [](const at::Tensor& x) { return at::relu(x); });
  unary("relu6", [](const at::Tensor& x) { return at::clamp(x, 0, 6); });
  unary("round", [](const at::Tensor& x) { return at::round(x); });
  unary("rsqrt", [](const at::Tensor& x) { return at::rsqrt(x); });
  unary("selu", [](const at::Tensor& x) { return at::selu(x); });
  unary("sigmoid", [](const at::Tensor& x) { return at::sigmoid(x); });
  // tfjs: sign(NaN) = 0
  unary("sign", [](const at::Tensor& x) { return at::nan_to_num(at::sign(x), 0); });
  unary("sin", [](const at::Tensor& x) { return at::sin(x); });
  unary("sinh", [](const at::Tensor& x) { return at::sinh(x); });
  unary("softplus", [](const at::Tensor& x) { return at::softplus(x); });
  unary("sqrt", [](const at::Tensor& x) { return at::sqrt(x); });
  unary("square", [](const at::Tensor& x) { return x * x; });
  unary("tan", [](const at::Tensor& x) { return at::tan(x); });
  unary("tanh", [](const at::Tensor& x) { return at::tanh(x); });
  unary("zeros_like", [](const at::Tensor& x) { return at::zeros_like(x, at::MemoryFormat::Contiguous); });
  unary("ones_like", [](const at::Tensor& x) { return at::ones_like(x, at::MemoryFormat::Contiguous); });
  unary("identity", [](const at::Tensor& x) { return x; });

  binary("add", [](const at::Tensor& x, const at::Tensor& y) { return at::add(x, y); });
  binary("sub", [](const at::Tensor& x, const at::Tensor& y) { return at::sub(x, y); });
  binary("mul", [](const at::Tensor& x, const at::Tensor& y) { return at::mul(x, y); });
  binary("div", [](const at::Tensor& x, const at::Tensor& y) { return at::div(x, y); });
  binary("floor_div", [](const at::Tensor& x, const at::Tensor& y) { return at::div(x, y, "floor"); });
  binary("maximum", [](const at::Tensor& x, const at::Tensor& y) { return at::maximum(x, y); });
  binary("minimum", [](const at::Tensor& x, const at::Tensor& y) { return at::minimum(x, y); });
  binary("mod", [](const at::Tensor& x, const at::Tensor& y) { return at::remainder(x, y); });
  binary("pow", [](const at::Tensor& x, const at::Tensor& y) { return at::pow(x, y); });
  binary("squared_difference", [](const at::Tensor& x, const at::Tensor& y) { auto d = x - y; return d * d; });
  binary("atan2", [](const at::Tensor& x, const at::Tensor& y) { return at::atan2(x, y); });
  binary("equal", [](const at::Tensor& x, const at::Tensor& y) { return at::eq(x, y); });
  binary("not_equal", [](const at::Tensor& x, const at::Tensor& y) { return at::ne(x, y); });
  binary("greater", [](const at::Tensor& x, const at::Tensor& y) { return at::gt(x, y); });
  binary("greater_equal", [](const at::Tensor& x, const at::Tensor& y) { return at::ge(x, y); });
  binary("less", [](const at::Tensor& x, const at::Tensor& y) { return at::lt(x, y); });
  binary("less_equal", [](const at::Tensor& x, const at::Tensor& y) { return at::le(x, y); });
  binary("logical_and", [](const at::Tensor& x, const at::Tensor& y) { return at::logical_and(x, y); });
  binary("logical_or", [](const at::Tensor& x, const at::Tensor& y) { return at::logical_or(x, y); });
  binary("logical_xor", [](const at::Tensor& x, const at::Tensor& y) { return at::logical_xor(x, y); });
  binary("prelu", [](const at::Tensor& x, const at::Tensor& alpha) { return at::where(x < 0, x * alpha, x); });
  // EluGrad: inputs dy, y (the elu output)
  binary("elu_grad", [](const at::Tensor& dy, const at::Tensor& y) { return at::where(y < 0, dy * (y + 1), dy); });

  ops["leaky_relu"] = [](const Inputs& in, const Attrs& a) { return std::vector<at::Tensor>{at::where(in[0] < 0, in[0] * a.d("alpha"), in[0])}; };
  ops["step"] = [](const Inputs& in, const Attrs& a) {
    const float alpha = static_cast<float>(a.d("alpha"));
    at::Tensor x = in[0].contiguous();
    if (x.scalar_type() != at::kFloat || !x.is_cpu()) {
      auto stepped = at::where(x > 0, at::ones_like(x), at::full_like(x, alpha));
      return std::vector<at::Tensor>{at::where(at::isnan(x), x, stepped)};
    }
    // One vectorised pass instead of ATen's where(isnan, x, where(x > 0, 1, alpha)): this is half
    // of every ReLU gradient (2M floats: 0.5 ms here, 5 ms composed from ATen ops).
    at::Tensor out = at::empty_like(x);
    const float* __restrict src = x.data_ptr<float>();
    float* __restrict dst = out.data_ptr<float>();
    at::parallel_for(0, x.numel(), 32768, [src, dst, alpha](int64_t begin, int64_t end) {
      for (int64_t k = begin; k < end; k++) {
        // Written as selects, which gcc vectorises; bool->float arithmetic here is not.
        const float v = src[k];
        const float stepped = v > 0.f ? 1.f : alpha;
        dst[k] = v == v ? stepped : v;
      }
    });
    return std::vector<at::Tensor>{out};
  };
  ops["clip"] = [](const Inputs& in, const Attrs& a) { return std::vector<at::Tensor>{at::clamp(in[0], a.d("min"), a.d("max"))}; };
  ops["add_n"] = [](const Inputs& in, const Attrs&) {
    at::Tensor acc = in[0];
    for (size_t k = 1; k < in.size(); k++) acc = acc + in[k];
    return std::vector<at::Tensor>{acc};
  };
  ops["cast"] = [](const Inputs& in, const Attrs& a) {
    auto target = scalar_of(a.s("dtype"));
    const auto& x = in[0];
    if (target == at::kBool) return std::vector<at::Tensor>{x != 0};
    return std::vector<at::Tensor>{x.to(target)};
  };
  ops["where"] = [](const Inputs& in, const Attrs&) {
    at::Tensor c = in[0].to(at::kBool);
    // tfjs' select takes a rank-1 condition against higher-rank values: it picks whole rows.
    while (c.dim() < in[1].dim() && c.dim() == 1) c = c.reshape({c.size(0), 1});
    while (c.dim() < in[1].dim()) c = c.unsqueeze(-1);
    return std::vector<at::Tensor>{at::where(c, in[1], in[2])};
  };

  // ---- shapes
  ops["reshape"] = [](const Inputs& in, const Attrs& a) { return std::vector<at::Tensor>{in[0].reshape(a.iv("shape"))}; };
  ops["transpose"] = [](const Inputs& in, const Attrs& a) { return std::vector<at::Tensor>{in[0].permute(a.iv("perm"))}; };
  ops["slice"] = [](const Inputs& in, const Attrs& a) {
    auto begin = a.iv("begin"), size = a.iv("size");
    at::Tensor x = in[0];
    for (size_t d = 0; d < begin.size(); d++) x = x.narrow(d, begin[d], size[d] < 0 ? x.size(d) - begin[d] : size[d]);
    return std::vector<at::Tensor>{x};
  };
  ops["concat"] = [](const Inputs& in, const Attrs& a) {
    return std::vector<at::Tensor>{at::cat(in, axis_of(a.i("axis"), in[0].dim()))};
  };
  ops["stack"] = [](const Inputs& in, const Attrs& a) {
    return std::vector<at::Tensor>{at::stack(in, axis_of(a.i("axis"), in[0].dim() + 1))};
  };
  ops["unstack"] = [](const Inputs& in, const Attrs& a) { return at::unbind(in[0], axis_of(a.i("axis"), in[0].dim())); };
  ops["split"] = [](const Inputs& in, const Attrs& a) { return at::split_with_sizes(in[0], a.iv("sizes"), axis_of(a.i("axis"), in[0].dim())); };
  ops["pad"] = [](const Inputs& in, const Attrs& a) { return std::vector<at::Tensor>{at::constant_pad_nd(in[0], a.iv("pads"), a.d("value"))}; };
  ops["tile"] = [](const Inputs& in, const Attrs& a) { return std::vector<at::Tensor>{in[0].repeat(a.iv("reps"))}; };
  ops["broadcast_to"] = [](const Inputs& in, const Attrs& a) { return std::vector<at::Tensor>{in[0].expand(a.iv("shape"))}; };
  ops["reverse"] = [](const Inputs& in, const Attrs& a) { return std::vector<at::Tensor>{at::flip(in[0], a.iv("dims"))}; };
  ops["gather"] = [](const Inputs& in, const Attrs& a) {
    const auto& x = in[0];
    int64_t axis = axis_of(a.i("axis"), x.dim());
    at::Tensor idx = in[1].to(at::kLong);
    std::vector<int64_t> shape(x.sizes().begin(), x.sizes().begin() + axis);
    for (auto s : idx.sizes()) shape.push_back(s);
    for (int64_t d = axis + 1; d < x.dim(); d++) shape.push_back(x.size(d));
    return std::vector<at::Tensor>{at::index_select(x, axis, idx.reshape({-1})).reshape(shape)};
  };
  ops["one_hot"] = [](const Inputs& in, const Attrs& a) {
    int64_t depth = a.i("depth");
    at::Tensor idx = in[0].to(at::kLong);
    // tfjs gives an all-off row for an index outside [0, depth); ATen's one_hot would throw.
    at::Tensor valid = (idx >= 0) & (idx < depth);
    at::Tensor hot = at::one_hot(at::where(valid, idx, at::zeros_like(idx)), depth) * valid.unsqueeze(-1);
    at::Tensor out = hot.to(at::kFloat) * (a.d("onValue") - a.d("offValue")) + a.d("offValue");
    return std::vector<at::Tensor>{out.to(scalar_of(a.s("dtype")))};
  };
  ops["fill"] = [](const Inputs&, const Attrs& a) {
    return std::vector<at::Tensor>{at::full(a.iv("shape"), a.d("value"), opts(scalar_of(a.s("dtype"))))};
  };
  ops["range"] = [](const Inputs&, const Attrs& a) {
    auto dtype = scalar_of(a.s("dtype"));
    auto r = at::arange(a.d("start"), a.d("stop"), a.d("step"), opts(at::kDouble));
    return std::vector<at::Tensor>{r.to(dtype)};
  };

  // ---- reductions
  ops["sum"] = [](const Inputs& in, const Attrs& a) {
    const auto& x = in[0];
    auto dtype = x.scalar_type() == at::kFloat ? at::kFloat : at::kInt;
    auto axes = axes_of(x, a);
    if (axes.empty()) return std::vector<at::Tensor>{x.to(dtype)};
    return std::vector<at::Tensor>{at::sum(x, axes, a.b("keepDims"), dtype)};
  };
  ops["mean"] = [](const Inputs& in, const Attrs& a) {
    auto axes = axes_of(in[0], a);
    if (axes.empty()) return std::vector<at::Tensor>{in[0]};
    return std::vector<at::Tensor>{at::mean(in[0].to(at::kFloat), axes, a.b("keepDims"))};
  };
  ops["max"] = [](const Inputs& in, const Attrs& a) {
    auto axes = axes_of(in[0], a);
    return std::vector<at::Tensor>{axes.empty() ? in[0] : at::amax(in[0], axes, a.b("keepDims"))};
  };
  ops["min"] = [](const Inputs& in, const Attrs& a) {
    auto axes = axes_of(in[0], a);
    return std::vector<at::Tensor>{axes.empty() ? in[0] : at::amin(in[0], axes, a.b("keepDims"))};
  };
  ops["prod"] = [](const Inputs& in, const Attrs& a) {
    const auto& x = in[0];
    auto r = reduce_each(x, axes_of(x, a), a.b("keepDims"), [](const at::Tensor& t, int64_t ax, bool k) { return at::prod(t, ax, k); });
    return std::vector<at::Tensor>{int_result(x, r)};
  };
  ops["all"] = [](const Inputs& in, const Attrs& a) {
    return std::vector<at::Tensor>{reduce_each(in[0].to(at::kBool), axes_of(in[0], a), a.b("keepDims"), [](const at::Tensor& t, int64_t ax, bool k) { return at::all(t, ax, k); })};
  };
  ops["any"] = [](const Inputs& in, const Attrs& a) {
    return std::vector<at::Tensor>{reduce_each(in[0].to(at::kBool), axes_of(in[0], a), a.b("keepDims"), [](const at::Tensor& t, int64_t ax, bool k) { return at::any(t, ax, k); })};
  };
  ops["argmax"] = [](const Inputs& in, const Attrs& a) { return std::vector<at::Tensor>{at::argmax(in[0], axis_of(a.i("axis"), in[0].dim()))}; };
  ops["argmin"] = [](const Inputs& in, const Attrs& a) { return std::vector<at::Tensor>{at::argmin(in[0], axis_of(a.i("axis"), in[0].dim()))}; };
  ops["cumsum"] = [](const Inputs& in, const Attrs& a) {
    int64_t axis = axis_of(a.i("axis"), in[0].dim());
    at::Tensor x = a.b("reverse") ? at::flip(in[0], {axis}) : in[0];
    at::Tensor c = at::cumsum(x, axis);
    if (a.b("exclusive")) c = c - x;
    if (a.b("reverse")) c = at::flip(c, {axis});
    return std::vector<at::Tensor>{int_result(in[0], c)};
  };
  ops["softmax"] = [](const Inputs& in, const Attrs& a) { return std::vector<at::Tensor>{at::softmax(in[0], axis_of(a.i("dim"), in[0].dim()))}; };

  // ---- linear algebra, normalisation
  ops["matmul"] = [](const Inputs& in, const Attrs& a) {
    at::Tensor x = a.b("transposeA") ? in[0].transpose(-1, -2) : in[0];
    at::Tensor y = a.b("transposeB") ? in[1].transpose(-1, -2) : in[1];
    return std::vector<at::Tensor>{at::matmul(x, y)};
  };
  ops["batch_norm"] = [](const Inputs& in, const Attrs& a) {
    // inputs: x, mean, variance, offset (may be undefined), scale (may be undefined)
    const auto& x = in[0];
    int64_t c = x.dim() >= 2 ? x.size(-1) : -1;
    auto per_channel = [c](const at::Tensor& t) { return !t.defined() || (t.dim() == 1 && t.size(0) == c); };
    if (c > 0 && x.scalar_type() == at::kFloat && per_channel(in[1]) && per_channel(in[2]) && per_channel(in[3]) && per_channel(in[4])) {
      // One fused pass (inference-mode batch norm) over the channels-first view.
      auto out = at::native_batch_norm(channels_first(x), in[4], in[3], in[1], in[2], false, 0.0, a.d("eps"));
      return std::vector<at::Tensor>{channels_last_of(std::get<0>(out))};
    }
    at::Tensor inv = at::rsqrt(in[2] + a.d("eps"));
    if (in[4].defined()) inv = inv * in[4];
    at::Tensor y = (in[0] - in[1]) * inv;
    if (in[3].defined()) y = y + in[3];
    return std::vector<at::Tensor>{y};
  };

  // Batch norm with batch statistics, forward and backward as single fused ATen kernels.
  // inputs x, scale, offset -> [y, mean, invstd]
  ops["batch_norm_training"] = [](const Inputs& in, const Attrs& a) {
    auto out = at::native_batch_norm(channels_first(in[0]), in[1], in[2], {}, {}, true, 0.0, a.d("eps"));
    return std::vector<at::Tensor>{channels_last_of(std::get<0>(out)), std::get<1>(out), std::get<2>(out)};
  };
  // inputs dy, x, scale, mean, invstd -> [dx, dscale, doffset]
  ops["batch_norm_training_backward"] = [](const Inputs& in, const Attrs& a) {
    auto grads = at::native_batch_norm_backward(channels_first(in[0]), channels_first(in[1]), in[2], {}, {}, in[3], in[4], true, a.d("eps"), {true, true, true});
    return std::vector<at::Tensor>{channels_last_of(std::get<0>(grads)), std::get<1>(grads), std::get<2>(grads)};
  };

  // One Adam/AdamW update (torch.optim.Adam's rule) in a single call:
  // inputs param, grad, exp_avg, exp_avg_sq -> [param', exp_avg', exp_avg_sq'].
  ops["adam_step"] = [](const Inputs& in, const Attrs& a) {
    const double lr = a.d("lr"), b1 = a.d("beta1"), b2 = a.d("beta2"), eps = a.d("eps"), wd = a.d("weightDecay");
    const double step = a.d("step");
    at::Tensor param = in[0], grad = in[1];
    if (wd != 0) {
      if (a.b("decoupled")) param = param * (1 - lr * wd);
      else grad = grad + param * wd;
    }
    at::Tensor m = at::lerp(in[2], grad, 1 - b1);
    at::Tensor v = at::addcmul(in[3] * b2, grad, grad, 1 - b2);
    const double bias1 = 1 - std::pow(b1, step), bias2 = 1 - std::pow(b2, step);
    at::Tensor denom = at::sqrt(v).div_(std::sqrt(bias2)).add_(eps);
    return std::vector<at::Tensor>{at::addcdiv(param, m, denom, -lr / bias1), m, v};
  };

  ops["conv"] = conv_forward;
  ops["conv_backward_input"] = conv_backward_input;
  ops["conv_backward_filter"] = conv_backward_filter;
  ops["max_pool"] = max_pool;
  ops["max_pool_backward"] = max_pool_backward;
  ops["avg_pool"] = avg_pool;
  ops["avg_pool_backward"] = avg_pool_backward;

  // ---- images (tfjs' half-pixel / align-corners modes; the legacy mode falls back to cpu in JS)
  ops["resize_bilinear"] = [](const Inputs& in, const Attrs& a) {
    auto size = a.iv("size");
    at::Tensor y = at::upsample_bilinear2d(to_nchw(in[0]), size, a.b("alignCorners"), c10::nullopt, c10::nullopt);
    return std::vector<at::Tensor>{to_nhwc(y)};
  };
  ops["resize_bilinear_backward"] = [](const Inputs& in, const Attrs& a) {
    // inputs dy, images
    at::Tensor dy = to_nchw(in[0]);
    const auto& x = in[1];
    std::vector<int64_t> out_size{dy.size(2), dy.size(3)};
    std::vector<int64_t> in_size{x.size(0), x.size(3), x.size(1), x.size(2)};
    at::Tensor dx = at::upsample_bilinear2d_backward(dy, out_size, in_size, a.b("alignCorners"), c10::nullopt, c10::nullopt);
    return std::vector<at::Tensor>{to_nhwc(dx)};
  };
  return ops;
}

const std::unordered_map<std::string, Op>& op_table() {
  static const auto table = build_ops();
  return table;
}

// ---- device placement
// tfjs uploads every constant (a learning rate, 0.9, 1e-8) as its own scalar tensor. Copying those
// to the GPU would block on the stream each time, so 0-dim values stay in host memory, where ATen's
// element-wise kernels read them as CPU scalars; every other op gets all its inputs on the device.
bool is_elementwise(const std::string& name) {
  static const std::unordered_set<std::string> ops{
      "abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil", "cos", "cosh", "elu", "erf", "exp", "expm1", "floor",
      "is_finite", "is_inf", "is_nan", "log", "log1p", "logical_not", "neg", "reciprocal", "relu", "relu6", "round", "rsqrt",
      "selu", "sigmoid", "sign", "sin", "sinh", "softplus", "sqrt", "square", "tan", "tanh", "identity", "add", "sub", "mul",
      "div", "floor_div", "maximum", "minimum", "mod", "pow", "squared_difference", "atan2", "equal", "not_equal", "greater",
      "greater_equal", "less", "less_equal", "logical_and", "logical_or", "logical_xor", "leaky_relu", "clip", "cast"};
  return ops.count(name) > 0;
}

void place_inputs(const std::string& name, Inputs& inputs) {
  bool any_device = false;
  for (const auto& t : inputs) any_device = any_device || (t.defined() && t.device() == g_device);
  bool elementwise = is_elementwise(name);
  for (auto& t : inputs) {
    if (!t.defined() || t.device() == g_device) continue;
    // A scalar may stay on the host for element-wise ops that also touch a device tensor.
    if (elementwise && any_device && t.dim() == 0) continue;
    if (elementwise && !any_device) continue;  // pure host arithmetic on scalars stays on the host
    t = t.to(g_device, /*non_blocking=*/false);
  }
}

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
    if (g_device.is_cuda()) place_inputs(name, inputs);
    Attrs attrs{info[2].IsObject() ? info[2].As<Napi::Object>() : Napi::Object::New(env)};
    std::vector<at::Tensor> outputs = it->second(inputs, attrs);
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
#ifndef AUGPRIOR_NO_CACHING_ALLOCATOR
  g_cpu_allocator.empty_cache();
#endif
  return info.Env().Undefined();
}

Napi::Value Configure(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto o = info[0].As<Napi::Object>();
  try {
#ifndef AUGPRIOR_NO_CACHING_ALLOCATOR
    if (o.Has("cachingAllocator") && o.Get("cachingAllocator").ToBoolean().Value()) {
      // Priority above the default CPU allocator's; applies to every later CPU allocation.
      c10::SetCPUAllocator(&g_cpu_allocator, /*priority=*/10);
    }
#endif
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
#ifndef AUGPRIOR_NO_CACHING_ALLOCATOR
  o.Set("cachedBytes", double(g_cpu_allocator.cached_bytes()));
#else
  o.Set("cachedBytes", 0);
#endif
  // Bytes malloc has handed out and not got back (all arenas, mmapped blocks included): native
  // memory in use, unaffected by fragmentation or by pages the allocator keeps.
  struct mallinfo2 m = ::mallinfo2();
  o.Set("mallocInUseBytes", double(m.uordblks + m.hblkhd));
  auto names = Napi::Array::New(env);
  uint32_t k = 0;
  for (const auto& entry : op_table()) names.Set(k++, entry.first);
  o.Set("ops", names);
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

NODE_API_MODULE(augprior_torch, Init)
