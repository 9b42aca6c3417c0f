// Loading a proposal by reference: a catalogue id, or a .ts/.js file exporting `proposal` (or a
// default export), checked field by field; any problem is an input error naming the file.

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { InputError } from '../types/errors.ts';
import { proposalById } from './index.ts';
import { proposalProblems, type Proposal, withRulesInPolicy } from './proposal.ts';

/** A catalogue id, or a .ts/.js file exporting `proposal` (or a default export). */
export async function loadProposal(ref: string): Promise<Proposal> {
  const known = proposalById(ref);
  if (known) return known;
  if (!/\.(ts|mts|js|mjs)$/.test(ref)) {
    throw new InputError(`unknown proposal ${JSON.stringify(ref)}: not a catalogue id (see \`negcheck prove --list\`) and not a .ts/.js file`);
  }
  let mod: Record<string, unknown>;
  try {
    // tsImport loads the file as ESM whatever package (or none) it sits in
    mod = await tsImport(pathToFileURL(resolve(ref)).href, import.meta.url) as Record<string, unknown>;
  } catch (e) {
    throw new InputError(`${ref}: does not load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const p = mod['proposal'] ?? mod['default'];
  if (p === undefined) throw new InputError(`${ref}: exports no proposal (export const proposal: Proposal = { ... })`);
  const problems = proposalProblems(p);
  if (problems.length > 0) throw new InputError(`${ref}: not a valid proposal:\n  ${problems.join('\n  ')}`);
  return withRulesInPolicy({ ...(p as Proposal), source: resolve(ref) });
}
