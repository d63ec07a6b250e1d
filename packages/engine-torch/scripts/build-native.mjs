#!/usr/bin/env node
// Builds build/augprior_torch.node against libtorch with plain g++ (no cmake, no downloads).
//
// libtorch is found as: $LIBTORCH (a folder with include/ and lib/: pytorch.org's libtorch zip or
// a pip torch's torch/ folder), else Debian's libtorch-dev (/usr/include/torch, multiarch libs).
// With --optional, a machine without libtorch gets one line saying so and exit code 0, so
// `npm ci` still succeeds and `--backend auto` falls through to the next engine.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const optional = process.argv.includes('--optional');
const force = process.argv.includes('--force');
const out = resolve(process.env.AUGPRIOR_TORCH_BUILD_DIR ?? join(root, 'build'), 'augprior_torch.node');
const infoPath = join(dirname(out), 'info.json');
const sources = [join(root, 'native', 'augprior_torch.cc')];

function say(line) {
  process.stderr.write(`[engine-torch] ${line}\n`);
}

function findLibtorch() {
  const env = process.env.LIBTORCH;
  if (env) {
    const dir = resolve(env);
    if (!existsSync(join(dir, 'include', 'ATen', 'ATen.h')) || !existsSync(join(dir, 'lib'))) {
      throw new Error(`LIBTORCH=${env} has no include/ATen/ATen.h and lib/`);
    }
    return { kind: 'LIBTORCH', root: dir, includes: [join(dir, 'include'), join(dir, 'include', 'torch', 'csrc', 'api', 'include')], lib: join(dir, 'lib') };
  }
  const multiarch = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib'].find((d) => existsSync(join(d, 'libtorch_cpu.so')));
  if (existsSync('/usr/include/ATen/ATen.h') && multiarch) {
    return { kind: 'debian libtorch-dev', root: '/usr', includes: ['/usr/include', '/usr/include/torch/csrc/api/include'], lib: multiarch };
  }
  return undefined;
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
  return info.libtorch === libtorch.root && sources.every((s) => statSync(s).mtimeMs < built) && statSync(fileURLToPath(import.meta.url)).mtimeMs < built;
}

let libtorch;
try {
  libtorch = findLibtorch();
} catch (error) {
  say(error.message);
  process.exit(optional ? 0 : 1);
}
if (!libtorch) {
  say('libtorch not found ($LIBTORCH unset, no Debian libtorch-dev); the torch engine is not built. `apt-get install libtorch-dev` or set LIBTORCH, then `npx nx run engine-torch:native`.');
  process.exit(optional ? 0 : 1);
}
if (upToDate(libtorch)) {
  say(`up to date (${out})`);
  process.exit(0);
}

const cuda = existsSync(join(libtorch.lib, 'libtorch_cuda.so'));
const abi = cxx11Abi(libtorch.lib);
const args = [
  '-O3', '-std=c++17', '-shared', '-fPIC', '-fvisibility=hidden', '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS', '-fexceptions',
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
writeFileSync(infoPath, `${JSON.stringify({ libtorch: libtorch.root, kind: libtorch.kind, cuda, cxx11Abi: abi, builtAt: new Date().toISOString() }, null, 2)}\n`);
say(`built ${out} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
