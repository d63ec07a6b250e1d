// The table of native ops, assembled from the ops_*.cc files, and where an op's inputs live.
#include "common.h"

namespace augprior {

namespace {
OpTable build_ops() {
  OpTable ops;
  add_elementwise_ops(ops);
  add_shape_ops(ops);
  add_reduce_ops(ops);
  add_nn_ops(ops);
  return ops;
}
}  // namespace

const OpTable& op_table() {
  static const auto table = build_ops();
  return table;
}

// tfjs uploads every constant (a learning rate, 0.9, 1e-8) as its own scalar tensor. Copying those
// to the GPU would block on the stream each time, so 0-dim values stay in host memory, where ATen's
// element-wise kernels read them as CPU scalars; every other op gets all its inputs on the device.
void place_inputs(const OpEntry& op, Inputs& inputs) {
  bool any_device = false;
  for (const auto& t : inputs) any_device = any_device || (t.defined() && t.device() == g_device);
  const bool elementwise = op.elementwise;
  for (auto& t : inputs) {
    if (!t.defined() || t.device() == g_device) continue;
    // A scalar may stay on the host for element-wise ops that also touch a device tensor.
    if (elementwise && any_device && t.dim() == 0) continue;
    if (elementwise && !any_device) continue;  // pure host arithmetic on scalars stays on the host
    t = t.to(g_device, /*non_blocking=*/false);
  }
}

}  // namespace augprior
