// Reductions over a list of axes, arg-max/min, cumulative sums, softmax.
#include "common.h"

namespace augprior {

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

void add_reduce_ops(OpTable& ops) {
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

}

}  // namespace augprior
