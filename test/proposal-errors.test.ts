// A proposal's own errors are not violations (issue 23): a rule that throws, or returns a value
// outside its domain, is reported as an error of the proposal file (the rule, its arguments in hex,
// the trace that led there), exit 2, identically in prove, explore and fuzz; never a verdict, never
// "as expected". replay of an entry whose rules fail prints what happened and never crashes. And a
// model that throws is a violation at the step that threw (it was step -1).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { upstreamProfile } from '../generators/profiles.ts';
import { bit } from '../types/bits.ts';
import { CORPUS_FORMAT, serialiseEntry } from '../harness/corpus.ts';
import { checkSafely, ProposalFault, runProperty } from '../harness/run.ts';
import { I6 } from '../properties/i6-iotlb-laws.ts';
import { stackSubject } from '../harness/subject.ts';
import { applyPolicy, type Profile } from '../types/profile.ts';
import type { Op } from '../types/ops.ts';
import type { Stack } from '../types/stack.ts';
import * as U from '../types/uapi.ts';
import { negcheck } from './negcheck.ts';

const tmp = mkdtempSync(join(tmpdir(), 'negcheck-proposal-errors-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const U64 = '((1n << 64n) - 1n)';
/** Throws for an INVALIDATE of a page or more (the load-time samples' throws are the proposal's behaviour, so it loads). */
const throwing = join(tmp, 'throwing.ts');
writeFileSync(throwing, `export const proposal = {
  id: 'throws-on-pages', title: 'an INVALIDATE rule that throws for a page or more', seeds: [], commits: [], fate: 'proposed', history: 'test',
  rules: { invalidateRange: (iova: bigint, size: bigint) => { if (size >= 0x1000n) throw new Error('size too big'); return [iova, (iova + size - 1n) & ${U64}] as const; } },
  expect: { I6: { verdict: 'violated', reason: 'planted' } },
};\n`);
/** Returns a last of 2^64 for one INVALIDATE the samples do not try; expects "violated", which its own bug must not satisfy. */
const outside = join(tmp, 'outside.ts');
writeFileSync(outside, `export const proposal = {
  id: 'outside-u64', title: 'an INVALIDATE rule whose last passes 2^64', seeds: [], commits: [], fate: 'proposed', history: 'test',
  rules: { invalidateRange: (iova: bigint, size: bigint) => [iova, iova === 0xfffn && size === 1n ? 1n << 64n : (iova + size - 1n) & ${U64}] as const },
  expect: { I6: { verdict: 'violated', reason: 'expects a violation, gets its own bug' } },
};\n`);

const THROWS = /error in the proposal .*throwing\.ts: its rule invalidateRange\(0x[0-9a-f]+n, 0x[0-9a-f]+n\) threw: size too big/;
const OUTSIDE = /error in the proposal .*outside\.ts: its rule invalidateRange\(0xfffn, 0x1n\) returned \[0xfffn, 0x10000000000000000n\]; expected null or a \[start, last\] pair of u64 bigints/;
const TRACE = /the trace that led there \(I6, on the model with the proposal's rules\):\n(\s+.*\n)*\s+write\(v2 asid=0 INVALIDATE .*-> the rule invalidateRange failed here/;

describe('a proposal whose rule fails is an error of the proposal file (exit 2), in every engine', () => {
  it.each([['throwing', throwing, THROWS], ['outside u64', outside, OUTSIDE]])('prove, %s', (_, file, message) => {
    const r = negcheck('prove', file, '--out', join(tmp, 'prove-out'));
    expect(r.status, r.stdout).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(TRACE);
    expect(r.stdout + r.stderr).not.toMatch(/violated|as expected|DISAGREE/);
  });

  it.each([['throwing', throwing, THROWS], ['outside u64', outside, OUTSIDE]])('explore --proposal, %s', (_, file, message) => {
    const r = negcheck('explore', '--proposal', file, '--out', join(tmp, 'explore-out'));
    expect(r.status, r.stdout).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(TRACE);
    expect(r.stdout + r.stderr).not.toMatch(/VIOLATED|holds for/);
  });

  it.each([['throwing', throwing, THROWS], ['outside u64', outside, OUTSIDE]])('fuzz --proposal, %s', (_, file, message) => {
    const r = negcheck('fuzz', '--proposal', file, '--runs', '500', '--seed', '3', '--workers', '1', '--no-corpus', '--no-must-reach');
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toMatch(message);
    expect(r.stdout).toMatch(TRACE);
    expect(r.stdout).toMatch(/PROPOSAL ERROR/);
    expect(r.stdout).not.toMatch(/COUNTEREXAMPLE|counterexample for/);
  });
});

/** R: the rule fails on the proposal side of the old userspace's script (R replays the script as that userspace issues it). */
const rThrowing = join(tmp, 'r-throwing.ts');
writeFileSync(rThrowing, `export const proposal = {
  id: 'r-throws', title: 'an IOTLB-enable rule that throws on ACCESS_PLATFORM', seeds: [], commits: [], fate: 'proposed', history: 'test',
  policy: { kernel: { device: 'vhost-net' } },
  rules: { iotlbEnable: (features: bigint) => { if (features & (1n << 33n)) throw new Error('undecided'); return false; } },
  baseline: { kernel: { device: 'vhost-net', iotlbEnable: 'access-platform' } },
  expect: { R: { verdict: 'holds', reason: 'test' } },
};\n`);

describe('R: the same, with the trace as the old userspace runs it', () => {
  const R_ERROR = /error in the proposal .*r-throwing\.ts: its rule iotlbEnable\(0x[0-9a-f]+n, 0x0n\) threw: undecided\n.*not a verdict of R/;
  it('explore --proposal --property R', () => {
    const r = negcheck('explore', '--proposal', rThrowing, '--property', 'R');
    expect(r.status, r.stdout).toBe(2);
    expect(r.stderr).toMatch(R_ERROR);
    expect(r.stderr).toMatch(/-> the rule iotlbEnable failed here/);
  });
  it('fuzz --proposal --property R', () => {
    const r = negcheck('fuzz', '--proposal', rThrowing, '--property', 'R', '--runs', '500', '--seed', '1', '--workers', '1', '--no-corpus', '--no-must-reach');
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toMatch(R_ERROR);
    expect(r.stdout).toMatch(/-> the rule iotlbEnable failed here/);
  });
});

describe('the engines underneath', () => {
  it('runProperty throws a ProposalFault with a script shrunk to the rule failing, never a counterexample', () => {
    const profile: Profile = applyPolicy(upstreamProfile, {
      rules: { invalidateRange: (iova, size) => { if (size >= 0x1000n) throw new Error('size too big'); return [iova, (iova + size - 1n) & ((1n << 64n) - 1n)]; } },
    });
    let fault: unknown;
    try {
      runProperty(I6, stackSubject, { seed: 3, numRuns: 2000, profiles: I6.profiles.map(p => applyPolicy(p, { rules: profile.rules! })) });
    } catch (e) {
      fault = e;
    }
    expect(fault).toBeInstanceOf(ProposalFault);
    const f = fault as ProposalFault;
    expect(f.error.rule).toBe('invalidateRange');
    expect(f.error.problem).toBe('threw: size too big');
    expect(f.property).toBe('I6');
    expect(f.ops.length).toBeLessThanOrEqual(6);
  });

  it('a model that throws is a violation at the step that threw, not at step -1', () => {
    const ops: Op[] = [{ kind: 'SET_FEATURES', features: bit(U.VIRTIO_F_ACCESS_PLATFORM) }, { kind: 'GET_FEATURES' }, { kind: 'GET_FEATURES' }];
    const throwsOnThird = (p: Profile): Stack => {
      const s = stackSubject.model(p);
      let n = 0;
      return { apply: op => { if (++n === 3) throw new Error('model bug'); return s.apply(op); } };
    };
    expect(checkSafely(I6, { model: throwsOnThird, impl: throwsOnThird }, upstreamProfile, ops)).toEqual({ step: 2, message: 'threw: model bug' });
    // one op object twice in the script (fc.constant makes such scripts): still the third step
    const get: Op = { kind: 'GET_FEATURES' };
    expect(checkSafely(I6, { model: throwsOnThird, impl: throwsOnThird }, upstreamProfile, [ops[0]!, get, get])).toEqual({ step: 2, message: 'threw: model bug' });
  });
});

describe('replay never crashes', () => {
  it('an entry whose proposal rule now fails prints the steps up to the failure and PROPOSAL ERROR (exit 1)', () => {
    const file = join(tmp, 'entry.json');
    writeFileSync(file, serialiseEntry({
      format: CORPUS_FORMAT, property: 'I6', title: 'saved before the rule failed loudly', seed: 0, expect: 'violated',
      proposal: 'throws-on-pages', rulesFrom: throwing, profile: upstreamProfile,
      ops: [
        { kind: 'SET_FEATURES', features: bit(U.VIRTIO_F_ACCESS_PLATFORM) },
        { kind: 'IOTLB_WRITE', msg: { header: U.VHOST_IOTLB_MSG_V2, layout: 'lp64', asid: 0, iova: 0n, size: 0x1000n, uaddr: 0n, perm: U.VHOST_ACCESS_RW, type: U.VHOST_IOTLB_INVALIDATE } },
        { kind: 'GET_FEATURES' },
      ],
      violation: { step: -1, message: 'threw: rule invalidateRange threw: size too big' },
    }));
    const r = negcheck('replay', file);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(r.stdout).toMatch(/model \(the proposal's rules\): threw: rule invalidateRange\(0x0n, 0x1000n\) threw: size too big/);
    expect(r.stdout).not.toMatch(/GET_FEATURES/); // stops at the op that threw
    expect(r.stdout).toMatch(/=> PROPOSAL ERROR/);
    expect(r.status).toBe(1);
  });
});
