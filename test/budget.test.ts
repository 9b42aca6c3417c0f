// A time budget meets fast-check: a run cut before its first run is zero runs (holds), never a
// failure; a real counterexample keeps its trace; a real engine error still fails (issue 9).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, CLI_ENV, negcheck, ROOT } from './negcheck.ts';
import { runChunk } from '../cli/fuzz/worker.ts';
import { I6 } from '../properties/i6-iotlb-laws.ts';
import { runProperty } from '../harness/run.ts';
import type { PropertyDef } from '../types/property.ts';
import { stackSubject } from '../harness/subject.ts';
import type { Profile } from '../types/profile.ts';

const tmp = mkdtempSync(join(tmpdir(), 'negcheck-budget-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Generation slower than the budget: fast-check is interrupted before the first run ends. */
const slowProfiles = (def: PropertyDef): fc.Arbitrary<Profile> => def.profiles.map(p => {
  const t = Date.now();
  while (Date.now() - t < 15) { /* spin */ }
  return p;
});

describe('a time budget that ends before the first run', () => {
  it('is what fast-check calls a failure without a counterexample (the reason for the rule)', () => {
    const d = fc.check(fc.property(slowProfiles(I6), () => true), { numRuns: 10, interruptAfterTimeLimit: 1, markInterruptAsFailure: false });
    expect(d.failed).toBe(true);
    expect(d.counterexample).toBeNull();
    
  });

  it('runProperty counts it as zero runs that hold', () => {
    const r = runProperty(I6, stackSubject, { seed: 1, numRuns: 10, profiles: slowProfiles(I6), interruptAfterTimeLimit: 1 });
    expect(r).toMatchObject({ outcome: 'holds', runs: 0 });
  });

  it('runProperty with no time left does not start fast-check', () => {
    for (const limit of [0, -5]) {
      const r = runProperty(I6, stackSubject, { seed: 1, numRuns: 10, interruptAfterTimeLimit: limit });
      expect(r).toMatchObject({ outcome: 'holds', runs: 0, timeMs: 0 });
    }
  });

  it('a fuzz chunk that starts after its deadline runs nothing and reports no error', async () => {
    const r = await runChunk({ target: { property: 'I6' }, chunk: 64, seed: 1, runs: 250, deadline: Date.now() - 1 });
    expect(r.error).toBeUndefined();
    expect(r.result).toMatchObject({ outcome: 'holds', runs: 0 });
  });

  it('a counterexample found within the budget is still a violation with its trace', () => {
    const broken: PropertyDef = { ...I6, check: (_s, _p, ops) => (ops.length > 0 ? { step: 0, message: 'planted' } : null) };
    const r = runProperty(broken, stackSubject, { seed: 1, numRuns: 100, interruptAfterTimeLimit: 60_000 });
    expect(r.outcome).toBe('violated');
    expect(r.counterexample?.violation.message).toBe('planted');
  });

  it('a crash in generation is still an engine error, with or without a budget', () => {
    const crashing = I6.profiles.map((): Profile => { throw new Error('planted engine error'); });
    for (const opts of [{}, { interruptAfterTimeLimit: 60_000 }]) {
      expect(() => runProperty(I6, stackSubject, { seed: 1, numRuns: 10, profiles: crashing, ...opts })).toThrow(/planted engine error/);
    }
  });
});

describe('negcheck fuzz at the edges of its budget', () => {
  it('a 1 ms budget (every target cut before its first run) exits 0 with every target holding', () => {
    const r = negcheck('fuzz', '--time', '1ms', '--seed', '1781188906', '--workers', '2', '--no-corpus', '--no-must-reach', '--json');
    expect(r.status, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { exitCode: number; targets: { label: string; outcome: string; errors: string[] }[] };
    expect(rep.exitCode).toBe(0);
    expect(rep.targets.length).toBe(8);
    for (const t of rep.targets) expect([t.label, t.outcome, t.errors]).toEqual([t.label, 'holds', []]);
  });

  it('a genuine engine error (an arbitrary that crashes in a worker) still exits 1 and names it', () => {
    // the getter answers the proposal's validation, then crashes inside fast-check's generation
    const file = join(tmp, 'crashing.ts');
    writeFileSync(file, `let reads = 0;
export const proposal = {
  id: 'crashing-generator', title: 'a policy whose value crashes generation', seeds: [], commits: [], fate: 'proposed', history: 'test',
  policy: { kernel: { get sizeZero() { if (++reads > 20) throw new Error('planted engine error'); return 'reject-update'; } } }, expect: {},
};\n`);
    const r = negcheck('fuzz', '--proposal', file, '--property', 'I6', '--time', '2s', '--seed', '1', '--workers', '1', '--no-corpus', '--no-must-reach');
    // the target stops at its first engine error rather than spinning through every chunk
    expect(r.stdout.match(/error in crashing-generator\/I6: chunk \d+: planted engine error/g)?.length).toBe(1);
    expect(r.status).toBe(1);
  });

  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s before the first run (workers still loading) exits %i with a partial report and no error', async (signal, code) => {
    const rep = join(tmp, `report-early-${signal}`);
    const child = spawn(process.execPath, [BIN, 'fuzz', '--time', '60s', '--seed', '1', '--workers', '2', '--no-corpus', '--report', rep],
      { cwd: ROOT, env: CLI_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
    // the first line is printed once the signal handlers are in place, before the workers load
    await new Promise<void>(resolve => child.stdout.once('data', () => resolve()));
    child.kill(signal);
    expect(await exited).toBe(code);
    const r = JSON.parse(readFileSync(join(rep, 'report.json'), 'utf8')) as { partial: boolean; targets: { errors: string[] }[] };
    expect(r.partial).toBe(true);
    for (const t of r.targets) expect(t.errors).toEqual([]);
  });
});

describe('negcheck prove at the edge of its budget', () => {
  it('a budget that ends before the first run says "not run", not a verdict, and exits 0', () => {
    const r = negcheck('prove', 'vsock-e13a6915a03f', '--time', '1ms', '--out', join(tmp, 'prove-out'));
    expect(r.stdout).toMatch(/I2 .* not run \(the time budget ended before the first run\)/);
    expect(r.stdout).toMatch(/2 of 2 properties not run/);
    expect(r.stdout).not.toMatch(/holds|violated/);
    expect(r.status, r.stderr).toBe(0);
  });
});
