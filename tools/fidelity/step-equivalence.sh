#!/bin/bash
# Our training step against PyTorch's on identical batches and identical initial weights (see README.md).
# usage: bash tools/fidelity/step-equivalence.sh [K=20] [engine=torch]   (from the repository root)
set -euo pipefail
K=${1:-20}; ENGINE=${2:-torch}
DATA=${AUGPRIOR_DATA:-../shared/data}
export OUT=${OUT:-/tmp/augprior-fidelity}; mkdir -p "$OUT"
[ -f /tmp/patches_animals.png_50000.npy ] || /usr/bin/python3 tools/fidelity/port_distill.py "$DATA" 0 1 cifar10/train-subset-jpeg > /dev/null
/usr/bin/python3 tools/fidelity/port_batches.py "$K"
AUGPRIOR_DATA="$DATA" node tools/fidelity/step-equivalence.mjs "$ENGINE" "$K" > /dev/null
/usr/bin/python3 tools/fidelity/step_reference.py "$K" "$DATA"
