#!/usr/bin/env node
// `npm run setup`: makes a fresh clone ready to run on the fastest engine this machine can have.
//
//   1. system packages: libtorch for the native torch engine (found as $LIBTORCH, a pip/conda
//      PyTorch, or Debian's libtorch-dev) and Debian's chromium for the report's browser test.
//      What is missing is installed with apt-get where this user may (root, or sudo without a
//      password); otherwise the exact command is printed and set-up goes on without it.
//   2. npm packages (`npm ci`, skipped when package-lock.json and Node are unchanged since the
//      last set-up); the project's .npmrc keeps onnxruntime-node's installer from downloading.
//   3. the torch engine's addon (skipped when it is up to date with the libtorch found) and the
//      TypeScript packages (Nx-cached), then `augprior info` says which engine a run will use.
//
// Plain Node with no dependencies: it runs before node_modules exists. Idempotent; a second run on
// a set-up machine takes seconds. Flags: --no-system (never call apt-get), --no-build.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLibtorch } from '../../packages/engine-torch/scripts/find-libtorch.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STAMP = join(ROOT, 'node_modules', '.augprior-setup.json');
const args = new Set(process.argv.slice(2));
const allowSystem = !args.has('--no-system');
const build = !args.has('--no-build');
const started = Date.now();

function say(line) {
  process.stdout.write(`[setup] ${line}\n`);
}

function fail(line, hint) {
  process.stderr.write(`[setup] error: ${line}\n${hint ? `[setup]   fix: ${hint}\n` : ''}`);
  process.exit(1);
}

function run(command, commandArgs, options = {}) {
  say(`$ ${[command, ...commandArgs].join(' ')}`);
  const result = spawnSync(command, commandArgs, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.error) fail(`${command} could not start: ${result.error.message}`);
  return result.status ?? 1;
}

function onPath(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) fail(`Node ${process.version} is too old: augprior needs Node >= 20.19`, 'install Node 20.19 or newer (e.g. from nodesource or nvm), then run `npm run setup` again');
}

/** How this user may run apt-get: directly (root), through passwordless sudo, or not at all. */
function aptPrefix() {
  if (!onPath('apt-get')) return undefined;
  if (process.getuid?.() === 0) return [];
  if (onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) return ['sudo', '-n'];
  return undefined;
}

function systemPackages() {
  let libtorch;
  try {
    libtorch = findLibtorch();
  } catch (error) {
    fail(error.message, 'unset LIBTORCH or point it at a folder with include/ and lib/');
  }
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  const missing = [];
  if (libtorch.found) say(`libtorch: ${libtorch.found.kind} at ${libtorch.found.root}`);
  else missing.push({ pkg: 'libtorch-dev', why: `the native torch engine (~19x the wasm engine's speed); looked at: $LIBTORCH unset; ${libtorch.skipped.join('; ')}` });
  if (chromium) say(`chromium: ${chromium}`);
  else missing.push({ pkg: 'chromium', why: "the report's browser test (headless, driven by playwright-core)" });
  if (missing.length === 0) return;
  for (const m of missing) say(`missing ${m.pkg}: needed for ${m.why}`);
  const names = missing.map((m) => m.pkg);
  const prefix = allowSystem ? aptPrefix() : undefined;
  if (!prefix) {
    const why = !allowSystem ? '--no-system was given' : !onPath('apt-get') ? 'this machine has no apt-get' : 'this user is not root and has no passwordless sudo';
    say(`not installing system packages (${why}). To install them:`);
    say(`    sudo apt-get install -y ${names.join(' ')}`);
    if (names.includes('libtorch-dev')) say('    (or use a PyTorch you have: `pip install torch`, or set LIBTORCH=<libtorch folder>; then `npm run setup` again)');
    return;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const [command, ...head] = [...prefix, 'apt-get'];
  const apt = (aptArgs) => run(command, [...head, ...aptArgs], { env });
  if (apt(['update', '-qq']) !== 0) say('apt-get update failed; trying the install with the package lists already there');
  if (apt(['install', '-y', '-qq', ...names]) !== 0) {
    say(`apt-get install ${names.join(' ')} failed (see above); going on without them`);
  }
}

function lockDigest() {
  const hash = createHash('sha256');
  for (const file of ['package-lock.json', '.npmrc']) hash.update(existsSync(join(ROOT, file)) ? readFileSync(join(ROOT, file)) : '');
  hash.update(process.version);
  return hash.digest('hex');
}

function npmPackages() {
  const digest = lockDigest();
  const stamp = existsSync(STAMP) ? JSON.parse(readFileSync(STAMP, 'utf8')) : undefined;
  if (stamp?.digest === digest && existsSync(join(ROOT, 'node_modules', '.package-lock.json'))) {
    say('npm packages: up to date with package-lock.json');
    // The addon may still be missing (libtorch installed after the last set-up): build it now.
    if (run(process.execPath, ['packages/engine-torch/scripts/build-native.mjs', '--optional']) !== 0) fail('the torch engine build script failed');
    return;
  }
  // npm ci runs the workspace postinstall, which compiles the torch engine when libtorch is there.
  // The .npmrc line does the same for a plain `npm ci`; the variable also works where npm drops
  // unknown project config keys (npm 11 warns that a future major version will).
  if (run('npm', ['ci', '--no-audit', '--no-fund'], { env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } }) !== 0) fail('npm ci failed (see above)', 'check that the npm registry is reachable, then run `npm run setup` again');
  writeFileSync(STAMP, `${JSON.stringify({ digest, at: new Date().toISOString() })}\n`);
  if (!existsSync(join(ROOT, 'node_modules', 'onnxruntime-node', 'package.json'))) {
    say('warning: onnxruntime-node was not installed (ONNX teachers will not load); the .npmrc line `onnxruntime-node-install=skip` should prevent this');
  }
}

function buildAndReport() {
  if (!build) return;
  if (run('npx', ['nx', 'run', 'cli:build', '--outputStyle=static']) !== 0) fail('the TypeScript build failed (see above)');
  const info = spawnSync(process.execPath, ['packages/cli/bin/augprior.js', 'info', '--json'], { cwd: ROOT, encoding: 'utf8' });
  const last = info.stdout?.trim().split('\n').pop();
  let parsed;
  try {
    parsed = JSON.parse(last ?? '');
  } catch {
    fail(`augprior info failed: ${(info.stderr || info.stdout || '').trim().split('\n').pop()}`);
  }
  const engine = parsed.engine ?? {};
  say(`engine ${engine.engine ?? 'none'}${engine.device ? ` (${engine.device})` : ''}: ${engine.reason ?? engine.error ?? ''}`);
  if (parsed.slowEngine) say(parsed.slowEngine);
}

checkNode();
systemPackages();
npmPackages();
buildAndReport();
say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s. Run the main job: npx nx run image:train   Run the tests: npm test`);
