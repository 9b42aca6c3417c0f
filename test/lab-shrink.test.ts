// A difference found by `negcheck kernel --generate`, shrunk with the kernel as the judge and saved
// as a K entry (issue 26). The model has no unexplained difference left on the lab's kernels, so a
// planted model error makes some: a failed vring start that queues no MISS (test/mutants.ts). The
// shrunk entry must still differ under the planted error, be minimal (no op of it can go and keep
// the same difference), name its
// kernel, and replay with `negcheck kernel FILE`, `negcheck replay` and `negcheck repro --c`.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEntry } from '../harness/corpus.ts';
import { generateOnKernel } from '../lab/generate.ts';
import { readInputs } from '../lab/inputs.ts';
import { checkKernel, isFinding, RECORDED_BY_K_ENTRY } from '../lab/kernel.ts';
import { labKernels } from '../lab/setup.ts';
import { differenceKey, shrinkCandidates } from '../lab/shrink.ts';
import { createVhostModel } from '../model/stack.ts';
import { vringMissForgotten } from './mutants.ts';
import { negcheck, ROOT } from './negcheck.ts';

const tmp = mkdtempSync(join(tmpdir(), 'negcheck-shrink-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const labOff = process.env['NEGCHECK_LAB'] === 'off';
const planted = vringMissForgotten(createVhostModel);

describe('shrinkCandidates', () => {
  it('cuts after the op that differs first, then removes runs of ops, longest first, never the whole trace', () => {
    const ops = Array.from({ length: 5 }, (_, i) => ({ kind: 'VSOCK_SET_RUNNING' as const, start: i }));
    const c = shrinkCandidates(ops, 3).map(x => x.map(o => (o.kind === 'VSOCK_SET_RUNNING' ? o.start : -1)));
    expect(c[0]).toEqual([0, 1, 2, 3]);
    expect(c.slice(1)).toEqual([[2, 3], [0, 1], [1, 2, 3], [0, 2, 3], [0, 1, 3], [0, 1, 2]]);
    expect(shrinkCandidates(ops.slice(0, 1), 0)).toEqual([]);
  });
});

describe.skipIf(labOff)('a difference shrunk with the kernel as the judge', () => {
  it('6.1: a planted model error, found by generated scripts, shrunk to a minimal K entry that replays', async () => {
    const [k] = labKernels(['6.1']);
    const corpus = join(tmp, 'corpus');
    const run = await generateOnKernel(k!, { count: 1, seed: 7, corpus, createVhost: planted });
    expect(run.findings).toBeGreaterThan(0);
    expect(run.saved.length).toBeGreaterThan(0);
    for (const d of run.saved) {
      console.log(`${d.name}: shrunk from ${d.from} to ${d.to} ops, ${d.tried} candidates in ${d.rounds} rounds (${d.ended})`);
      expect(d.status).toBe('saved');
      expect(d.ended).toBe('minimal');
      expect(d.to).toBeLessThan(d.from);
      const e = readEntry(d.file);
      expect(e).toMatchObject({ property: 'K', kernel: '6.1', expect: 'violated', seed: 7 });
      expect(e.ops.length).toBe(d.to);
      // the planted error: a vring op that queues a MISS (a failed start's, or the worker's prefetch) said to queue none
      expect(e.violation?.message).toMatch(/^\[kernel 6\.1\] VHOST_(VSOCK_SET_RUNNING|NET_SET_BACKEND) .*: kernel (-EFAULT|0), a message became readable \(a MISS queued\); model (-EFAULT|0)$/);
      const [input] = readInputs([d.file]);
      // still differs under the planted error; minimal: no candidate of it differs
      const again = await checkKernel(k!, [input!], { createVhost: planted });
      // the difference the entry records: no finding
      expect(again.results[0]!.verdict).toMatchObject({ status: 'mismatch', known: RECORDED_BY_K_ENTRY });
      expect(again.results.filter(isFinding)).toEqual([]);
      const v = again.results[0]!.verdict;
      if (v.status !== 'mismatch') throw new Error('unreachable');
      const smaller = shrinkCandidates(input!.ops, v.mismatch.from).map((ops, i) => ({ name: `c${i}`, profile: input!.profile, ops }));
      const rep = await checkKernel(k!, smaller, { createVhost: planted });
      // minimal: no smaller candidate shows this difference (another one it may: the same syscall, other answers)
      const key = differenceKey('6.1', { input: input!, mismatch: v.mismatch }, planted);
      expect(rep.results.filter((r, i) => r.verdict.status === 'mismatch' && differenceKey('6.1', { input: smaller[i]!, mismatch: r.verdict.mismatch }, planted) === key)).toEqual([]);
    }
    // the same difference found again is a duplicate, not a second file
    const twice = await generateOnKernel(k!, { count: 1, seed: 7, corpus, createVhost: planted });
    expect(twice.saved.map(d => d.status)).toEqual(['duplicate']);
  }, 240_000);

  it('an interrupt keeps what was found: a difference not yet shrunk is saved as it is', async () => {
    const [k] = labKernels(['6.1']);
    const corpus = join(tmp, 'interrupted');
    const abort = new AbortController();
    const run = await generateOnKernel(k!, { count: 1, seed: 7, corpus, createVhost: planted, signal: abort.signal, onReport: () => abort.abort() });
    expect(run.saved).toEqual([expect.objectContaining({ kind: 'difference', status: 'saved', rounds: 0, tried: 0 })]);
    expect(run.saved[0]!.to).toBe(run.saved[0]!.from);
    expect(readEntry(run.saved[0]!.file)).toMatchObject({ property: 'K', kernel: '6.1' });
  }, 60_000);

  it('a K entry replays: on its kernel only, by negcheck kernel, replay and repro', () => {
    const file = join(tmp, 'k.json');
    const entry = {
      format: 'negcheck-counterexample/1', property: 'K', kernel: '6.1', seed: 7, expect: 'violated',
      title: 'lab kernel 6.1: a vring start that misses (a planted model error said it queued nothing)',
      profile: JSON.parse(readFileSync(join(ROOT, 'corpus', 'i2-crosvm-intersects-access-platform.json'), 'utf8')).profile as unknown,
      ops: [{ kind: 'SET_FEATURES', features: { u64: '0x200000000' } }, { kind: 'VSOCK_SET_RUNNING', start: 1 }],
      violation: { step: 1, message: '[kernel 6.1] VHOST_VSOCK_SET_RUNNING 1: kernel -EFAULT, a message became readable (a MISS queued); model -EFAULT' },
    };
    writeFileSync(file, JSON.stringify(entry));
    // the real model answers as 6.1 does: the recorded difference is gone, the entry must say holds
    const stale = negcheck('kernel', '--kernel', '6.1,6.12', file);
    expect(stale.status).toBe(1);
    expect(stale.stdout).toContain('NO LONGER DIFFERS');
    expect(stale.stdout).toContain('skipped 1: found on lab kernel 6.1: it runs there');
    writeFileSync(file, JSON.stringify({ ...entry, expect: 'holds' }));
    expect(negcheck('kernel', '--kernel', '6.1', file).status).toBe(0);
    const replay = negcheck('replay', file);
    expect(replay.status).toBe(0);
    expect(replay.stdout).toContain('K is judged on lab kernel 6.1');
    writeFileSync(file, JSON.stringify(entry));
    const repro = negcheck('repro', file, '--c');
    expect(repro.status).toBe(0);
    expect(repro.stdout).toContain('return repro_end("K", 1, 1);');
    for (const bad of [{ ...entry, kernel: undefined }, { ...entry, kernel: '5.4' }, { ...entry, property: 'I2' }]) {
      writeFileSync(file, JSON.stringify(bad));
      expect(negcheck('kernel', '--kernel', '6.1', file)).toMatchObject({ status: 2, stderr: expect.stringMatching(/k\.json.*(kernel|5\.4)/) as unknown });
    }
  }, 120_000);
});
