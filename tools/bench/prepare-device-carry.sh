#!/usr/bin/env bash
# Builds .devcarry/ for tools/bench/device-check.sh: Node itself, the bench bundle, the N-API
# headers, and the Dawn WebGPU binding. Run from the workspace root; .devcarry/ is git-ignored.
set -euo pipefail
C=.devcarry
rm -rf $C && mkdir -p $C/include/node $C/include/napi $C/webgpu/dist/linux-x64
xz -T2 -6 -c "$(readlink -f "$(which node)")" > $C/node.xz
npx esbuild tools/bench/device-bench.ts --bundle --platform=node --format=esm --target=node20 \
  --conditions=@augprior/source --external:webgpu --outfile=$C/bench.mjs \
  --banner:js="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);" --log-level=warning
cp /usr/include/node/node_api.h /usr/include/node/js_native_api.h /usr/include/node/js_native_api_types.h /usr/include/node/node_api_types.h $C/include/node/
cp node_modules/node-addon-api/*.h $C/include/napi/
W=${WEBGPU_PACKAGE:-/tmp/wgpu/node_modules/webgpu}
cp $W/index.js $W/package.json $C/webgpu/ && cp $W/dist/linux-x64/dawn.node $C/webgpu/dist/linux-x64/
du -sh $C
