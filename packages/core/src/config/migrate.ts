/**
 * The config shape before every section became `{kind, ...args}` (student `arch`, loss/optimizer/
 * schedule `name` + `args`, kebab-case kinds), recognised so an old file gets one clear error and
 * `augprior config migrate` can rewrite it, and so runs made before the change still load as
 * teachers.
 */

/** Kinds that were renamed to snake_case, old -> new. */
export const RENAMED_KINDS: Readonly<Record<string, string>> = {
  'cifar10-bin': 'cifar10_bin',
  'cifar100-bin': 'cifar100_bin',
  'kws-mfcc-int8': 'kws_mfcc_int8',
  'speech-commands': 'speech_commands',
  'mlperf-mfcc': 'mlperf_mfcc',
};

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{name, args}` -> `{kind, ...args}`, one change line per moved field; undefined when already new. */
function flattenNamed(section: unknown, field: string, changes: string[]): Json | undefined {
  if (!isObject(section) || !('name' in section || 'args' in section)) return undefined;
  const { name, args, ...rest } = section;
  if (name !== undefined) changes.push(`${field}.name is now ${field}.kind`);
  for (const key of Object.keys(isObject(args) ? args : {})) changes.push(`${field}.args.${key} is now ${field}.${key}`);
  return { ...(name !== undefined ? { kind: name } : {}), ...rest, ...(isObject(args) ? args : {}) };
}

function renameKinds(value: unknown, path: string, changes: string[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => renameKinds(v, `${path}[${i}]`, changes));
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    if (key === 'kind' && typeof v === 'string' && RENAMED_KINDS[v]) {
      changes.push(`${field}: "${v}" is now "${RENAMED_KINDS[v]}"`);
      out[key] = RENAMED_KINDS[v];
    } else out[key] = renameKinds(v, field, changes);
  }
  return out;
}

export interface Migration {
  config: unknown;
  /** One line per field that changed; empty when the config already has the current shape. */
  changes: string[];
}

/** Rewrites an experiment config of the old shape into the current one (a no-op on current ones). */
export function migrateExperimentConfig(raw: unknown): Migration {
  if (!isObject(raw)) return { config: raw, changes: [] };
  const changes: string[] = [];
  const config: Json = { ...raw };
  const student = config['student'];
  if (isObject(student) && 'arch' in student) {
    const { arch, ...rest } = student;
    config['student'] = { kind: arch, ...rest };
    changes.push('student.arch is now student.kind');
  }
  for (const section of ['loss', 'optimizer', 'schedule']) {
    const flat = flattenNamed(config[section], section, changes);
    if (flat) config[section] = flat;
  }
  return { config: renameKinds(config, '', changes), changes };
}
