// A corpus entry found on a proposal with its own rules stores the proposal's reference, not its
// functions (rulesFrom): before replaying, load the proposal and put its rules back on the
// proposal's side (`profile`, or R's `proposalProfile`).

import type { CorpusEntry } from '../harness/corpus.ts';
import { loadProposal } from '../proposals/load.ts';
import { UsageError } from './usage.ts';

export async function entryWithRules(e: CorpusEntry, where: string): Promise<CorpusEntry> {
  if (e.rulesFrom === undefined) return e;
  let rules;
  try {
    rules = (await loadProposal(e.rulesFrom)).policy.rules;
  } catch (err) {
    throw new UsageError(`${where}: needs the rules of ${e.rulesFrom}, which does not load: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (rules === undefined || Object.keys(rules).length === 0) throw new UsageError(`${where}: rulesFrom ${e.rulesFrom} brings no rules`);
  return e.proposalProfile !== undefined
    ? { ...e, proposalProfile: { ...e.proposalProfile, rules } }
    : { ...e, profile: { ...e.profile, rules } };
}
