/**
 * @augprior/image: the image front end. Its data sources, evaluation sets and teachers join core's
 * registries through `registerImage`, which only the CLI calls (nothing registers on import).
 */
import type { FrontEndRegistries } from '@augprior/core';

/** Adds this front end's entries to the registries and returns their names (none yet). */
export function registerImage(registries: FrontEndRegistries): string[] {
  void registries;
  return [];
}
