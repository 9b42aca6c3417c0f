// How a worker thread builds the same Explorable as the caller: a module, an exported factory
// and plain-data arguments (functions and closures do not cross threads).

import type { Explorable } from './types.ts';

export interface ExplorableSpec {
  /** the module's URL (file://...) */
  readonly module: string;
  /** the exported factory, called as factory(args) */
  readonly export: string;
  /** structured-cloneable arguments: the scope (profiles, alphabet, property) */
  readonly args?: unknown;
}

export async function loadExplorable(spec: ExplorableSpec): Promise<Explorable> {
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const factory = mod[spec.export];
  if (typeof factory !== 'function') throw new Error(`${spec.module} exports no factory ${spec.export}`);
  return (factory as (args: unknown) => Explorable)(spec.args);
}
