// The host's side of the lab without a guest (issue 25): the agent protocol's lines both ways, a
// trace's plan (a VMM op as the ioctls the model's VMM issues; the ops no syscall stands for left
// out on both sides), the op-by-op comparison, and each lab kernel's profile.

import { describe, expect, it } from 'vitest';
import { planTrace, firstMismatch } from '../lab/compare.ts';
import { LabError } from '../lab/errors.ts';
import { knownDifference } from '../lab/known-differences.ts';
import { generatedInputs } from '../lab/generate.ts';
import { stoppedEntry } from '../lab/shrink.ts';
import { parseEntry, serialiseEntry } from '../harness/corpus.ts';
import { formatOp } from '../types/trace.ts';
import { LAB_PROFILES, labProfile, onLabKernel } from '../lab/profiles.ts';
import { envLines, isKernelOp, opLine, parseAnswer, traceLines } from '../lab/protocol.ts';
import { readLock } from '../lab/setup.ts';
import { crosvmOld, upstreamProfile } from '../generators/profiles.ts';
import { access1, iotlbMsg, msgSpec, type Op } from '../types/ops.ts';
import { FEATURES_ARRAY_ADDR, FEATURES_ARRAY_WORDS, GUEST_RAM_HVA } from '../types/harness.ts';
import * as U from '../types/uapi.ts';

const AP = 1n << BigInt(U.VIRTIO_F_ACCESS_PLATFORM);

describe('the agent protocol', () => {
  it('lays out guest RAM, the features-array buffer (ending where a page ends), both rings and the VDUSE parent\'s features', () => {
    expect(envLines()).toEqual([
      `env 7f0000000000 100000000 ${FEATURES_ARRAY_ADDR.toString(16)} ${FEATURES_ARRAY_WORDS}`,
      'ring 0 80 7f0000001000 7f0000002000 7f0000003000',
      'ring 1 80 7f0000001800 7f0000002800 7f0000003800',
      'vdpa 308000020',
    ]);
    expect((FEATURES_ARRAY_ADDR + 8n * BigInt(1 + FEATURES_ARRAY_WORDS)) % 4096n).toBe(0n);
  });

  it('writes each kernel op as one line, an IOTLB message as the bytes userspace writes', () => {
    expect(opLine({ kind: 'SET_FEATURES', features: AP })).toBe('sf 200000000');
    expect(opLine({ kind: 'GET_FEATURES_ARRAY', count: 3n, fill: 0x5an })).toBe('gfa 3 5a');
    expect(opLine({ kind: 'SET_FEATURES_ARRAY', count: 2n, words: [1n, 0xan] })).toBe('sfa 2 1 a 0 0');
    expect(opLine({ kind: 'IOTLB_WRITE_RAW', bytes: '' })).toBe('w -');
    expect(opLine({ kind: 'IOTLB_WRITE', msg: msgSpec(U.VHOST_IOTLB_UPDATE, 0x1000n, 0x1000n) })).toMatch(/^w 02000000000000000010000000000000001000000000000000000000007f0000/);
    expect(opLine({ kind: 'NET_SET_BACKEND', index: 1, fd: 3 })).toBe('nb 1 tap');
    expect(opLine({ kind: 'NET_SET_BACKEND', index: 0, fd: -1 })).toBe('nb 0 none');
    expect(opLine({ kind: 'NET_SET_BACKEND', index: 0, fd: 7 })).toBe('nb 0 notsock');
    expect(opLine({ kind: 'VSOCK_SET_RUNNING', start: 1 })).toBe('run 1');
    expect(opLine({ kind: 'VQ_ACCESS', iova: 0x1ff8n, len: 16, access: U.VHOST_ACCESS_WO })).toBe('acc 1ff8 10 2');
    expect(traceLines({ id: 4, device: 'vhost-vsock', cid: 7, ops: [{ kind: 'GET_FEATURES' }] })).toEqual(['trace 4 vhost-vsock 7', 'gf', 'end']);
  });

  it('reads answers, and refuses a line that is not one', () => {
    expect(parseAnswer('= 0 v=33d000002')).toEqual({ ret: 0, value: 0x33d000002n });
    expect(parseAnswer('= -105 w=5a,5a,0,0')).toEqual({ ret: -105, words: [0x5an, 0x5an, 0n, 0n] });
    expect(parseAnswer('= -11 b=-')).toEqual({ ret: -11, bytes: '' });
    expect(parseAnswer('= -14 q=queued')).toEqual({ ret: -14, queued: 'queued' });
    expect(parseAnswer('= 0 s=7f0000005ff8:8,7f0000008000:8')).toEqual({ ret: 0, segments: [[0x7f00_0000_5ff8n, 8], [0x7f00_0000_8000n, 8]] });
    expect(parseAnswer('= 0 s=-')).toEqual({ ret: 0, segments: [] });
    expect(() => parseAnswer('trace 1 ok')).toThrow(LabError);
    expect(() => parseAnswer('= 0 z=1')).toThrow(/unknown field z=1/);
  });
});

