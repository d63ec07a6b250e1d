// Tensors across the N-API boundary: dtype codes, handles, results normalised to tfjs' dtypes.
#include "common.h"

namespace augprior {

std::atomic<int64_t> g_live_tensors{0};
at::Device g_device = at::kCPU;

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

}  // namespace augprior
