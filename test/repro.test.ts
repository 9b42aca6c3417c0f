// `negcheck repro FILE --c` (issue 26): a standalone C reproducer per corpus entry. Without the lab:
// the command's usage and errors, the answer lines a program expects (the inverse of the agent's),
// and every program compiling with -Wall -Wextra -Werror. With the lab: every program that applies
// compiled and run in each lab kernel's guest, as a kernel developer would run it, showing what
// `negcheck kernel` shows: the same answers, and exit 1 exactly when the kernel answers as the model.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusFiles } from '../harness/corpus.ts';
import { firstMismatch, planTrace } from '../lab/compare.ts';
import { generatedInputs } from '../lab/generate.ts';
import { checkKernel } from '../lab/kernel.ts';
import { LAB_PROFILES, labProfile, onLabKernel } from '../lab/profiles.ts';
import { type AgentAnswer, answerLine, isKernelOp, observationOf, parseAnswer, type PlainKernelOp } from '../lab/protocol.ts';
import { runPrograms } from '../lab/programs.ts';
import { runTraces } from '../lab/run.ts';
import { labKernels } from '../lab/setup.ts';
import { reproducerC } from '../repro/c.ts';
import { compileStatic } from '../repro/compile.ts';
import { type Expectation, type ReproPlan, ReproError, readReproEntry, reproPlan } from '../repro/plan.ts';
import { entryWithRules } from '../proposals/entryRules.ts';
import { negcheck, ROOT } from './negcheck.ts';

