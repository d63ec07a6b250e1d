#!/usr/bin/env node
// Smoke check of every Nx target the README names: each runs, exactly as a user types it
// (`npx nx run <project>:<target> -- <tiny budgets>`), in a scratch runs folder, so a target that
// breaks on a fresh clone cannot land. Part of `npm test`; `npm run smoke` runs it alone.
//
// - The README is the list: every `nx run <project>:<target>` it names must have a tiny mode below
//   (a target added to the README without one fails this check), and must exist.
// - Targets that read another target's run (eval, visualize) are first run on the empty scratch
//   folder and must stop with a message naming the target that makes the run.
// - Targets that need the shared data are skipped, each with the reason, where the data root is
//   absent (CI has ../shared). Nothing of the user's runs/ or reports/ is read or written:
//   AUGPRIOR_RUNS / AUGPRIOR_REPORTS point the targets at a temporary folder.
//
// Flags: --only a:b,c:d (run these, in table order), --keep (leave the scratch folder), --json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Ordered: a target comes after the targets whose runs it reads. `args` go after `--` and are
// forwarded by Nx to every command of the target; `?=` sets a field only where a config has it.
const TRAIN = [];
export const SMOKE = [
  { target: 'engine-torch:native', args: [] },
  { target: 'cli:info', args: [] },
  { target: 'cli:datasets', args: [] },
  { target: 'core:tiny', args: ['--max-steps', '12', ...TRAIN] },
  { target: 'core:bench', args: ['--engines', 'torch,wasm', '--set', 'steps=1', '--set', 'warmup=0', '--set', 'batchSize=16', '--set', 'evalBatchSize=32', '--set', 'evalRepeats=1'] },
  { target: 'image:generate', args: ['--count', '64', '--export-png', '16'], data: true },
  { target: 'image:bench', args: ['--count', '256'], data: true },
  { target: 'image:train', args: ['--max-steps', '2', ...TRAIN, '--set', 'batchSize=16', '--set', 'data.count=64', '--set', 'eval.limit=100', '--set', 'evalBatchSize=100'], data: true },
  { target: 'image:train-paper', args: ['--max-steps', '2', ...TRAIN, '--set', 'batchSize=16', '--set', 'data.count=64', '--set', 'eval.limit=100', '--set', 'evalBatchSize=100'], data: true },
  { target: 'image:eval', args: ['--set', 'dataset.limit=100'], data: true, needs: 'image:train' },
  { target: 'image:visualize', args: ['--steps', '2'], data: true, needs: 'image:train' },
  { target: 'audio:generate', args: ['--count', '16', '--export-wav', '2'], data: true },
  { target: 'audio:bench', args: ['--count', '32'], data: true },
  { target: 'audio:bench-row-cache', args: ['--steps', '4', '--set', 'batchSize=16', '--set', 'data.count=32', '--set', 'data.balance.pool=64', '--set', 'eval.limit=20', '--set', 'evalBatchSize=20'], data: true },
  ...['audio:train', 'audio:train-control', 'audio:train-keywords', 'audio:train-control-keywords'].map((target) => ({
    target,
    args: ['--max-steps', '2', ...TRAIN, '--set', 'batchSize=16', '--set', 'data.count=32', '--set', 'data.balance.pool?=64', '--set', 'eval.limit=20', '--set', 'evalBatchSize=20'],
    data: true,
  })),
  { target: 'audio:eval', args: ['--set', 'dataset.limit=20'], data: true, needs: 'audio:train' },
  { target: 'audio:eval-keywords', args: ['--set', 'dataset.limit=20'], data: true, needs: 'audio:train-keywords' },
  { target: 'video:generate', args: ['--count', '4', '--export-mp4', '1'], data: true },
  { target: 'video:bench', args: [], data: true },
  { target: 'video:train', args: ['--max-steps', '2', ...TRAIN, '--set', 'batchSize=8', '--set', 'data.count?=16', '--set', 'eval.count=64', '--set', 'evalBatchSize=64'], data: true },
  { target: 'video:eval', args: [], data: true, needs: 'video:train' },
  { target: 'eval:report', args: [], cacheless: true },
];

/** The Nx projects and their targets, from packages/<name>/project.json. */
function projectTargets() {
  const out = new Map();
  for (const dir of readdirSync(join(ROOT, 'packages'))) {
    const file = join(ROOT, 'packages', dir, 'project.json');
    if (!existsSync(file)) continue;
    const project = JSON.parse(readFileSync(file, 'utf8'));
    out.set(project.name, new Set(Object.keys(project.targets ?? {})));
  }
  return out;
}

/**
 * Every `<project>:<target>` the README names on a line that mentions `nx run`, where <project>
 * is one of ours (so `cifar10:cifar10/test-jpeg` and the like are not taken for targets).
 */
