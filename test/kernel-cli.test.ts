// `negcheck kernel` and `negcheck lab` as a user runs them: --help, bad input and a lab that is not
// set up (exit 2, the message naming the problem, nothing written), a real run with --json, SIGINT.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, CLI_ENV, negcheck, ROOT } from './negcheck.ts';

const tmp = mkdtempSync(join(tmpdir(), 'negcheck-kernel-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const labOff = process.env['NEGCHECK_LAB'] === 'off';

describe('negcheck kernel and lab: usage', () => {
  it('--help names the inputs, the profile file and every exit status', () => {
    const r = negcheck('kernel', '--help');
    expect(r.status).toBe(0);
    for (const s of ['--kernel', '--json', '--trace-timeout', 'lab/profiles.ts', 'known-differences', 'Exit status: 0', '130 interrupted']) expect(r.stdout).toContain(s);
    expect(negcheck('lab', 'setup', '--help').stdout).toContain('NEGCHECK_LAB_CACHE');
  });

  it('an unknown kernel, a missing input and a corrupt corpus entry are exit 2, named, nothing written', () => {
    const json = join(tmp, 'bad.json');
    expect(negcheck('kernel', '--kernel', '5.4', '--json', json)).toMatchObject({ status: 2, stderr: expect.stringContaining('--kernel 5.4: the lab has 6.1, 6.12, 7.2') as unknown });
    expect(negcheck('kernel', join(tmp, 'nothing-here'), '--json', json)).toMatchObject({ status: 2, stderr: expect.stringContaining('nothing-here: no such file or directory') as unknown });
    const corrupt = join(tmp, 'corrupt.json');
    writeFileSync(corrupt, '{"format": "negcheck-counterexample/1"}');
    expect(negcheck('kernel', corrupt, '--json', json)).toMatchObject({ status: 2, stderr: expect.stringContaining('corrupt.json') as unknown });
    const bigRead = join(tmp, 'big-read.json');
    const i2 = JSON.parse(readFileSync(join(ROOT, 'corpus', 'i2-crosvm-intersects-access-platform.json'), 'utf8')) as { ops: unknown[] };
    writeFileSync(bigRead, JSON.stringify({ ...i2, ops: [...i2.ops, { kind: 'IOTLB_READ', len: 70000 }] }));
    expect(negcheck('kernel', '--kernel', '6.1', bigRead, '--json', json)).toMatchObject({ status: 2, stderr: expect.stringContaining('big-read.json: op 2 (read(70000)) is no trace the agent can run: a read of 70000 bytes: the agent reads 0 to 65536') as unknown });
    expect(negcheck('repro', bigRead, '--c')).toMatchObject({ status: 2, stderr: expect.stringContaining('big-read.json: op 2 (read(70000)) is no syscall a program can make') as unknown });
    expect(negcheck('kernel', '--generate', '10', corrupt, '--json', json)).toMatchObject({ status: 2, stderr: expect.stringContaining('--generate runs generated scripts: give it no inputs') as unknown });
    expect(negcheck('kernel', '--time', '1m', '--json', json)).toMatchObject({ status: 2, stderr: expect.stringContaining('--time bounds --generate') as unknown });
    expect(negcheck('kernel', '--generate', '0', '--json', json).status).toBe(2);
    expect(negcheck('kernel', '--shard', '1/2', '--json', json)).toMatchObject({ status: 2, stderr: expect.stringContaining('--shard splits --generate') as unknown });
    expect(negcheck('kernel', '--generate', '5', '--shard', '3/2', '--json', json)).toMatchObject({ status: 2, stderr: expect.stringContaining('--shard must be i/n with 1 <= i <= n') as unknown });
    expect(existsSync(json)).toBe(false);
  });

  it('a lab that is not set up is exit 2, naming the set-up command', () => {
    const env = { ...CLI_ENV, NEGCHECK_LAB_CACHE: join(tmp, 'no-cache') };
    const c = spawn(process.execPath, [BIN, 'kernel', '--kernel', '6.1'], { cwd: ROOT, env });
    let stderr = '';
    c.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    return new Promise<void>(resolve => c.on('exit', code => {
      expect(code).toBe(2);
      expect(stderr).toContain('lab kernel 6.1 is not set up: run `npx negcheck lab setup`');
      resolve();
    }));
  });
});

describe.skipIf(labOff)('negcheck kernel on the lab', () => {
  it('runs the corpus on 6.1, prints the figures and writes the JSON report', () => {
    const json = join(tmp, 'report.json');
    const r = negcheck('kernel', '--kernel', '6.1', join(ROOT, 'corpus'), '--json', json);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^6\.1 \(6\.1\.0-\d+-cloud-amd64, cpu qemu64\): \d+ traces/m);
    expect(r.stdout).toMatch(/ops\/s in the guest/);
    const rep = JSON.parse(readFileSync(json, 'utf8')) as { format: string; reports: { kernel: string; interrupted: boolean }[] };
    expect(rep.format).toBe('negcheck-kernel-report/1');
    expect(rep.reports.map(x => [x.kernel, x.interrupted])).toEqual([['6.1', false]]);
  }, 120_000);

  it('--generate runs the same scripts for a seed and reports their transitions', () => {
    const run = (name: string): { scripts: number; findings: number; transitions: Record<string, number> } => {
      const json = join(tmp, name);
      const r = negcheck('kernel', '--kernel', '6.1', '--generate', '40', '--seed', '7', '--json', json);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^6\.1: \d+ generated scripts \(seed 7\), [\d,]+ syscalls, .* distinct transitions$/m);
      return (JSON.parse(readFileSync(json, 'utf8')) as { kernels: { scripts: number; findings: number; transitions: Record<string, number> }[] }).kernels[0]!;
    };
    const a = run('gen-a.json');
    expect(a.scripts).toBeGreaterThan(30);
    expect(a.findings).toBe(0);
    expect(Object.keys(a.transitions).length).toBeGreaterThan(10);
    expect(run('gen-b.json').transitions).toEqual(a.transitions);
  }, 120_000);

  it('on SIGINT stops the guest, reports what completed and exits 130', async () => {
    const json = join(tmp, 'sigint.json');
    const c = spawn(process.execPath, [BIN, 'kernel', '--kernel', '6.1,7.2', '--json', json], { cwd: ROOT, env: CLI_ENV });
    let stdout = '';
    const exited = new Promise<number | null>(resolve => c.on('exit', code => resolve(code)));
    await new Promise<void>(resolve => c.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (/^6\.1 \(/m.test(stdout)) resolve();
    }));
    // 6.1 is done; 7.2 is booting (its agent says hello after 4 s or more here)
    await new Promise(r => setTimeout(r, 1500));
    c.kill('SIGINT');
    expect(await exited).toBe(130);
    const rep = JSON.parse(readFileSync(json, 'utf8')) as { reports: { kernel: string; interrupted: boolean; boots: number; results: { verdict: { status: string } }[] }[] };
    expect(rep.reports.map(x => [x.kernel, x.interrupted])).toEqual([['6.1', false], ['7.2', true]]);
    // the boot was stopped, not waited for: none of 7.2's traces ran
    const statuses = new Set(rep.reports[1]!.results.map(r => r.verdict.status));
    expect([...statuses].sort()).toEqual(['not-run', 'skipped']);
  }, 180_000);
});
