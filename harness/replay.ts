// Replaying a corpus entry: the implementation must observe what the model observes, and the
// entry's property must reach the verdict the entry expects.

import { hasRules, type Profile } from '../types/profile.ts';
import { ProposalRuleError } from '../types/rules.ts';
import type { CorpusEntry } from './corpus.ts';
import { propertyById } from '../properties/index.ts';
import { P0 } from '../properties/p0-differential.ts';
import type { Subject, Violation } from '../types/property.ts';
import { checkSafely } from './run.ts';
import { regressionCheck } from '../properties/r-no-regression.ts';

/** The entry's property on its trace: R compares its two profiles, the others check the one. */
export function entryViolation(e: CorpusEntry, subject: Subject): Violation | null {
  if (e.property === 'R') {
    try {
      return regressionCheck(subject, e.profile, e.proposalProfile!, e.ops);
    } catch (err) {
      if (err instanceof ProposalRuleError) throw err;
      return { step: 0, message: `threw: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  const def = propertyById(e.property);
  if (def === undefined) throw new Error(`unknown property ${e.property}`);
  return checkSafely(def, subject, e.profile, e.ops);
}

export interface ReplayResult {
  /** the first step where model and impl differ, if any */
  readonly difference: Violation | null;
  /** the entry's property on this trace */
  readonly violation: Violation | null;
  /** 'lab': a K entry, whose verdict only its lab kernel gives (negcheck kernel FILE) */
  readonly verdict: 'holds' | 'violated' | 'proposal error' | 'lab';
  /** the proposal's own rule failed on the way (no verdict then) */
  readonly ruleError: ProposalRuleError | null;
  /** true when nothing differs and the verdict is the one the entry expects */
  readonly asExpected: boolean;
}

export function replayEntry(e: CorpusEntry, subject: Subject): ReplayResult {
  if (e.rulesFrom !== undefined && !hasRules(e.proposalProfile ?? e.profile)) {
    throw new Error(`the entry needs the rules of ${e.rulesFrom}: load them first (proposals/entryRules.ts)`);
  }
  // a profile with a proposal's own rules, or a patched model, has no implementation to compare (P0 does not apply)
  const differs = (p: Profile): Violation | null => (hasRules(p) || subject.impl === undefined ? null : checkSafely(P0, subject, p, e.ops));
  const difference = differs(e.profile) ?? (e.proposalProfile ? differs(e.proposalProfile) : null);
  if (e.property === 'K') return { difference, violation: null, verdict: 'lab', ruleError: null, asExpected: difference === null };
  let violation: Violation | null;
  try {
    violation = entryViolation(e, subject);
  } catch (err) {
    if (!(err instanceof ProposalRuleError)) throw err;
    return { difference, violation: null, verdict: 'proposal error', ruleError: err, asExpected: false };
  }
  const verdict = violation === null ? 'holds' : 'violated';
  return { difference, violation, verdict, ruleError: null, asExpected: difference === null && verdict === e.expect };
}
