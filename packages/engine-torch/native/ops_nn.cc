// Network ops: convolution and pooling (forward and backward, NHWC views of channels_last ATen
// kernels), matmul, batch norm, the fused Adam step, image resizing.
#include "layout.h"

namespace augprior {

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


void add_nn_ops(OpTable& ops) {
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
}

}  // namespace augprior
