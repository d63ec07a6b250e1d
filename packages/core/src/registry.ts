import { RENAMED_KINDS } from './config/migrate.js';
import { AugpriorError } from './errors.js';

/**
 * Name -> entry lookup shared by models, losses, optimizers, schedules, data sources and teachers
 * (timm's `register_model`/`create_model`, tfjs' kernel registry). Built-ins are registered from
 * explicit lists, never as an import side effect, so what exists is visible in one place.
 */
export class Registry<T> {
  private readonly entries = new Map<string, T>();

  constructor(readonly kind: string) {}

  static from<T>(kind: string, entries: Iterable<readonly [string, T]>): Registry<T> {
    const registry = new Registry<T>(kind);
    for (const [name, entry] of entries) registry.register(name, entry);
    return registry;
  }

  register(name: string, entry: T): void {
    if (!/^[a-z0-9_.]+$/.test(name)) {
      throw new AugpriorError('registry.bad-name', `${this.kind} name "${name}" must be lowercase snake_case (a-z, 0-9, _ and .)`);
    }
    if (this.entries.has(name)) {
      throw new AugpriorError('registry.duplicate', `${this.kind} "${name}" is already registered`);
    }
    this.entries.set(name, entry);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  get(name: string): T {
    const entry = this.entries.get(name);
    if (entry === undefined) {
      const renamed = RENAMED_KINDS[name];
      if (renamed && this.entries.has(renamed)) {
        throw new AugpriorError('registry.renamed', `${this.kind} "${name}" was renamed to "${renamed}" (every registry key is snake_case now)`, `use "${renamed}"; npx augprior config migrate <config.json> rewrites a config`);
      }
      throw new AugpriorError(
        'registry.unknown',
        `unknown ${this.kind} "${name}"; known: ${this.list().join(', ') || '(none)'}`,
      );
    }
    return entry;
  }

  list(): string[] {
    return [...this.entries.keys()].sort();
  }
}