describe('a trace\'s plan', () => {
  const crosvmOnVsock = { ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device: 'vhost-vsock' as const }, vmm: crosvmOld };

  it('turns a VMM op into the ioctls the model\'s VMM issues, and leaves out what no syscall stands for', () => {
    const plan = planTrace([
      { kind: 'VMM_SET_FEATURES', guestFeatures: AP | (1n << 32n) }, { kind: 'DEVICE_RESET' }, access1(0x1000n),
      { kind: 'VSOCK_SET_RUNNING', start: 1 },
    ], crosvmOnVsock);
    expect(plan.steps.map(s => [s.op.kind, s.from])).toEqual([['GET_FEATURES', 0], ['SET_FEATURES', 0], ['VSOCK_SET_RUNNING', 3]]);
    expect(plan.leftOut).toBe(2);
    expect(plan.steps.every(s => isKernelOp(s.op, 'vhost-vsock'))).toBe(true);
    // the model's answers: the crosvm story (seed 001); on 6.1 the start misses at the used ring,
    // on 6.12 and 7.2 at iova 0 (the first IOTLB made every vq forget its ring addresses)
    const ops = [{ kind: 'VMM_SET_FEATURES', guestFeatures: AP | (1n << 32n) }, { kind: 'VSOCK_SET_RUNNING', start: 1 }] as const;
    expect(planTrace(ops, onLabKernel(labProfile('6.1'), crosvmOnVsock)).steps[2]!.model).toEqual({ kind: 'vring', ret: -U.EFAULT, miss: 0x7f00_0000_3000n });
    expect(planTrace(ops, onLabKernel(labProfile('7.2'), crosvmOnVsock)).steps[2]!.model).toEqual({ kind: 'vring', ret: -U.EFAULT, miss: 0n });
  });

  it('compares op by op and reports the first answer that differs', () => {
    const plan = planTrace([{ kind: 'GET_FEATURES' }, { kind: 'SET_FEATURES', features: AP }, { kind: 'VSOCK_SET_RUNNING', start: 1 }], crosvmOnVsock);
    const offered = plan.steps[0]!.model.kind === 'value' ? plan.steps[0]!.model.value : -1n;
    const same = [{ ret: 0, value: offered }, { ret: 0 }, { ret: -U.EFAULT, queued: 'queued' as const }];
    expect(firstMismatch(plan, same)).toBeNull();
    // a readable message the agent could not attribute agrees with the model's MISS
    expect(firstMismatch(plan, [same[0]!, same[1]!, { ret: -U.EFAULT, queued: 'unknown' }])).toBeNull();
    expect(firstMismatch(plan, [same[0]!, same[1]!, { ret: -U.EFAULT, queued: 'none' }])).toMatchObject({ step: 2, from: 2, op: 'VHOST_VSOCK_SET_RUNNING 1' });
    expect(firstMismatch(plan, [{ ret: 0, value: offered | 1n }, { ret: -U.EOPNOTSUPP }, same[2]!])).toEqual({
      step: 0, from: 0, op: 'VHOST_GET_FEATURES', kernel: expect.stringContaining('0, 0x') as unknown, model: expect.stringContaining('0, 0x') as unknown,
    });
  });
});

describe('each lab kernel\'s profile', () => {
  it('there is one per kernel of the lock file, every claim with its reason', () => {
    expect(LAB_PROFILES.map(p => p.id)).toEqual(readLock().map(k => k.id));
    for (const p of LAB_PROFILES) for (const c of [p.cpu, p.devices, ...Object.values(p.kernel)]) expect(c.why.length).toBeGreaterThan(20);
  });

  it('keeps the trace\'s device, VMM and guest and takes the rest of the kernel from the claim', () => {
    const trace = { ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device: 'vhost-net' as const, sizeZero: 'accept-all' as const }, vmm: crosvmOld };
    const p = onLabKernel(labProfile('6.1'), trace);
    expect(p.kernel).toMatchObject({ device: 'vhost-net', sizeZero: 'reject-update', featuresArray: 'absent', netFeatures: 'base' });
    expect(p.vmm).toBe(crosvmOld);
    expect(p.rules).toBeUndefined();
  });

  it('says what each kernel\'s vhost-net and vhost-vsock offer as the lab\'s kernels answered (lab boot, 2026-12-06)', () => {
    const answered: Record<string, [bigint, bigint]> = { '6.1': [0x33d008000n, 0x33d000002n], '6.12': [0x1033d008000n, 0x33d000002n], '7.2': [0x10b3d008000n, 0x33d000002n] };
    for (const p of LAB_PROFILES) {
      for (const [i, device] of (['vhost-net', 'vhost-vsock'] as const).entries()) {
        const plan = planTrace([{ kind: 'GET_FEATURES' }], onLabKernel(p, { ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device } }));
        expect(plan.steps[0]!.model, `${p.id} ${device}`).toEqual({ kind: 'value', ret: 0, value: answered[p.id]![i] });
      }
    }
  });
});