const tmp = mkdtempSync(join(tmpdir(), 'negcheck-repro-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const labOff = process.env['NEGCHECK_LAB'] === 'off';
const hasGcc = spawnSync('gcc', ['--version']).status === 0;
const CORPUS = corpusFiles(join(ROOT, 'corpus')).map(f => relative(ROOT, f));
const I2 = 'corpus/i2-crosvm-intersects-access-platform.json';

/** Every (entry, expectation) with a program, and why the others have none. */
async function plans(x: Expectation): Promise<{ plans: ReproPlan[]; none: string[] }> {
  const out: ReproPlan[] = [];
  const none: string[] = [];
  for (const f of CORPUS) {
    try {
      out.push(reproPlan(f, await entryWithRules(readReproEntry(join(ROOT, f)), f), x));
    } catch (e) {
      if (!(e instanceof ReproError)) throw e;
      none.push(e.message);
    }
  }
  return { plans: out, none };
}

describe('negcheck repro: usage', () => {
  it('--help names the form, the exit statuses and when an entry has no program', () => {
    const r = negcheck('repro', '--help');
    expect(r.status).toBe(0);
    for (const s of ['--c', '--all', '--kernel', 'libc and the kernel\'s uapi headers', 'exits 1 when the kernel shows the violation', 'no syscall stands for']) expect(r.stdout).toContain(s);
  });

  it('bad input is exit 2 naming the problem, and nothing is written', () => {
    const out = join(tmp, 'x.c');
    expect(negcheck('repro', I2, '-o', out)).toMatchObject({ status: 2, stderr: expect.stringContaining('say --c') as unknown });
    expect(negcheck('repro', 'corpus/nothing.json', '--c', '-o', out)).toMatchObject({ status: 2, stderr: expect.stringContaining('corpus/nothing.json: no such file') as unknown });
    expect(negcheck('repro', I2, '--c', '--kernel', '5.4', '-o', out)).toMatchObject({ status: 2, stderr: expect.stringContaining('--kernel 5.4: the lab has') as unknown });
    expect(negcheck('repro', I2, '--c', '--kernel', 'all', '-o', out)).toMatchObject({ status: 2, stderr: expect.stringContaining('one lab kernel') as unknown });
    expect(negcheck('repro', 'corpus/i3-s390-validate-before-write.json', '--c', '-o', out)).toMatchObject({ status: 2, stderr: expect.stringContaining('I3 is violated at op 0 (guest: virtio_dev_probe), which no syscall stands for') as unknown });
    expect(negcheck('repro', 'corpus/i4-reset-map-onchip.json', '--c', '--kernel', '7.2', '-o', out)).toMatchObject({ status: 2, stderr: expect.stringContaining('the model says I4 holds on this trace') as unknown });
    const holds = join(tmp, 'holds.json');
    writeFileSync(holds, readFileSync(join(ROOT, I2), 'utf8').replace('"expect": "violated"', '"expect": "holds"'));
    expect(negcheck('repro', holds, '--c', '-o', out)).toMatchObject({ status: 2, stderr: expect.stringContaining('expect "holds"') as unknown });
    const corrupt = join(tmp, 'corrupt.json');
    writeFileSync(corrupt, '{"format": "negcheck-counterexample/1"}');
    expect(negcheck('repro', corrupt, '--c', '-o', out)).toMatchObject({ status: 2, stderr: expect.stringContaining('corrupt.json') as unknown });
    expect(existsSync(out)).toBe(false);
    // --all reads every entry before it writes one: a corrupt entry leaves nothing
    const dir = join(tmp, 'corpus-with-a-bad-one');
    spawnSync('cp', ['-r', join(ROOT, 'corpus'), dir]);
    writeFileSync(join(dir, 'zz-corrupt.json'), '{"format": "negcheck-counterexample/1"}');
    const outDir = join(tmp, 'none-written');
    expect(negcheck('repro', dir, '--c', '--all', '-o', outDir)).toMatchObject({ status: 2, stderr: expect.stringContaining('zz-corrupt.json') as unknown });
    expect(existsSync(outDir)).toBe(false);
  });

  it('--all writes one program per entry that has one and says why the others have none', async () => {
    const outDir = join(tmp, 'all');
    const r = negcheck('repro', '--c', '--all', '-o', outDir);
    expect(r.status).toBe(0);
    const { plans: ps, none } = await plans({ kind: 'entry' });
    expect(readdirSync(outDir).sort()).toEqual(ps.map(p => `${p.file.replace(/^corpus\//, '').replace(/\.json$/, '')}.c`).sort());
    for (const n of none) expect(r.stdout).toContain(`no program: ${n}`);
    expect(r.stdout).toContain(`${ps.length} programs written to ${outDir}, ${none.length} entries with none`);
    // stdout is the program when -o is not given
    const one = negcheck('repro', I2, '--c');
    expect(one.stdout).toBe(readFileSync(join(outDir, 'i2-crosvm-intersects-access-platform.c'), 'utf8'));
    expect(one.stdout).toContain(`Made by: negcheck repro ${I2} --c\n`);
  });
});

describe('what a program expects', () => {
  it('each answer line it expects reads back as the model\'s observation (corpus entries, every lab profile, generated scripts)', async () => {
    const steps = [
      ...(await Promise.all([{ kind: 'entry' } as const, ...LAB_PROFILES.map(l => ({ kind: 'lab', kernel: l.id }) as const)].map(plans))).flatMap(p => p.plans.flatMap(q => q.steps)),
      ...LAB_PROFILES.flatMap(l => generatedInputs(l, 11, 0, 40).flatMap(i => planTrace(i.ops, onLabKernel(l, i.profile)).steps)),
    ];
    expect(steps.length).toBeGreaterThan(500);
    for (const s of steps) {
      const a = parseAnswer(answerLine(s.op, s.model));
      if (s.op.kind === 'VSOCK_SET_RUNNING' || s.op.kind === 'NET_SET_BACKEND') {
        expect(s.model.kind === 'vring' && a.ret === s.model.ret && a.queued === (s.model.miss === null ? 'none' : 'queued')).toBe(true);
      } else {
        expect(observationOf(s.op as PlainKernelOp, a)).toEqual(s.model);
      }
    }
  });

  it.skipIf(!hasGcc)('every program compiles with gcc -static -Wall -Wextra -Werror, and carries its trace', async () => {
    for (const x of [{ kind: 'entry' } as const, ...LAB_PROFILES.map(l => ({ kind: 'lab', kernel: l.id }) as const)]) {
      for (const p of (await plans(x)).plans) {
        const c = reproducerC(p, 'test');
        compileStatic(c, join(tmp, 'compiled'));
        // one call per syscall, each with the model's answer line
        expect(c.match(/\tstep_end\(/g)?.length).toBe(p.steps.length);
        for (const s of p.steps) expect(c).toContain(JSON.stringify(answerLine(s.op, s.model)));
        expect(c).not.toMatch(/#include "/);
      }
    }
  }, 120_000);
});

/** The kernel's answer lines a program printed, one per syscall. */
function programAnswers(output: readonly string[]): AgentAnswer[] {
  return output.flatMap(l => {
    const m = /^\s+kernel: (= .*?)(?: \(-[A-Z0-9]+\))?$/.exec(l);
    return m ? [parseAnswer(m[1]!)] : [];
  });
}

describe.skipIf(labOff)('reproducers on the lab\'s kernels', () => {
  it.each(['6.1', '6.12', '7.2'])('%s: every program that applies shows what the kernel answers, and exits 1 exactly when it answers as the model', async id => {
    const [k] = labKernels([id]);
    const lab = labProfile(id);
    const cases = [...(await plans({ kind: 'entry' })).plans, ...(await plans({ kind: 'lab', kernel: id })).plans]
      .filter(p => lab.devices.value.includes(p.device));
    expect(cases.length).toBeGreaterThan(0);
    const programs = cases.map((p, i) => {
      const bin = join(tmp, `${id}-${i}`);
      compileStatic(reproducerC(p, 'test'), bin);
      return { name: `${p.file} (${p.expectation})`, binary: readFileSync(bin) };
    });
    const runs = await runPrograms(k!, programs);
    // the same syscalls through the agent, as negcheck kernel runs them
    const agent = await runTraces(k!, cases.map((p, i) => ({ id: i, device: p.device, cid: 3 + i, ops: p.steps.map(s => s.op) })));
    cases.forEach((p, i) => {
      const run = runs[i]!;
      const out = agent.outcomes[i]!;
      if (out.status !== 'done') throw new Error(`${p.file}: the agent's run ${out.status}`);
      const said = `${programs[i]!.name}\n${run.output.join('\n')}`;
      expect(run.kmsg).toEqual([]);
      // the same answers as the agent's, but whether vhost's worker had queued a MISS by the time
      // each looked (two boots: a matter of timing, which compare.ts's q=unknown already allows)
      const printed = programAnswers(run.output);
      const untimed = (as: readonly AgentAnswer[]): AgentAnswer[] => as.map(({ queued: _q, ...a }) => a);
      expect(untimed(printed), said).toEqual(untimed(out.answers));
      // its verdict is the rule its header states, over the answers it printed
      const asTheModel = firstMismatch({ steps: p.steps, leftOut: 0 }, printed) === null;
      const shows = p.shows === 'same' ? asTheModel : !asTheModel;
      expect(run.end, said).toEqual({ status: 'exited', code: shows ? 1 : 0 });
      expect(run.output.at(-1)).toMatch(shows ? /the kernel shows the (violation|difference)/ : /does NOT show the violation|as the model does now/);
    });
    const exitOf = (file: string, own: boolean): unknown => runs[cases.findIndex(p => p.file === file && p.expectation.startsWith(`lab kernel ${id}`) !== own)]?.end;
    // an on-chip parent's maps kept across a reset (i4): VDUSE's reset drops them, the program exits 0
    if (id !== '6.1') expect(exitOf('corpus/i4-reset-map-onchip.json', true)).toEqual({ status: 'exited', code: 0 });
    // QEMU's fallback on -ENOTTY only (R): 6.1's and 6.12's vhost-net read the array ioctl as a vq index (-ENOBUFS)
    if (id !== '7.2') expect(exitOf('corpus/r-vmm-array-fallback-on-enotty-only.json', false)).toEqual({ status: 'exited', code: 1 });
    // with the lab kernel's expectations, the program's verdict is negcheck kernel's
    const labCases = cases.filter(p => p.expectation.startsWith(`lab kernel ${id}`));
    const rep = await checkKernel(k!, await Promise.all(labCases.map(async p => {
      const e = await entryWithRules(readReproEntry(join(ROOT, p.file)), p.file);
      return { name: p.file, profile: e.proposalProfile ?? e.profile, ops: e.ops };
    })));
    labCases.forEach((p, j) => {
      const i = cases.indexOf(p);
      expect(rep.results[j]!.verdict.status === 'match', p.file).toBe(runs[i]!.end.status === 'exited' && (runs[i]!.end as { code: number }).code === 1);
    });
    // crosvm's I2 with the entry's own expectations: the vring start's -EFAULT, and exit 1
    const i2 = cases.findIndex(p => p.file === I2 && p.expectation === 'the entry\'s own profile');
    expect(runs[i2]!.end).toEqual({ status: 'exited', code: 1 });
    expect(runs[i2]!.output.join('\n')).toMatch(/VHOST_VSOCK_SET_RUNNING 1\n\s+kernel: = -14 q=queued \(-EFAULT\)/);
  }, 180_000);

  it('a program that cannot set its device up exits 2; one that hangs is killed at its limit; a signal is reported', async () => {
    const [k] = labKernels(['6.1']);
    const vdpa = (await plans({ kind: 'entry' })).plans.find(p => p.device === 'vhost-vdpa')!;
    const bin = (name: string, c: string): { name: string; binary: Buffer } => {
      compileStatic(c, join(tmp, name));
      return { name, binary: readFileSync(join(tmp, name)) };
    };
    const runs = await runPrograms(k!, [
      bin('vdpa-on-6.1', reproducerC(vdpa, 'test')),
      bin('hangs', '#include <unistd.h>\nint main(void) { for (;;) pause(); }\n'),
      bin('aborts', '#include <stdlib.h>\nint main(void) { abort(); }\n'),
    ], { timeoutS: 2 });
    expect(runs.map(r => r.end)).toEqual([{ status: 'exited', code: 2 }, { status: 'timeout' }, { status: 'signal', signal: 6 }]);
    expect(runs[0]!.output.join('\n')).toContain('cannot set /dev/vhost-vdpa up as negcheck\'s VMM does: vduse_control failed: -ENOENT');
  }, 60_000);
});

// the plans themselves must not drift from what negcheck kernel plans (one planTrace)
it('a lab expectation plans the syscalls negcheck kernel plans', async () => {
  for (const l of LAB_PROFILES) {
    for (const p of (await plans({ kind: 'lab', kernel: l.id })).plans) {
      const e = readReproEntry(join(ROOT, p.file));
      const base = e.proposalProfile ?? e.profile;
      expect(isDeepStrictEqual(p.steps.map(s => s.op), planTrace(e.ops, onLabKernel(l, base)).steps.map(s => s.op))).toBe(true);
      expect(p.steps.every(s => isKernelOp(s.op, p.device))).toBe(true);
    }
  }
});
