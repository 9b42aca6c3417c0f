// A counterexample replayed step by step, as `negcheck replay` prints it: model and implementation
// side by side (R: baseline and proposal; a patch: the model before it and after), marking where
// they differ and where the property breaks. `negcheck report` shows the same lines.

import { isDeepStrictEqual } from 'node:util';
import { CorpusError, readEntry, type CorpusEntry } from '../harness/corpus.ts';
import { compareRuns, modelSides } from '../properties/r-no-regression.ts';
import type { Subject } from '../types/property.ts';
import { diffFiles, subjectOf } from '../proposals/patch.ts';
import { replayEntry } from '../harness/replay.ts';
import { stackSubject } from '../harness/subject.ts';
import { hasRules } from '../types/profile.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Stack } from '../types/stack.ts';
import { formatObservation, formatOp } from '../types/trace.ts';
import { entryPatch, entryWithRules } from '../proposals/entryRules.ts';
import { InputError } from '../types/errors.ts';

/** An op's observation, or what it threw (a proposal's rule, or a model bug): replay prints either, never crashes. */
type Seen = { readonly ok: Observation } | { readonly threw: string };

function applied(stack: Stack, op: Op): Seen {
  try {
    return { ok: stack.apply(op) };
  } catch (e) {
    return { threw: e instanceof Error ? e.message : String(e) };
  }
}

const shown = (s: Seen): string => ('ok' in s ? formatObservation(s.ok) : `threw: ${s.threw}`);

function stepLines(entry: CorpusEntry, breakStep: number | undefined, subject: Subject): string[] {
  const out: string[] = [];
  const breaks = (i: number, who: string): string => (i === breakStep ? `   <-- ${who} breaks here` : '');
  if (entry.property === 'R' && entry.proposalProfile) {
    let steps;
    try {
      steps = compareRuns(modelSides(subject), entry.profile, entry.proposalProfile, entry.ops, {}).steps;
    } catch (e) {
      return [`  the trace does not run to the end: ${e instanceof Error ? e.message : String(e)}`];
    }
    steps.forEach((s, i) => {
      out.push(`  ${String(i).padStart(2)} ${formatOp(s.op)}`);
      out.push(`     baseline: ${formatObservation(s.baseline)}`);
      out.push(`     ${subject.baseline ? 'patched' : 'proposal'}: ${formatObservation(s.proposal)}${breaks(i, 'R')}`);
    });
    return out;
  }
  const model = subject.model(entry.profile);
  if (subject.baseline) {
    // a patch: the model before it beside the patched one
    const before = subject.baseline(entry.profile);
    for (const [i, op] of entry.ops.entries()) {
      const b = applied(before, op);
      const m = applied(model, op);
      out.push(`  ${String(i).padStart(2)} ${formatOp(op)}`);
      if (isDeepStrictEqual(b, m)) out.push(`     before the patch = patched: ${shown(m)}${breaks(i, entry.property)}`);
      else out.push(`     before the patch: ${shown(b)}`, `     patched:          ${shown(m)}${breaks(i, entry.property)}`);
      if ('threw' in m || 'threw' in b) break;
    }
    return out;
  }
  if (hasRules(entry.profile)) {
    // a proposal's own rules: the model alone (no implementation has them)
    for (const [i, op] of entry.ops.entries()) {
      const m = applied(model, op);
      out.push(`  ${String(i).padStart(2)} ${formatOp(op)}`);
      out.push(`     model (the proposal's rules): ${shown(m)}${breaks(i, entry.property)}`);
      if ('threw' in m) break;
    }
    return out;
  }
  const impl = stackSubject.impl(entry.profile);
  let differed = false;
  for (const [i, op] of entry.ops.entries()) {
    const m = applied(model, op);
    const o = applied(impl, op);
    out.push(`  ${String(i).padStart(2)} ${formatOp(op)}`);
    if (isDeepStrictEqual(m, o)) {
      out.push(`     model = impl: ${shown(m)}${breaks(i, entry.property)}`);
    } else {
      out.push(`     model: ${shown(m)}`, `     impl:  ${shown(o)}${differed ? '' : '   <-- model and impl first differ here'}`);
      differed = true;
    }
    if ('threw' in m || 'threw' in o) break;
  }
  return out;
}

export interface ReplayedEntry {
  /** the file's lines as `negcheck replay` prints them */
  readonly lines: readonly string[];
  /** the entry replays as its `expect` says */
  readonly asExpected: boolean;
}

/** One corpus file replayed; a file that does not read, or whose rules or patch do not load, is an InputError. */
export async function replayFile(file: string): Promise<ReplayedEntry> {
  let entry;
  let subject: Subject = stackSubject;
  try {
    entry = await entryWithRules(readEntry(file), file);
    const patched = await entryPatch(entry, file);
    if (patched) subject = subjectOf({ patched });
  } catch (e) {
    if (e instanceof CorpusError) throw new InputError(e.message);
    throw e;
  }
  const r = replayEntry(entry, subject);
  const lines = [`${file}: ${entry.property} ${entry.title}`,
    `  expect: ${entry.expect === 'holds' ? 'holds (a bug: this must pass once fixed)' : 'violated (a known-bad behaviour kept as evidence)'}`];
  if (entry.patch) lines.push(`  the patch it carries (applied to the model at HEAD): ${diffFiles(entry.patch).join(', ')}`);
  lines.push(...stepLines(entry, r.violation?.step, subject));
  const verdict = r.ruleError ? `no verdict: the proposal's ${r.ruleError.message} (an error of the proposal ${entry.rulesFrom ?? entry.proposal ?? ''}, not of ${entry.property})`
    : r.difference ? `model and impl differ at step ${r.difference.step}: ${r.difference.message}`
      : r.verdict === 'lab' ? `K is judged on lab kernel ${entry.kernel ?? '?'}: npx negcheck kernel ${file} (model and impl agree)`
      : r.violation ? `${entry.property} violated: ${r.violation.message}` : `${entry.property} holds`;
  const state = r.verdict === 'lab' && r.asExpected ? 'model = impl; the kernel\'s verdict is the lab\'s'
    : r.asExpected ? (entry.expect === 'holds' ? 'fixed' : 'as expected')
    : r.ruleError ? 'PROPOSAL ERROR (fix the rule, then replay)'
      : (r.verdict === 'violated' || r.difference ? 'STILL FAILS' : 'NO LONGER FAILS (update the entry)');
  lines.push(`  ${verdict}`, `  => ${state}`);
  return { lines, asExpected: r.asExpected };
}
