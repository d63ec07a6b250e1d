#!/usr/bin/env node
// Finds libtorch for the native engine, in the order most ML users already have it:
//   1. $LIBTORCH: a folder with include/ and lib/ (pytorch.org's libtorch zip, or a torch/ folder);
//   2. a pip/conda PyTorch that `python3 -c 'import torch'` finds (its torch/include, torch/lib);
//   3. Debian's libtorch-dev (/usr/include/ATen, multiarch libs).
// Plain Node, no dependencies: the set-up script runs it before node_modules exists.
//
// As a command: prints the found libtorch as JSON (`--fingerprint`: one line that changes when a
// different libtorch is found, for Nx's cache inputs); exit code 0 either way.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MULTIARCH = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib'];

function layout(kind, root, libDir = join(root, 'lib')) {
  return {
    kind,
    root,
    includes: [join(root, 'include'), join(root, 'include', 'torch', 'csrc', 'api', 'include')],
    lib: libDir,
  };
}

function hasHeadersAndLibs(root, libDir = join(root, 'lib')) {
  return existsSync(join(root, 'include', 'ATen', 'ATen.h')) && existsSync(join(libDir, 'libtorch_cpu.so'));
}

/** Python interpreters to ask, first one wins; `$PYTHON` lets a user point at a venv or conda env. */
function pythonCandidates(env) {
  const names = [env.PYTHON, env.CONDA_PREFIX && join(env.CONDA_PREFIX, 'bin', 'python'), env.VIRTUAL_ENV && join(env.VIRTUAL_ENV, 'bin', 'python'), 'python3', '/usr/bin/python3'];
  return [...new Set(names.filter(Boolean))];
}

/** The torch/ folder of the PyTorch a Python interpreter imports, or why there is none. */
function pythonTorch(python, env) {
  const probe = spawnSync(python, ['-c', 'import os, torch; print(os.path.dirname(torch.__file__)); print(torch.__version__)'], {
    encoding: 'utf8',
    env,
    timeout: 60_000,
  });
  if (probe.error) return { skip: `${python}: ${probe.error.code === 'ENOENT' ? 'not found' : probe.error.message}` };
  if (probe.status !== 0) return { skip: `${python}: no torch module` };
  const [dir, version] = probe.stdout.trim().split('\n');
  return { dir, version };
}

/**
 * Returns `{ found, skipped }`: `found` is `{kind, root, includes, lib, version?}` or undefined;
 * `skipped` says for each place looked at why it was not used. A `$LIBTORCH` that is set but wrong
 * is an error, not a skip: the user asked for that one.
 */
export function findLibtorch(env = process.env) {
  const skipped = [];
  if (env.LIBTORCH) {
    const dir = resolve(env.LIBTORCH);
    if (!hasHeadersAndLibs(dir)) throw new Error(`LIBTORCH=${env.LIBTORCH} has no include/ATen/ATen.h and lib/libtorch_cpu.so (it must be a libtorch folder or a PyTorch torch/ folder)`);
    return { found: layout('$LIBTORCH', dir), skipped };
  }
  if (env.AUGPRIOR_SKIP_PYTHON_TORCH !== '1') {
    for (const python of pythonCandidates(env)) {
      const torch = pythonTorch(python, env);
      if (torch.skip) {
        skipped.push(torch.skip);
        continue;
      }
      if (!hasHeadersAndLibs(torch.dir)) {
        skipped.push(`${python}: torch ${torch.version} at ${torch.dir} has no include/ATen/ATen.h or lib/libtorch_cpu.so`);
        continue;
      }
      return { found: { ...layout(`python torch ${torch.version} (${python})`, torch.dir), version: torch.version }, skipped };
    }
  }
  const multiarch = MULTIARCH.find((d) => existsSync(join(d, 'libtorch_cpu.so')));
  if (existsSync('/usr/include/ATen/ATen.h') && multiarch) return { found: layout('debian libtorch-dev', '/usr', multiarch), skipped };
  skipped.push('Debian libtorch-dev: not installed (no /usr/include/ATen/ATen.h)');
  return { found: undefined, skipped };
}

/** Changes whenever a different (or a rebuilt) libtorch would be compiled against. */
export function libtorchFingerprint(found) {
  if (!found) return 'none';
  const lib = join(found.lib, 'libtorch_cpu.so');
  const real = realpathSync(lib);
  const stat = statSync(real);
  return `${found.kind}|${found.root}|${real}|${stat.size}|${Math.round(stat.mtimeMs)}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { found, skipped } = findLibtorch();
    if (process.argv.includes('--fingerprint')) process.stdout.write(`${libtorchFingerprint(found)}\n`);
    else process.stdout.write(`${JSON.stringify({ found: found ?? null, skipped }, null, 2)}\n`);
  } catch (error) {
    if (process.argv.includes('--fingerprint')) process.stdout.write(`error|${error.message}\n`);
    else process.stdout.write(`${JSON.stringify({ error: error.message })}\n`);
  }
}
