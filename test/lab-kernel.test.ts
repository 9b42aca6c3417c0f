// The model held to the lab's real kernels (issue 25): `negcheck kernel`'s default run (corpus/,
// the shared message-path vectors, lab/stories.ts) on 6.1, 6.12 and 7.2, with every difference
// either none or a known one (lab/known-differences.ts) that still occurs; and a planted model
// error caught by it. `npm test` sets the lab up first; NEGCHECK_LAB=off leaves these out.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultKernelInputs } from '../lab/defaults.ts';
import { checkKernel, isFinding, type KernelReport } from '../lab/kernel.ts';
import { KERNEL_FINDINGS } from '../lab/findings.ts';
import { KNOWN_DIFFERENCES } from '../lab/known-differences.ts';
import { labKernels } from '../lab/setup.ts';
import { LAB_STORIES } from '../lab/stories.ts';
import type { AgentTrace } from '../lab/protocol.ts';
import { runTraces } from '../lab/run.ts';
import { createVhostModel } from '../model/stack.ts';
import { vdpaResetDropsMaps, vringMissForgotten } from './mutants.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const labOff = process.env['NEGCHECK_LAB'] === 'off';

describe.skipIf(labOff)('the model on the lab\'s kernels', () => {

  it.each(['6.1', '6.12', '7.2'])('%s: every trace answers as the model says, or as a known difference that still occurs', async id => {
    const [k] = labKernels([id]);
    // every default input is here (the shared vectors too)
    const defaults = defaultKernelInputs(ROOT);
    expect(defaults.missing).toEqual([]);
    const inputs = defaults.forKernel(id);
    const catalogue = inputs.filter(i => i.name.startsWith('catalogue: '));
    expect(catalogue.length).toBeGreaterThan(0);
    const rep: KernelReport = await checkKernel(k!, inputs);
    const findings = rep.results.filter(isFinding).map(r => `${r.name}: ${JSON.stringify(r.verdict)} ${r.kmsg.join(' ')}`);
    expect(findings).toEqual([]);
    const seen = new Set(rep.results.flatMap(r => (r.verdict.status === 'mismatch' && r.verdict.known !== null ? [r.verdict.known] : [])));
    expect([...seen].sort()).toEqual(KNOWN_DIFFERENCES.filter(d => d.kernels.includes(id)).map(d => d.id).sort());
    // every input ran or was skipped for a reason the report names (a device the guest lacks)
    expect(rep.results.filter(r => r.verdict.status === 'match').length).toBeGreaterThan(inputs.length / 2);
    // the catalogue's counterexamples of this kernel ran (crosvm's I2 on vsock and net among them)
    const ranCatalogue = rep.results.filter(r => r.name.startsWith('catalogue: ') && r.verdict.status === 'match').map(r => r.name);
    expect(ranCatalogue).toEqual(catalogue.map(c => c.name));
    expect(ranCatalogue.some(n => n.includes('vsock-crosvm-masks-old-binary I2'))).toBe(true);
    // vhost-vdpa ran where the guest has it (over the agent's VDUSE parent), and only there
    const vdpa = rep.results.filter(r => r.name.includes('vhost-vdpa') || r.name.includes('VDUSE'));
    expect(vdpa.length).toBeGreaterThanOrEqual(3);
    expect(vdpa.every(r => (id === '6.1' ? r.verdict.status === 'skipped' : r.ops > 0))).toBe(true);
    console.log(`${id}: ${rep.results.length} traces, ${rep.ops} syscalls, first op ${Math.round(rep.firstOpMs ?? -1)} ms, ${Math.round(rep.ops / (rep.guestMs / 1000))} ops/s in the guest`);
  }, 120_000);

  it('catches a planted model error: a failed vring start that queues no MISS', async () => {
    const [k] = labKernels(['6.1']);
    const crosvm = LAB_STORIES.filter(s => s.name.startsWith('story: crosvm'));
    const rep = await checkKernel(k!, crosvm, { createVhost: vringMissForgotten(createVhostModel) });
    expect(rep.results.map(r => r.verdict)).toEqual([expect.objectContaining({
      status: 'mismatch', known: null,
      mismatch: expect.objectContaining({ op: 'VHOST_VSOCK_SET_RUNNING 1', kernel: '-EFAULT, a message became readable (a MISS queued)', model: '-EFAULT' }) as unknown,
    })]);
    expect(rep.results.some(isFinding)).toBe(true);
  }, 60_000);
});

