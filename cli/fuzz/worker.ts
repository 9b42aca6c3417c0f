// A fuzz worker: runs one chunk (a seed and a number of runs of one target) at a time and
// reports the result and the transitions it reached.

import { hasRules, withoutRules } from '../../types/profile.ts';
import { parentPort } from 'node:worker_threads';
import { countingSubject, type CoverageCounts } from '../../harness/coverage.ts';
import { ProposalFault, runProperty, type RunResult } from '../../harness/run.ts';
import type { Op } from '../../types/ops.ts';
import type { Profile } from '../../types/profile.ts';
import type { ProposalRuleErrorData } from '../../types/rules.ts';
import { stackSubject } from '../../harness/subject.ts';
import { resolveTarget, targetLabel, type Target, type TargetSpec } from './targets.ts';

export interface ChunkRequest {
  readonly target: TargetSpec;
  readonly chunk: number;
  readonly seed: number;
  readonly runs: number;
  /** Date.now() by which the chunk stops generating; none for a run budget */
  readonly deadline?: number;
}

export interface ChunkResult {
  readonly target: string;
  readonly chunk: number;
  readonly result: RunResult;
  readonly coverage: [string, number][];
  readonly error?: string;
  /** a proposal's rule failed (ProposalFault, as plain data: the profile without the rules, which do not cross threads) */
  readonly fault?: { readonly error: ProposalRuleErrorData; readonly property: string; readonly profile: Profile; readonly ops: readonly Op[] };
}

const targets = new Map<string, Promise<Target>>();

export async function runChunk(m: ChunkRequest): Promise<ChunkResult> {
  const label = targetLabel(m.target);
  if (!targets.has(label)) targets.set(label, resolveTarget(m.target));
  const t = await targets.get(label)!;
  const counts: CoverageCounts = new Map();
  // a chunk that starts after its deadline runs nothing (runProperty: zero runs, holds)
  const left = m.deadline === undefined ? undefined : Math.max(0, m.deadline - Date.now());
  let result: RunResult;
  try {
    result = runProperty(t.def, countingSubject(stackSubject, counts), {
      seed: m.seed, numRuns: m.runs, profiles: t.profiles, ...(left !== undefined ? { interruptAfterTimeLimit: left } : {}),
    });
  } catch (e) {
    if (!(e instanceof ProposalFault)) throw e;
    return {
      target: label, chunk: m.chunk, coverage: [...counts],
      result: { property: m.target.property, outcome: 'holds', runs: 0, seed: m.seed, timeMs: 0 },
      fault: { error: e.error.toData(), property: e.property, profile: withoutRules(e.profile), ops: e.ops },
    };
  }
  // a proposal's rules are functions, which do not cross threads: the main thread puts them back
  const cx = result.counterexample;
  const sendable = cx && hasRules(cx.profile) ? { ...result, counterexample: { ...cx, profile: withoutRules(cx.profile) } } : result;
  return { target: label, chunk: m.chunk, result: sendable, coverage: [...counts] };
}

// loaded and compiled: the pool starts the clock only now
parentPort?.postMessage({ ready: true });

parentPort?.on('message', (m: ChunkRequest) => {
  runChunk(m).then(
    r => parentPort!.postMessage(r),
    (e: unknown) => parentPort!.postMessage({
      target: targetLabel(m.target), chunk: m.chunk, coverage: [],
      result: { property: m.target.property, outcome: 'holds', runs: 0, seed: m.seed, timeMs: 0 },
      error: e instanceof Error ? e.message : String(e),
    } satisfies ChunkResult),
  );
});
