// The catalogue is proved, not declared: every expected verdict must be what the search finds,
// and every expected violation must come with a shrunk trace that replays.

import { describe, expect, it } from 'vitest';
import { replayEntry } from '../harness/replay.ts';
import { stackSubject } from '../harness/subject.ts';
import { scaledRuns, testSeed } from '../harness/run.ts';
import { CATALOGUE } from '../proposals/index.ts';
import { proposalProblems } from '../proposals/proposal.ts';
import { applicableProperties, proveProperty } from '../proposals/prove.ts';

describe('proposal catalogue', () => {
  it('has unique ids and well-formed entries', () => {
    expect(new Set(CATALOGUE.map(p => p.id)).size).toBe(CATALOGUE.length);
    for (const p of CATALOGUE) expect(proposalProblems(p), p.id).toEqual([]);
  });

  it('states an expected verdict for every property that applies to each proposal', () => {
    for (const p of CATALOGUE) {
      for (const id of applicableProperties(p)) expect(p.expect[id], `${p.id} ${id}`).toBeDefined();
    }
  });

  it('names which proposals are upstream behaviour', () => {
    expect(CATALOGUE.filter(p => p.fate === 'upstream').map(p => p.id)).toEqual(expect.arrayContaining([
      'vsock-e13a6915a03f', 'vdpa-compat-reset', 'size0-invalidate-whole-space', 'hwinfo-vmm-masks-baseline', 'probe-ack-before-access',
    ]));
  });
});

describe.each(CATALOGUE.map(p => [p.id, p] as const))('prove %s', (_id, p) => {
  it.each(applicableProperties(p))('%s: the search finds the expected verdict', id => {
    const r = proveProperty(p, id, { seed: testSeed(), runs: scaledRuns(3000) });
    const expected = p.expect[id]!;
    expect(r.found, `${p.id} ${id}: ${expected.reason}\n${r.violation?.message ?? ''}\n${(r.trace ?? []).join('\n')}`).toBe(expected.verdict);
    if (r.found === 'violated') {
      expect(r.entry!.ops.length).toBeLessThanOrEqual(8);
      const replay = replayEntry(r.entry!, stackSubject);
      expect(replay.difference).toBeNull();
      expect(replay.verdict).toBe('violated');
    }
  });
});
