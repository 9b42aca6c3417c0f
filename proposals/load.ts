// Loading a proposal by reference: a catalogue id, or a .ts/.js file exporting `proposal` (or a
// default export), checked field by field; any problem is an input error naming the file. A
// proposal's patch (or a patch on its own) is applied and loaded here (proposals/patch.ts).

import { basename, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { InputError } from '../types/errors.ts';
import { proposalById } from './index.ts';
import { proposalProblems, type Proposal, withRulesInPolicy } from './proposal.ts';
import { loadPatch, type PatchedModel } from './patch.ts';
import { VMMS_IN_USE } from '../properties/r-no-regression.ts';

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
  const loaded = withRulesInPolicy({ ...(p as Proposal), source: resolve(ref) });
  return loaded.patch === undefined ? loaded : withPatch(loaded, resolve(dirname(resolve(ref)), loaded.patch));
}

/**
 * The proposal with the patch in `diffFile` applied and loaded. R's baseline, unless the proposal
 * names one, is its own policy: both sides then differ by the patch alone; its old userspace, unless
 * the proposal names it, every VMM in use today (the kernel at HEAD is what they were written against)
 * and every guest (model/virtio/ is the guest core and devices: a patch there meets the guests in use).
 */
export async function withPatch(p: Proposal, diffFile: string): Promise<Proposal> {
  if (p.rules !== undefined || p.policy.rules !== undefined) throw new InputError(`${p.source ?? p.id}: a proposal brings a patch or rules, not both (a patch may change model/rules.ts)`);
  return withPatchedModel(p, await loadPatch(diffFile), resolve(diffFile));
}

/** The proposal judged with a patched model already loaded (named `patch`): R's baseline and old userspace as withPatch says. */
export function withPatchedModel(p: Proposal, patched: PatchedModel, patch: string): Proposal {
  return { ...p, patch, patched, baseline: p.baseline ?? p.policy, oldVmms: p.oldVmms ?? VMMS_IN_USE, oldGuests: p.oldGuests ?? true };
}

/** A patched model on its own as a proposal, no policy and no expectations: a Stryker mutant (the patch-mutation judge), a planted bug in a test. */
export function modelPatchProposal(id: string, title: string, patched: PatchedModel): Proposal {
  return withPatchedModel({ id, title, seeds: [], commits: [], fate: 'proposed', history: '', policy: {}, expect: {} }, patched, patched.from);
}

/** A proposal (id or file) judged with the patch in `diffFile` (`negcheck prove REF --patch FILE.diff`). */
export async function proposalWithPatch(ref: string, diffFile: string): Promise<Proposal> {
  const p = await loadProposal(ref);
  if (p.patch !== undefined) throw new InputError(`${ref} brings its own patch (${p.patch}): give it alone, or --patch alone`);
  return withPatch(p, diffFile);
}

/** A patch on its own as a proposal (`negcheck prove --patch FILE.diff`): no policy, no expectations, named after the file. */
export async function patchProposal(diffFile: string): Promise<Proposal> {
  const name = basename(diffFile).replace(/\.(diff|patch)$/, '');
  const id = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'patch';
  const p = await withPatch({ id, title: '', seeds: [], commits: [], fate: 'proposed', history: '', policy: {}, expect: {}, source: resolve(diffFile) }, diffFile);
  // git format-patch's Subject, or the file's name
  const subject = /^Subject: (?:\[[^\]]*\] )?(.+)$/m.exec(p.patched!.text)?.[1];
  return { ...p, title: subject ?? `the patch ${basename(diffFile)}`, history: `a patch to ${p.patched!.files.join(', ')}` };
}
