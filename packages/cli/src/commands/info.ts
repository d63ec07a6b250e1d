/** `augprior info`: versions, the engine auto would pick and why, the data root, optional packages. */
import { arch, cpus, platform, totalmem } from 'node:os';
import { describeDataRoot, probeEngines, resolveDataRoot, selectEngine, slowEngineWarning, tf, type EngineAttempt } from '@augprior/core';
import { emitResult, type CommandIO } from '../io.js';
import { parseFlags, stringFlag } from '../options.js';
import { findInstalledPackage, OPTIONAL_PACKAGES } from '../packages.js';
import { VERSION } from '../version.js';

export const INFO_HELP = `augprior info [--json] [--backend <engine>] [--data-root <dir>]

Reports versions, which engine a run would use and why each other engine was skipped, the data
root and where it came from, and which optional packages are installed.`;

export async function infoCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags } = parseFlags(argv);
  if (flags['help']) {
    io.stdout.write(`${INFO_HELP}\n`);
    return 0;
  }
  const engines: EngineAttempt[] = await probeEngines();
  const backend = stringFlag(flags, 'backend') ?? io.env['AUGPRIOR_BACKEND'] ?? 'auto';
  let chosen: { engine: string; tfjsBackend: string; device: string; reason: string } | { error: string };
  let slowEngine: string | null = null;
  try {
    const selection = await selectEngine({ backend: backend as 'auto' });
    chosen = { engine: selection.engine, tfjsBackend: selection.tfjsBackend, device: selection.device, reason: selection.reason };
    slowEngine = slowEngineWarning(selection) ?? null;
  } catch (error) {
    chosen = { error: (error as Error).message };
  }
  const dataRoot = resolveDataRoot({ flag: stringFlag(flags, 'data-root'), env: io.env });
  const optional = Object.fromEntries(
    OPTIONAL_PACKAGES.map(([name, purpose]) => {
      const found = findInstalledPackage(name);
      return [name, { installed: Boolean(found), version: found?.version ?? null, purpose }];
    }),
  );
  const result = {
    augprior: VERSION,
    node: process.version,
    platform: `${platform()}-${arch()}`,
    cpus: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    tfjs: tf.version.tfjs,
    engine: { requested: backend, ...chosen },
    slowEngine,
    engines: Object.fromEntries(engines.map((a) => [a.engine, { available: a.ok, detail: a.detail }])),
    dataRoot: { path: dataRoot.path, source: dataRoot.source, exists: dataRoot.exists },
    optionalPackages: optional,
  };
  emitResult(io, flags['json'] === true, result, () =>
    [
      `augprior ${VERSION} on node ${process.version} (${result.platform}, ${result.cpus} cores), tfjs ${result.tfjs}`,
      'error' in chosen ? `engine     none: ${chosen.error}` : `engine     ${chosen.reason}`,
      ...(slowEngine ? [slowEngine] : []),
      ...engines.map((a) => `  ${a.ok ? 'yes' : ' no'} ${a.engine.padEnd(10)} ${a.detail}`),
      `data root  ${describeDataRoot(dataRoot)}`,
      'optional packages:',
      ...Object.entries(optional).map(([name, o]) => `  ${o.installed ? `yes ${name}@${o.version}` : ` no ${name}`}  (${o.purpose})`),
    ].join('\n'),
  );
  return 0;
}
