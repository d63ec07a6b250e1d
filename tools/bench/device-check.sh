#!/usr/bin/env bash
# The GPU check of the native engine, run once on a lent device machine (see ../shared/docs/DEVICE.md):
# builds the addon against the machine's PyTorch (its torch/include, torch/lib), runs augprior's
# reference workload on torch/cuda, the PyTorch reference on the same card (NCHW and channels_last),
# the same on the CPU cores for scale, and tfjs-backend-webgpu through Dawn (Vulkan); prints a table.
# Inputs (carried in .devcarry/, made by tools/bench/prepare-device-carry.sh): node.xz, bench.mjs,
# include/{node,napi}, webgpu/ (index.js, package.json, dist/linux-x64/dawn.node). Logs go to $OUT.
set -uo pipefail
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
exec > >(tee "$OUT/device-check.log") 2>&1
C=.devcarry
T=$(mktemp -d)
xz -dc $C/node.xz > "$T/node" && chmod +x "$T/node"
NODE="$T/node"
echo "== machine"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; nproc; "$NODE" --version
TORCH_DIR=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
python3 -c 'import torch;print("torch", torch.__version__, "cuda", torch.version.cuda, "cxx11abi", torch._C._GLIBCXX_USE_CXX11_ABI)'

echo "== build the addon against $TORCH_DIR"
export LIBTORCH=$TORCH_DIR NODE_INCLUDE=$PWD/$C/include/node NODE_ADDON_API_INCLUDE=$PWD/$C/include/napi AUGPRIOR_TORCH_BUILD_DIR=$T/addon
if ! timeout 200 "$NODE" packages/engine-torch/scripts/build-native.mjs; then
  echo "retrying without the caching CPU allocator"
  AUGPRIOR_NO_CACHING_ALLOCATOR=1 timeout 200 "$NODE" packages/engine-torch/scripts/build-native.mjs || { echo "BUILD FAILED"; exit 1; }
fi
export AUGPRIOR_TORCH_ADDON=$T/addon/augprior_torch.node

run() { # label, timeout, command...
  local label=$1 limit=$2; shift 2
  echo "== $label"
  timeout "$limit" "$@" > "$OUT/$label.json" 2> "$OUT/$label.err"; local rc=$?
  tail -n 3 "$OUT/$label.err"; tail -n 1 "$OUT/$label.json"; echo "(exit $rc)"
}
W='{}'
run torch-cuda 120 env ENGINE=torch DEVICE=cuda WORKLOAD="$W" "$NODE" $C/bench.mjs
run pytorch-cuda 90 python3 tools/bench/pytorch_reference.py --device cuda
run pytorch-cuda-cl 90 python3 tools/bench/pytorch_reference.py --device cuda --channels-last
run torch-cpu16 90 env ENGINE=torch DEVICE=cpu WORKLOAD="$W" "$NODE" $C/bench.mjs
run pytorch-cpu16 90 python3 tools/bench/pytorch_reference.py --device cpu --channels-last

echo "== webgpu (Dawn, Vulkan)"
for f in .gl/*.deb; do dpkg -x "$f" / 2>/dev/null; done; ldconfig 2>/dev/null
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
run webgpu 100 env ENGINE=webgpu WEBGPU_MODULE=$PWD/$C/webgpu/index.js WORKLOAD='{"steps":5,"warmup":2,"evalRepeats":2}' "$NODE" $C/bench.mjs

echo "== summary (img/s)"
python3 - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
rows = ["torch-cuda", "pytorch-cuda", "pytorch-cuda-cl", "torch-cpu16", "pytorch-cpu16", "webgpu"]
for r in rows:
    try:
        d = json.loads(open(os.path.join(out, r + ".json")).read().strip().splitlines()[-1])
        print(f"{r:16s} train {d['train_img_s']:>9} eval {d['eval_img_s']:>9}")
    except Exception as e:
        print(f"{r:16s} no result ({type(e).__name__})")
PY
