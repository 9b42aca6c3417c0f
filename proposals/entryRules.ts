// A corpus entry found on a proposal with its own rules stores the proposal's reference, not its
// functions (rulesFrom): before replaying, load the proposal and put its rules back on the
// proposal's side (`profile`, or R's `proposalProfile`). An entry found on a patch carries the diff:
// it is applied to the model at HEAD again (entryPatch).

import type { CorpusEntry } from '../harness/corpus.ts';
import { InputError } from '../types/errors.ts';
import { loadProposal } from './load.ts';
import { loadPatchText, type PatchedModel } from './patch.ts';

export async function entryWithRules(e: CorpusEntry, where: string): Promise<CorpusEntry> {
  if (e.rulesFrom === undefined) return e;
  let rules;
  try {
    rules = (await loadProposal(e.rulesFrom)).policy.rules;
  } catch (err) {
    throw new InputError(`${where}: needs the rules of ${e.rulesFrom}, which does not load: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (rules === undefined || Object.keys(rules).length === 0) throw new InputError(`${where}: rulesFrom ${e.rulesFrom} brings no rules`);
  return e.proposalProfile !== undefined
    ? { ...e, proposalProfile: { ...e.proposalProfile, rules } }
    : { ...e, profile: { ...e.profile, rules } };
}

/** The patched model an entry found on a patch runs on (null: the entry carries no patch). A diff that no longer applies is an input error. */
export async function entryPatch(e: CorpusEntry, where: string): Promise<PatchedModel | null> {
  return e.patch === undefined ? null : loadPatchText(e.patch, `${where}: its patch`);
}