describe('a known difference covers its own mismatches only', () => {
  const at = (from: number, op: string, kernel: string, model: string) => ({ step: from, from, op, kernel, model });
  const outside = iotlbMsg(U.VHOST_IOTLB_UPDATE, 0x1000n, 0x1000n, 0x1000_0000n);
  const inRam = iotlbMsg(U.VHOST_IOTLB_UPDATE, 0x8000n, 0x1000n, GUEST_RAM_HVA);
  const read = (iova: bigint): Op => ({ kind: 'VQ_ACCESS', iova, len: 16, access: 1 });

  it('VA mode: an access whose iovas meet an earlier UPDATE of memory outside guest RAM, on vhost-vdpa only', () => {
    const ops = [outside, inRam, read(0x1000n), read(0x8000n)];
    const fault = (from: number) => at(from, `vq access RO iova=0x${ops[from]!.kind === 'VQ_ACCESS' ? '1000' : ''} len=16`, 'fault -EFAULT', 'ok 0x1000_0000+16');
    expect(knownDifference('6.12', fault(2), 'vhost-vdpa', ops)?.id).toBe('vdpa-va-map-shared-files-only');
    // the same answers at an access of guest RAM's map (a reset that dropped it, say) are a finding
    expect(knownDifference('6.12', { ...fault(3), op: 'vq access RO iova=0x8000 len=16' }, 'vhost-vdpa', ops)).toBeNull();
    expect(knownDifference('6.12', fault(2), 'vhost-vsock', ops)).toBeNull();
    expect(knownDifference('6.1', fault(2), 'vhost-vdpa', ops)).toBeNull();
  });

  it('the IOTLB limit: the UPDATE past the 2048th, not an earlier one', () => {
    const ops = Array.from({ length: 2049 }, (_, i) => iotlbMsg(U.VHOST_IOTLB_UPDATE, 0x1000n * BigInt(i + 1), 0x1000n, GUEST_RAM_HVA));
    const refused = (from: number) => at(from, 'write(v2 asid=0 UPDATE iova=0x1 size=0x1000 uaddr=0x7f00_0000_0000 RW)', '-EFAULT', '72');
    expect(knownDifference('7.2', refused(2048), 'vhost-vdpa', ops)?.id).toBe('vhost-iotlb-limit-enforced');
    expect(knownDifference('7.2', refused(100), 'vhost-vdpa', ops)).toBeNull();
  });
});

describe('generated scripts (negcheck kernel --generate)', () => {
  it('script i of a seed is the same however many are asked for, on the kernel\'s devices only', () => {
    const lab = labProfile('6.1');
    const all = generatedInputs(lab, 11, 0, 12);
    expect(generatedInputs(lab, 11, 5, 3)).toEqual(all.slice(5, 8));
    expect(all.map(i => i.name)).toEqual(Array.from({ length: 12 }, (_, i) => `gen-11-${i}`));
    expect(new Set(all.map(i => i.profile.kernel.device))).toEqual(new Set(['vhost-net', 'vhost-vsock']));
    expect(generatedInputs(lab, 12, 0, 12)).not.toEqual(all);
  });

  it('the shards of a seed (--shard i/n) are disjoint and together the seed\'s scripts', () => {
    const lab = labProfile('7.2');
    const all = generatedInputs(lab, 11, 0, 12);
    const shards = [1, 2, 3].map(index => generatedInputs(lab, 11, 0, 4, { index, count: 3 }));
    expect(shards[1]!.map(i => i.name)).toEqual(['gen-11-1', 'gen-11-4', 'gen-11-7', 'gen-11-10']);
    expect(shards.flat().sort((a, b) => Number(a.name.split('-')[2]) - Number(b.name.split('-')[2]))).toEqual(all);
    expect(generatedInputs(lab, 11, 2, 2, { index: 2, count: 3 })).toEqual(shards[1]!.slice(2));
  });

  it('a trace that stopped the guest is a K entry naming the kernel and the op it stopped in', () => {
    const lab = labProfile('6.1');
    const input = generatedInputs(lab, 11, 0, 12).find(i => planTrace(i.ops, onLabKernel(lab, i.profile)).steps.length > 3)!;
    const plan = planTrace(input.ops, onLabKernel(lab, input.profile));
    const e = stoppedEntry('6.1', input, { name: input.name, verdict: { status: 'hung', console: [] }, ops: 2, leftOut: plan.leftOut, kmsg: [], knownKmsg: [] }, plan, 11);
    const back = parseEntry(serialiseEntry(e), 'stopped.json');
    expect(back).toMatchObject({ property: 'K', kernel: '6.1', expect: 'violated', ops: input.ops });
    expect(back.violation).toEqual({ step: plan.steps[2]!.from, message: `[kernel 6.1] the guest stopped answering at ${formatOp(plan.steps[2]!.op)}, after 2 syscalls` });
  });
});
