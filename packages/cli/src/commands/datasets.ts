/** `augprior datasets list|verify|fetch`: the dataset/teacher registry against the data root. */
import { AugpriorError, describeDataRoot, fetchEntry, findEntry, loadDatasetRegistry, resolveDataRoot, verifyFile, type FileReport } from '@augprior/core';
import { emitResult, note, type CommandIO } from '../io.js';
import { parseFlags, stringFlag } from '../options.js';

export const DATASETS_HELP = `augprior datasets list                 registered entries and whether the data root has them
augprior datasets verify [id ...]      re-hash registered files present in the data root
augprior datasets fetch <id ...>       download + verify (+ unpack) into the data root
  --registry <file>   another registry (default: datasets/registry.json of the workspace)
  --data-root <dir>   the data root to use`;

export async function datasetsCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags, positionals } = parseFlags(argv, { registry: { type: 'string' } });
  const [action, ...ids] = positionals;
  if (flags['help'] || !action) {
    io.stdout.write(`${DATASETS_HELP}\n`);
    return flags['help'] ? 0 : 2;
  }
  const registry = loadDatasetRegistry(stringFlag(flags, 'registry'));
  const root = resolveDataRoot({ flag: stringFlag(flags, 'data-root'), env: io.env });
  const entries = ids.length ? ids.map((id) => findEntry(registry, id)) : registry.entries;
  const json = flags['json'] === true;

  if (action === 'list' || action === 'verify') {
    const rows: Array<{ id: string; kind: string; description: string; files: FileReport[] }> = [];
    for (const entry of entries) {
      const files: FileReport[] = [];
      for (const file of entry.files) {
        files.push(action === 'verify' ? await verifyFile(root.path, file) : { path: file.path, status: root.exists && (await import('node:fs')).existsSync(`${root.path}/${file.path}`) ? 'present' : 'missing' });
      }
      rows.push({ id: entry.id, kind: entry.kind, description: entry.description, files });
    }
    const corrupt = rows.flatMap((r) => r.files.filter((f) => f.status === 'corrupt'));
    emitResult(io, json, { dataRoot: root.path, action, entries: rows }, () =>
      [`data root ${describeDataRoot(root)}`, ...rows.map((r) => `${r.files.every((f) => f.status === 'present') ? 'have' : r.files.some((f) => f.status === 'corrupt') ? 'BAD ' : '    '} ${r.id.padEnd(30)} ${r.description}${r.files.filter((f) => f.detail).map((f) => `\n       ${f.path}: ${f.detail}`).join('')}`)].join('\n'),
    );
    return corrupt.length ? 1 : 0;
  }

  if (action === 'fetch') {
    if (!ids.length) throw new AugpriorError('cli.bad-arguments', 'datasets fetch needs at least one id', '`augprior datasets list` shows the ids');
    const reports: Record<string, FileReport[]> = {};
    for (const entry of entries) {
      note(io, `[datasets] ${entry.id}: ${entry.description}`);
      let lastPrinted = 0;
      reports[entry.id] = await fetchEntry(root.path, entry, ({ path, receivedBytes, totalBytes }) => {
        if (Date.now() - lastPrinted < 2000) return;
        lastPrinted = Date.now();
        note(io, `[datasets]   ${path} ${(receivedBytes / 2 ** 20).toFixed(1)}${totalBytes ? ` / ${(totalBytes / 2 ** 20).toFixed(1)}` : ''} MiB`);
      });
    }
    emitResult(io, json, { dataRoot: root.path, action, entries: reports }, () =>
      Object.entries(reports)
        .flatMap(([id, files]) => files.map((f) => `${id}: ${f.status} ${f.path}`))
        .join('\n'),
    );
    return 0;
  }
  throw new AugpriorError('cli.bad-arguments', `unknown datasets action "${action}"`, 'use list, verify or fetch');
}