describe.skipIf(labOff)('vhost-vdpa over the agent\'s VDUSE parent', () => {
  it.each(['6.12', '7.2'])('%s: catches a planted model error: a reset that drops the parent\'s maps', async id => {
    const [k] = labKernels([id]);
    const story = LAB_STORIES.filter(s => s.name.startsWith('story: a VDUSE parent\'s maps'));
    const rep = await checkKernel(k!, story, { createVhost: vdpaResetDropsMaps(createVhostModel) });
    expect(rep.results.map(r => r.verdict)).toEqual([expect.objectContaining({
      status: 'mismatch', known: null,
      mismatch: expect.objectContaining({ op: 'vq access RO iova=0x1000 len=16', kernel: 'ok 0x7f00_0000_5000+16', model: 'fault -EFAULT' }) as unknown,
    })]);
  }, 60_000);
});

describe.skipIf(labOff)('what the lab found in the kernels (lab/findings.ts)', () => {
  for (const f of KERNEL_FINDINGS) {
    it.each(f.kernels)(`%s: ${f.name}`, async id => {
      const [k] = labKernels([id]);
      const rep = await checkKernel(k!, [f]);
      const r = rep.results[0]!;
      expect(r.verdict.status).toBe('match');
      // the kernel still logs it; known, it is reported without failing a run
      expect(r.knownKmsg.some(l => f.kmsg.test(l)), r.knownKmsg.join('\n')).toBe(true);
      expect(r.kmsg).toEqual([]);
      expect(isFinding(r)).toBe(false);
    }, 60_000);
  }
});

describe.skipIf(labOff)('a guest that fails', () => {
  const gf = { kind: 'GET_FEATURES' } as const;
  const trace = (id: number, then?: readonly ('hang' | 'crash')[]): AgentTrace => ({ id, device: 'vhost-vsock', cid: 3 + id, ops: [gf], ...(then ? { then } : {}) });

  it('a hang is reported naming its trace after the trace timeout, and the run goes on with a fresh boot', async () => {
    const [k] = labKernels(['6.1']);
    const run = await runTraces(k!, [trace(0), trace(1, ['hang']), trace(2)], { traceTimeoutMs: 1500 });
    expect(run.outcomes.map(o => o.status)).toEqual(['done', 'hung', 'done']);
    expect(run.boots.map(b => b.traces)).toEqual([2, 1]);
  }, 60_000);

  it('a crash (the agent dies, the kernel panics) is reported with the console, and the run goes on', async () => {
    const [k] = labKernels(['6.1']);
    const run = await runTraces(k!, [trace(0, ['crash']), trace(1)], { traceTimeoutMs: 10_000 });
    expect(run.outcomes.map(o => o.status)).toEqual(['crashed', 'done']);
    const crashed = run.outcomes[0]!;
    expect(crashed.status === 'crashed' && crashed.console.join('\n')).toMatch(/Attempted to kill init/);
    expect(run.boots).toHaveLength(2);
  }, 60_000);

  it('an abort (SIGINT) stops the guest and keeps what completed', async () => {
    const [k] = labKernels(['6.1']);
    const abort = new AbortController();
    const run = await runTraces(k!, [trace(0), trace(1, ['hang']), trace(2)], {
      traceTimeoutMs: 30_000, signal: abort.signal, onTrace: done => { if (done === 1) setTimeout(() => abort.abort(), 200); },
    });
    expect(run.interrupted).toBe(true);
    expect(run.outcomes.map(o => o.status)).toEqual(['done', 'not-run', 'not-run']);
  }, 60_000);
});
