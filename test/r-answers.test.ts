// R reads an answer as the program that made the call does: a call the baseline refused may start
// to succeed (a relaxation), but an errno returned positive is no success (types/answer.ts); a
// feature offer may grow, but not lose a bit. The patch-mutation score let such patches through (issue 27).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createModelStack } from '../model/stack.ts';
import { P0 } from '../properties/p0-differential.ts';
import { modelPatchProposal } from '../proposals/load.ts';
import type { Proposal } from '../proposals/proposal.ts';
import { proveProperty } from '../proposals/prove.ts';
import { answerOf } from '../types/answer.ts';
import { iotlbMsg, type Op } from '../types/ops.ts';
import type { ModelFactory } from '../types/stack.ts';
import * as U from '../types/uapi.ts';
import { errnoPositive, ringAccessUnchecked, versionOneHidden } from './mutants.ts';

/** A planted bug as a patch: the planted model against the model at HEAD, as `prove --patch` judges one. */
const asPatch = (id: string, planted: ModelFactory): Proposal =>
  modelPatchProposal(id, id, { from: id, text: '', files: [], createModelStack: planted, baseline: createModelStack });

const BUDGET = { seed: 1, runs: 1000, exhaustive: { depth: 3, timeMs: 60_000 } };

describe('R reads an answer as the program that made the call does', () => {
  it('answerOf: 0 or -errno from an ioctl, a byte count from write()/read(), anything else malformed', () => {
    const running: Op = { kind: 'VSOCK_SET_RUNNING', start: 1 };
    const update = iotlbMsg(U.VHOST_IOTLB_UPDATE, 0x1000n, 0x1000n, 0x1000n);
    expect(answerOf(running, { kind: 'vring', ret: 0, miss: null })).toBe('success');
    expect(answerOf(running, { kind: 'vring', ret: -U.EFAULT, miss: null })).toBe('refusal');
    expect(answerOf(running, { kind: 'vring', ret: U.EFAULT, miss: null })).toBe('malformed');
    expect(answerOf(update, { kind: 'ret', ret: 72 })).toBe('success');
    expect(answerOf(update, { kind: 'ret', ret: -4096 })).toBe('malformed');
    expect(answerOf({ kind: 'IOTLB_READ', len: 72 }, { kind: 'read', ret: -U.EAGAIN, bytes: '' })).toBe('refusal');
    expect(answerOf({ kind: 'VQ_ACCESS', iova: 0n, len: 1, access: 1 }, { kind: 'access', outcome: 'miss' })).toBeNull();
  });

  it('the model at HEAD gives no malformed answer over P0\'s profiles and scripts', () => {
    fc.assert(fc.property(P0.profiles, P0.scripts, (profile, ops) => {
      const s = createModelStack(profile);
      for (const op of ops) expect(answerOf(op, s.apply(op)), JSON.stringify(op, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))).not.toBe('malformed');
    }), { seed: 1, numRuns: 300 });
  });

  it('flags an errno returned positive, by both engines; the same refusal turned into 0 is a relaxation it lets go', () => {
    const planted = proveProperty(asPatch('errno-positive', errnoPositive(createModelStack)), 'R', BUDGET);
    expect(planted.found).toBe('violated');
    expect(planted.violation!.message).toMatch(/^\[patched model\] old userspace: .* -> -E[A-Z]+.* on the baseline, \d+.* on the proposal$/);
    expect(planted.exhaustive).toMatchObject({ found: 'violated' });
    // vhost_vq_init_access skipped: -EFAULT becomes 0, which an old userspace may get (I6 finds it)
    const relaxed = proveProperty(asPatch('ring-access-unchecked', ringAccessUnchecked(createModelStack)), 'R', { seed: 1, runs: 1000 });
    expect(relaxed.found).toBe('holds');
  }, 240_000);

  it('flags a feature offer that lost a bit, by both engines', () => {
    const planted = proveProperty(asPatch('version-1-hidden', versionOneHidden(createModelStack)), 'R', BUDGET);
    expect(planted.found).toBe('violated');
    expect(planted.violation!.message).toMatch(/old userspace: VHOST_GET_FEATURES -> 0, 0x[0-9a-f_]+ on the baseline, 0, 0x[0-9a-f_]+ on the proposal$/);
    expect(planted.exhaustive).toMatchObject({ found: 'violated' });
  }, 240_000);
});
