// NHWC <-> NCHW views and tfjs' explicit pads, for the convolution, pooling and normalisation ops.
#pragma once
#include "common.h"

namespace augprior {

// ---- layout helpers: NHWC <-> NCHW (and NDHWC <-> NCDHW) views, never copies
inline at::Tensor to_nchw(const at::Tensor& x) { return x.dim() == 4 ? x.permute({0, 3, 1, 2}) : x.permute({0, 4, 1, 2, 3}); }
inline at::Tensor to_nhwc(const at::Tensor& x) { return x.dim() == 4 ? x.permute({0, 2, 3, 1}) : x.permute({0, 2, 3, 4, 1}); }

// tfjs filters [kh, kw, in, out] -> ATen [out, in, kh, kw]; depthwise [kh, kw, c, m] -> [c*m, 1, kh, kw]
inline at::Tensor filter_to_aten(const at::Tensor& f, bool depthwise) {
  if (f.dim() == 5) return f.permute({4, 3, 0, 1, 2});
  if (!depthwise) return f.permute({3, 2, 0, 1});
  auto kh = f.size(0), kw = f.size(1);
  return f.reshape({kh, kw, f.size(2) * f.size(3)}).permute({2, 0, 1}).unsqueeze(1);
}

inline at::Tensor filter_from_aten(const at::Tensor& w, const std::vector<int64_t>& tfjs_shape, bool depthwise) {
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

inline Spatial spatial(const Attrs& a) {
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
inline at::Tensor pad_spatial(const at::Tensor& x, const std::vector<int64_t>& before, const std::vector<int64_t>& after, double value) {
  std::vector<int64_t> pad;
  for (int64_t k = int64_t(before.size()) - 1; k >= 0; k--) {
    pad.push_back(before[k]);
    pad.push_back(after[k]);
  }
  return at::constant_pad_nd(x, pad, value);
}

inline at::Tensor crop_spatial(const at::Tensor& x, const std::vector<int64_t>& before, const std::vector<int64_t>& size) {
  at::Tensor out = x;
  for (size_t k = 0; k < before.size(); k++) out = out.narrow(2 + k, before[k], size[k]);
  return out;
}

// Any rank: [N, ..., C] -> [N, C, ...] view (what ATen's normalisation kernels expect).
inline at::Tensor channels_first(const at::Tensor& x) {
  if (x.dim() <= 2) return x;
  std::vector<int64_t> perm{0, x.dim() - 1};
  for (int64_t d = 1; d < x.dim() - 1; d++) perm.push_back(d);
  return x.permute(perm);
}

inline at::Tensor channels_last_of(const at::Tensor& x) {
  if (x.dim() <= 2) return x;
  std::vector<int64_t> perm{0};
  for (int64_t d = 2; d < x.dim(); d++) perm.push_back(d);
  perm.push_back(1);
  return x.permute(perm);
}

inline std::vector<int64_t> zeros(size_t n) { return std::vector<int64_t>(n, 0); }

}  // namespace augprior