export function readmeTargets(readme, projects) {
  const found = new Set();
  for (const line of readme.split('\n')) {
    if (!line.includes('nx run ')) continue;
    for (const match of line.matchAll(/`(?:npx )?(?:nx run )?([a-z][a-z0-9-]*):([a-z][a-z0-9-]*)\b/g)) {
      if (projects.has(match[1])) found.add(`${match[1]}:${match[2]}`);
    }
  }
  return [...found];
}

function dataRootExists(env) {
  const root = env.AUGPRIOR_DATA ? resolve(env.AUGPRIOR_DATA) : resolve(ROOT, '..', 'shared', 'data');
  return { root, exists: existsSync(root) };
}

function nx(target, args, env, { skipCache = false } = {}) {
  const started = Date.now();
  const result = spawnSync('npx', ['nx', 'run', target, '--outputStyle=static', ...(skipCache ? ['--skip-nx-cache'] : []), ...(args.length ? ['--', ...args] : [])], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 15 * 60_000,
    maxBuffer: 256 * 2 ** 20,
  });
  return { code: result.status ?? (result.signal ? 128 : 1), output: `${result.stdout ?? ''}${result.stderr ?? ''}`, seconds: (Date.now() - started) / 1000, timedOut: result.error?.code === 'ETIMEDOUT' };
}

function tail(text, lines = 25) {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function main() {
  const argv = process.argv.slice(2);
  const only = argv.includes('--only') ? new Set(argv[argv.indexOf('--only') + 1].split(',')) : undefined;
  const json = argv.includes('--json');
  const keep = argv.includes('--keep');
  const projects = projectTargets();
  const named = readmeTargets(readFileSync(join(ROOT, 'README.md'), 'utf8'), projects);
  const problems = [];
  for (const target of named) {
    const [project, name] = target.split(':');
    if (!projects.get(project)?.has(name)) problems.push(`README names \`nx run ${target}\`, which no project.json defines`);
    if (!SMOKE.some((s) => s.target === target)) problems.push(`README names \`nx run ${target}\` but tools/smoke/readme-targets.mjs has no tiny mode for it: add one to SMOKE`);
  }
  if (problems.length) {
    for (const p of problems) process.stderr.write(`[smoke] ${p}\n`);
    process.exit(1);
  }

  const scratch = mkdtempSync(join(tmpdir(), 'augprior-smoke-'));
  const env = { ...process.env, AUGPRIOR_RUNS: join(scratch, 'runs'), AUGPRIOR_REPORTS: join(scratch, 'reports'), NX_DAEMON: 'false', FORCE_COLOR: '0' };
  const data = dataRootExists(env);
  const rows = [];
  const say = (line) => process.stderr.write(`[smoke] ${line}\n`);
  say(`${named.length} README targets; scratch ${scratch}; data root ${data.root}${data.exists ? '' : ' (absent: targets that need it are skipped)'}`);
  for (const entry of SMOKE) {
    if (only && !only.has(entry.target)) continue;
    if (!named.includes(entry.target)) continue;
    if (entry.data && !data.exists) {
      rows.push({ target: entry.target, status: 'skipped', reason: `needs the data root ${data.root}, which is absent (CI provides ../shared/data)` });
      say(`skip ${entry.target}: data root absent`);
      continue;
    }
    if (entry.needs) {
      // On a folder without the run it reads, the target must say which target makes it.
      const fresh = { ...env, AUGPRIOR_RUNS: join(scratch, 'empty-runs') };
      const before = nx(entry.target, entry.args, fresh);
      const names = before.output.includes(`nx run ${entry.needs}`);
      if (before.code === 0 || !names) {
        rows.push({ target: entry.target, status: 'failed', seconds: before.seconds, reason: `without a run it should stop naming \`nx run ${entry.needs}\`; it exited ${before.code}` });
        say(`FAIL ${entry.target} before ${entry.needs}:\n${tail(before.output)}`);
        continue;
      }
      say(`ok   ${entry.target} before ${entry.needs}: stops and names it`);
    }
    const run = nx(entry.target, entry.args, env, { skipCache: entry.cacheless });
    if (run.code === 0) {
      rows.push({ target: entry.target, status: 'passed', seconds: Math.round(run.seconds * 10) / 10 });
      say(`ok   ${entry.target} (${run.seconds.toFixed(1)} s)`);
    } else {
      rows.push({ target: entry.target, status: 'failed', seconds: Math.round(run.seconds * 10) / 10, reason: run.timedOut ? 'timed out' : `exit ${run.code}` });
      say(`FAIL ${entry.target} (exit ${run.code}${run.timedOut ? ', timed out' : ''}):\n${tail(run.output)}`);
    }
  }
  if (!keep) rmSync(scratch, { recursive: true, force: true });
  const failed = rows.filter((r) => r.status === 'failed');
  const summary = { targets: rows.length, passed: rows.filter((r) => r.status === 'passed').length, skipped: rows.filter((r) => r.status === 'skipped').length, failed: failed.length, rows };
  if (json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  say(`${summary.passed} passed, ${summary.skipped} skipped, ${summary.failed} failed of ${summary.targets} README targets${keep ? ` (kept ${scratch})` : ''}`);
  process.exit(failed.length ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
