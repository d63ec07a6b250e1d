/** Loads and validates `datasets/registry.json` (see datasets/README.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AugpriorError } from '../errors.js';
import { findWorkspaceRoot } from '../workspace.js';
import { formatZodIssues } from '../config/zod-errors.js';

const hex = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`), `expected ${length} lowercase hex digits`);

export const RegistryFileSchema = z
  .strictObject({
    path: z.string().min(1).refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'must be a relative path inside the data root'),
    url: z.url(),
    bytes: z.number().int().positive().optional(),
    sha256: hex(64).optional(),
    /** Only where the publisher states nothing stronger. */
    md5: hex(32).optional(),
    unpack: z.enum(['tar.gz']).optional(),
  })
  .refine((f) => f.sha256 !== undefined || f.md5 !== undefined, 'every file needs a sha256 (or its publisher\'s md5)');

export const RegistryEntrySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  kind: z.enum(['dataset', 'teacher', 'source']),
  description: z.string(),
  license: z.string(),
  arch: z.string().optional(),
  files: z.array(RegistryFileSchema).min(1),
});

export const DatasetRegistrySchema = z.strictObject({
  $comment: z.string().optional(),
  entries: z.array(RegistryEntrySchema),
});

export type RegistryFile = z.infer<typeof RegistryFileSchema>;
export type RegistryEntry = z.infer<typeof RegistryEntrySchema>;
export type DatasetRegistry = z.infer<typeof DatasetRegistrySchema>;

export function parseDatasetRegistry(json: unknown, source = 'registry'): DatasetRegistry {
  const parsed = DatasetRegistrySchema.safeParse(json);
  if (!parsed.success) throw new AugpriorError('datasets.bad-registry', `${source} is invalid: ${formatZodIssues(parsed.error)}`);
  const ids = new Set<string>();
  for (const entry of parsed.data.entries) {
    if (ids.has(entry.id)) throw new AugpriorError('datasets.bad-registry', `${source}: duplicate id "${entry.id}"`);
    ids.add(entry.id);
  }
  return parsed.data;
}

export function loadDatasetRegistry(file?: string): DatasetRegistry {
  const path = file ?? join(findWorkspaceRoot() ?? process.cwd(), 'datasets', 'registry.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new AugpriorError('datasets.no-registry', `cannot read the dataset registry at ${path}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AugpriorError('datasets.bad-registry', `${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseDatasetRegistry(json, path);
}

export function findEntry(registry: DatasetRegistry, id: string): RegistryEntry {
  const entry = registry.entries.find((e) => e.id === id);
  if (!entry) {
    throw new AugpriorError('datasets.unknown', `no registry entry "${id}"; known: ${registry.entries.map((e) => e.id).join(', ')}`);
  }
  return entry;
}
