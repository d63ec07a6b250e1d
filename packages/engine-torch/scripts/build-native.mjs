#!/usr/bin/env node
// Builds build/augprior_torch.node against libtorch with plain g++ (no cmake, no downloads).
//
// libtorch is found by find-libtorch.mjs: $LIBTORCH, else the PyTorch that `python3 -c 'import torch'`
// finds (pip or conda), else Debian's libtorch-dev.
// With --optional, a machine without libtorch gets one line saying so and exit code 0, so
// `npm ci` still succeeds and `--backend auto` falls through to the next engine.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLibtorch, libtorchFingerprint } from './find-libtorch.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const optional = process.argv.includes('--optional');
const force = process.argv.includes('--force');
const out = resolve(process.env.AUGPRIOR_TORCH_BUILD_DIR ?? join(root, 'build'), 'augprior_torch.node');
const infoPath = join(dirname(out), 'info.json');
// Every .cc in native/ is one translation unit of the addon; headers only count for staleness.
const nativeDir = join(root, 'native');
const nativeFiles = readdirSync(nativeDir).sort().map((f) => join(nativeDir, f));
const sources = nativeFiles.filter((f) => f.endsWith('.cc'));

function say(line) {
  process.stderr.write(`[engine-torch] ${line}\n`);
}

function nodeIncludes() {
  const addonApi = process.env.NODE_ADDON_API_INCLUDE ?? createRequire(import.meta.url)('node-addon-api').include_dir;
  const candidates = [process.env.NODE_INCLUDE, join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node', '/usr/local/include/node'].filter(Boolean);
  const node = candidates.find((d) => existsSync(join(d, 'node_api.h')));
  if (!node) throw new Error(`node_api.h not found (looked in ${candidates.join(', ')}); set NODE_INCLUDE`);
  return [node, resolve(addonApi)];
}

/** pip wheels and Debian may differ in the libstdc++ string ABI; match libc10's. */
function cxx11Abi(lib) {
  const probe = spawnSync('nm', ['-DC', join(lib, 'libc10.so')], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (probe.status !== 0) return 1;
  return probe.stdout.includes('std::__cxx11::basic_string') ? 1 : 0;
}

function upToDate(libtorch) {
  if (force || !existsSync(out) || !existsSync(infoPath)) return false;
  const info = JSON.parse(readFileSync(infoPath, 'utf8'));
  const built = statSync(out).mtimeMs;
  return info.libtorch === libtorch.root && info.fingerprint === libtorchFingerprint(libtorch) && nativeFiles.every((s) => statSync(s).mtimeMs < built) && statSync(fileURLToPath(import.meta.url)).mtimeMs < built;
}

let libtorch;
let skipped = [];
try {
  ({ found: libtorch, skipped } = findLibtorch());
} catch (error) {
  say(error.message);
  process.exit(optional ? 0 : 1);
}
if (!libtorch) {
  say(`libtorch not found ($LIBTORCH unset; ${skipped.join('; ')}); the torch engine is not built and runs fall back to wasm (~19x slower). Fix: \`npm run setup\` (installs libtorch-dev where it may), or \`pip install torch\`, or set LIBTORCH; then \`npx nx run engine-torch:native\`.`);
  process.exit(optional ? 0 : 1);
}
if (upToDate(libtorch)) {
  say(`up to date (${out})`);
  process.exit(0);
}

const cuda = existsSync(join(libtorch.lib, 'libtorch_cuda.so'));
const abi = cxx11Abi(libtorch.lib);
const args = [
  '-O3', '-std=c++17',
  // PyTorch 2.x headers use a few C++20 extensions that g++ accepts in C++17 mode with a warning.
  '-Wno-c++20-extensions', '-shared', '-fPIC', '-fvisibility=hidden', '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS', '-fexceptions',
  `-D_GLIBCXX_USE_CXX11_ABI=${abi}`,
  ...(process.env.AUGPRIOR_NO_CACHING_ALLOCATOR ? ['-DAUGPRIOR_NO_CACHING_ALLOCATOR'] : []),
  ...[...nodeIncludes(), ...libtorch.includes].map((d) => `-I${d}`),
  ...sources,
  `-L${libtorch.lib}`, `-Wl,-rpath,${libtorch.lib}`,
  // CUDA kernels register themselves when libtorch_cuda loads; keep it linked even though no
  // symbol of it is referenced directly.
  ...(cuda ? ['-Wl,--no-as-needed', '-ltorch_cuda', '-lc10_cuda', '-Wl,--as-needed'] : []),
  '-ltorch', '-ltorch_cpu', '-lc10',
];
mkdirSync(dirname(out), { recursive: true });
const temp = `${out}.tmp-${process.pid}`;
say(`compiling against ${libtorch.kind} at ${libtorch.root}${cuda ? ' (CUDA)' : ''}...`);
const started = Date.now();
try {
  execFileSync(process.env.CXX ?? 'g++', [...args, '-o', temp], { stdio: ['ignore', 'inherit', 'inherit'] });
} catch {
  say('compilation failed (see the compiler output above)');
  process.exit(optional ? 0 : 1);
}
renameSync(temp, out);
writeFileSync(infoPath, `${JSON.stringify({ libtorch: libtorch.root, kind: libtorch.kind, fingerprint: libtorchFingerprint(libtorch), cuda, cxx11Abi: abi, builtAt: new Date().toISOString() }, null, 2)}\n`);
say(`built ${out} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
