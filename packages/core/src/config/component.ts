/**
 * Where a config section `{kind, ...args}` is parsed: against the schema of the registry entry its
 * `kind` names, in this one function. `parseExperiment` parses every section of a config up front
 * (a typo fails before a tensor is allocated) and marks what it returns; the builders
 * (`openDataSource`, `openEvalSet`, `loadTeacherSection`, `createFeatureExtractor`, the trainer's
 * loss, optimizer and schedule) call this too, which hands a marked section's arguments through
 * as they are and parses only sections that did not come through `parseExperiment` (a teacher
 * nested in another, a caller building a section in code). Registry entries receive typed,
 * defaulted arguments and never parse.
 */
import type { z } from 'zod';
import { AugpriorError } from '../errors.js';
import type { Registry } from '../registry.js';
import { RENAMED_KINDS } from './migrate.js';
import { formatZodIssues } from './zod-errors.js';

/** A component section: its kind plus the arguments for the registry entry of that kind. */
export type ComponentSection = { kind: string } & Record<string, unknown>;

/** What every kind-selected registry entry carries: the schema of its arguments. */
export interface ComponentKind {
  args: z.ZodType;
}

// Sections whose arguments have been parsed (defaults filled); identity, so a copy is parsed again.
const parsedSections = new WeakSet<object>();

/** The arguments of a section for its registry entry: everything but `kind` (and the named extras). */
export function argsOf(section: { kind: string }, ...extras: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(section).filter(([key]) => key !== 'kind' && !extras.includes(key)));
}

export interface ParseComponentOptions {
  /** Prefixes error messages (the config file). */
  source?: string;
  /** Fields of the section that belong to it, not to the entry (the optimizer's `lr`). */
  extras?: readonly string[];
}

export interface ParsedComponent<E extends ComponentKind> {
  entry: E;
  args: z.output<E['args']>;
  /** `{kind, ...extras, ...args}` with defaults filled, marked as parsed. */
  section: ComponentSection;
}

function fail(options: ParseComponentOptions, message: string): never {
  throw new AugpriorError('config.invalid', options.source ? `${options.source}: ${message}` : message);
}

/** Looks `section.kind` up in `registry` and parses the rest against its schema; errors name `field` (e.g. `teacher.temperature`). */
export function parseComponent<E extends ComponentKind>(registry: Registry<E>, section: ComponentSection, field: string, options: ParseComponentOptions = {}): ParsedComponent<E> {
  if (!registry.has(section.kind)) {
    const renamed = RENAMED_KINDS[section.kind];
    if (renamed && registry.has(renamed)) registry.get(section.kind); // throws registry.renamed, with the migrate hint
    fail(options, `${field}.kind: unknown ${registry.kind} "${section.kind}"; known: ${registry.list().join(', ') || '(none)'}`);
  }
  const entry = registry.get(section.kind);
  const extras = options.extras ?? [];
  const raw = argsOf(section, ...extras);
  if (parsedSections.has(section)) return { entry, args: raw as z.output<E['args']>, section };
  const checked = entry.args.safeParse(raw);
  if (!checked.success) fail(options, formatZodIssues(checked.error, field));
  const args = checked.data as z.output<E['args']>;
  const kept = Object.fromEntries(extras.filter((key) => key in section).map((key) => [key, section[key]]));
  const parsed: ComponentSection = { kind: section.kind, ...kept, ...(args as Record<string, unknown>) };
  parsedSections.add(parsed);
  return { entry, args, section: parsed };
}
