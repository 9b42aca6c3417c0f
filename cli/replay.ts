// `negcheck replay <file | dir>`: each counterexample step by step, model and implementation
// side by side (R: baseline and proposal), marking where they differ and where the property breaks.

import { existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { CorpusError, corpusFiles, readEntry, type CorpusEntry } from '../properties/corpus.ts';
import { compareRuns } from '../properties/r-no-regression.ts';
import { replayEntry } from '../properties/replay.ts';
import { stackSubject } from '../properties/subject.ts';
import { hasRules } from '../types/profile.ts';
import { formatObservation, formatOp } from '../types/trace.ts';
import { entryWithRules } from './entryRules.ts';
import { UsageError } from './usage.ts';

function stepLines(entry: CorpusEntry, breakStep: number | undefined): string[] {
  const out: string[] = [];
  if (entry.property === 'R' && entry.proposalProfile) {
    const { steps } = compareRuns(stackSubject.model, entry.profile, entry.proposalProfile, entry.ops, {});
    steps.forEach((s, i) => {
      out.push(`  ${String(i).padStart(2)} ${formatOp(s.op)}`);
      out.push(`     baseline: ${formatObservation(s.baseline)}`);
      out.push(`     proposal: ${formatObservation(s.proposal)}${i === breakStep ? '   <-- R breaks here' : ''}`);
    });
    return out;
  }
  const model = stackSubject.model(entry.profile);
  if (hasRules(entry.profile)) {
    // a proposal's own rules: the model alone (no implementation has them)
    entry.ops.forEach((op, i) => {
      out.push(`  ${String(i).padStart(2)} ${formatOp(op)}`);
      out.push(`     model (the proposal's rules): ${formatObservation(model.apply(op))}${i === breakStep ? `   <-- ${entry.property} breaks here` : ''}`);
    });
    return out;
  }
  const impl = stackSubject.impl(entry.profile);
  let differed = false;
  entry.ops.forEach((op, i) => {
    const m = model.apply(op);
    const o = impl.apply(op);
    out.push(`  ${String(i).padStart(2)} ${formatOp(op)}`);
    if (isDeepStrictEqual(m, o)) {
      out.push(`     model = impl: ${formatObservation(m)}${i === breakStep ? `   <-- ${entry.property} breaks here` : ''}`);
    } else {
      out.push(`     model: ${formatObservation(m)}`, `     impl:  ${formatObservation(o)}${differed ? '' : '   <-- model and impl first differ here'}`);
      differed = true;
    }
  });
  return out;
}

/** Exit status: 0 every entry replays as its `expect` says, 1 one does not (still fails, or no longer fails), 2 bad input. */
export async function replay(path: string): Promise<number> {
  if (!existsSync(path)) { console.error(`negcheck replay: no such file or directory: ${path}`); return 2; }
  let status = 0;
  for (const file of corpusFiles(path)) {
    let entry;
    try {
      entry = await entryWithRules(readEntry(file), file);
    } catch (e) {
      if (e instanceof CorpusError || e instanceof UsageError) { console.error(`negcheck replay: ${e.message}`); return 2; }
      throw e;
    }
    const r = replayEntry(entry, stackSubject);
    console.log(`${file}: ${entry.property} ${entry.title}`);
    console.log(`  expect: ${entry.expect === 'holds' ? 'holds (a bug: this must pass once fixed)' : 'violated (a known-bad behaviour kept as evidence)'}`);
    for (const l of stepLines(entry, r.violation?.step)) console.log(l);
    const verdict = r.difference ? `model and impl differ at step ${r.difference.step}: ${r.difference.message}`
      : r.violation ? `${entry.property} violated: ${r.violation.message}` : `${entry.property} holds`;
    const state = r.asExpected ? (entry.expect === 'holds' ? 'fixed' : 'as expected') : (r.verdict === 'violated' || r.difference ? 'STILL FAILS' : 'NO LONGER FAILS (update the entry)');
    console.log(`  ${verdict}\n  => ${state}\n`);
    if (!r.asExpected) status = 1;
  }
  return status;
}
