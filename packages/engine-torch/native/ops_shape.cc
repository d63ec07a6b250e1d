// Shape, indexing and constant ops.
#include "common.h"

namespace augprior {

void add_shape_ops(OpTable& ops) {
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

}

}  // namespace augprior
