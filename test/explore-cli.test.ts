// `negcheck explore` from the command line: a verdict within bounds, the shortest counterexample
// saved in the corpus format and replayable, bounds, usage errors.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareReached, type ReachComparison } from '../cli/explore/compareFuzz.ts';
import { memorySampler } from '../cli/explore/command.ts';
import { IMPL_BY_TRACE } from '../properties/p0-differential.explore.ts';
import { BIN, CLI_ENV, negcheck, ROOT } from './negcheck.ts';

const tmp = mkdtempSync(join(tmpdir(), 'negcheck-explore-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));


interface Report { exitCode: number; targets: { label: string; verdict: string; result: { outcome: string; distinct: number; depthCompleted: number } }[] }

describe('negcheck explore', () => {
  it('says what holds within its bound, and gives the same states for 1 and 2 workers', () => {
    const runs = ['1', '2'].map(w => negcheck('explore', '--property', 'I6', '--depth', '3', '--workers', w, '--json'));
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    const [a, b] = runs.map(r => JSON.parse(r.stdout) as Report);
    expect(a!.targets[0]!.verdict).toMatch(/^holds for every trace of ≤ 3 ops over the scope's \d+ ops × \d+ profiles$/);
    expect(b!.targets[0]!.result.distinct).toBe(a!.targets[0]!.result.distinct);
  });

  it('says what each verdict covers (ops, profiles, values, reductions) and the memory each target took, in the JSON too', () => {
    const r = negcheck('explore', '--property', 'I4', 'P0@I4', '--depth', '2', '--workers', '1', '--json');
    expect(r.status, r.stderr).toBe(0);
    const targets = (JSON.parse(r.stdout) as { targets: {
      label: string; verdict: string; memory: { peakRssMb: number; growthMb: number };
      covers: { maxOps: number; ops: number; profiles: number; values: string; complete: boolean; reductions: string[] };
    }[] }).targets;
    const [i4, p0] = targets;
    expect(i4!.covers).toEqual({ maxOps: 2, ops: 12, profiles: 5, values: 'default', complete: false, reductions: [] });
    expect(i4!.verdict).toBe("holds for every trace of ≤ 2 ops over the scope's 12 ops × 5 profiles");
    // P0's one stated reduction: the implementation is replayed by trace, not fingerprinted
    expect(p0!.covers.reductions).toEqual([IMPL_BY_TRACE]);
    for (const t of targets) expect(t.memory.peakRssMb).toBeGreaterThan(0);
    const text = negcheck('explore', '--property', 'P0@I4', '--depth', '2', '--workers', '1');
    expect(text.stdout).toMatch(/a verdict covers its scope only: the ops and profiles `--describe` lists/);
    expect(text.stdout).toMatch(/reduction in P0@I4: the implementation is judged on the first trace that reaches each model state/);
  });

  it('measures a target\'s own peak and growth, not the process\'s running maximum', () => {
    // a target at 100 to 140 MB, sampled by hand (the timer never fires in this test)
    const readings = [100, 120, 140, 130].map(m => m * 2 ** 20);
    let i = 0;
    const s = memorySampler(3_600_000, () => readings[i++]!);
    s.sample();
    s.sample();
    expect(s.stop()).toEqual({ peakRssMb: 140, growthMb: 30 });
  });

  it('finds the shortest violation of Jason\'s first reset pseudo-code, saves it, and replay agrees (exit 1)', () => {
    const out = join(tmp, 'jason');
    const r = negcheck('explore', '--proposal', 'vdpa-jason-pseudocode', '--out', out);
    expect(r.stdout).toMatch(/vdpa-jason-pseudocode\/I4 .* VIOLATED at depth 2/);
    expect(r.stdout).toMatch(/VHOST_VDPA_SET_STATUS 0x0 -> 0/);
    // of I4's appended probes only the one that breaks is printed (and saved)
    expect(r.stdout).toMatch(/vq access RO iova=0x0 len=1 -> ok 0x0\+1/);
    expect(r.stdout).not.toMatch(/iova=0x1000 len=1/);
    // and R against the pre-v6.7 baseline
    expect(r.stdout).toMatch(/vdpa-jason-pseudocode\/R .* VIOLATED at depth 3/);
    expect(r.stdout).not.toMatch(/does not violate/);
    expect(r.status).toBe(1);
    const files = readdirSync(out).filter(f => f.endsWith('.json')).sort();
    expect(files).toEqual([expect.stringMatching(/\.I4-/), expect.stringMatching(/\.R-/)]);
    for (const f of files) {
      const replay = negcheck('replay', join(out, f));
      expect(replay.stdout).toMatch(/as expected/);
      expect(replay.status).toBe(0);
    }
  });

  it('--compare-fuzz: random scripts on the same scope visit only explored states, a share of them', () => {
    const r = negcheck('explore', '--property', 'I4', 'I5', '--compare-fuzz', '--json');
    expect(r.status, r.stderr).toBe(0);
    const targets = (JSON.parse(r.stdout) as { targets: { label: string; result: { distinct: number }; fuzz: { runs: number; visited: number; fraction: number; reach: ReachComparison } }[] }).targets;
    for (const t of targets) {
      expect(t.fuzz.runs).toBeGreaterThan(0);
      // every must-reach line of the property is accounted for, and nothing is reached by the random search only
      const reach = t.fuzz.reach;
      expect(reach.onlyRandom).toEqual([]);
      expect(reach.all.onlyRandom).toEqual([]);
      expect(reach.all.explored).toBeGreaterThanOrEqual(reach.all.sampled);
      // every state a script of at most depth ops passes through is within the explored set
      expect(t.fuzz.visited).toBeLessThanOrEqual(t.result.distinct);
      expect(t.fuzz.fraction).toBe(t.fuzz.visited / t.result.distinct);
    }
    // I5's 24 states are all one op away: the random search sees every one
    expect(targets.find(t => t.label === 'I5')!.fuzz.fraction).toBe(1);
    // I4's scope holds every parent, with and without IOTLB_PERSIST (VDUSE is never offered it): the
    // exhaustive search takes all seven reset lines
    const i4 = targets.find(t => t.label === 'I4')!.fuzz.reach;
    expect([...i4.both, ...i4.onlyExplore].filter(l => l.startsWith('vdpa reset'))).toHaveLength(7);
    expect(i4.neither).toEqual([]);
  });

  it('compareReached splits must-reach lines by engine, and names transitions only the random search took', () => {
    const c = compareReached(['a', 'b', 'c', 'd'], ['a', 'b', 'x'], ['a', 'c', 'y']);
    expect(c).toEqual({ both: ['a'], onlyExplore: ['b'], onlyRandom: ['c'], neither: ['d'], all: { explored: 3, sampled: 3, onlyRandom: ['c', 'y'] } });
  });

  it('stops at a state bound with the depth it completed (exit 0)', () => {
    const r = negcheck('explore', '--property', 'I6', '--max-states', '100', '--json');
    expect(r.status, r.stderr).toBe(0);
    const t = (JSON.parse(r.stdout) as Report).targets[0]!;
    expect(t.verdict).toMatch(/^bound reached \(max states\): holds for every trace of ≤ 0 ops over the scope's/);
  });

  it('on SIGINT stops the search and prints what was completed (exit 130)', async () => {
    const child = spawn(process.execPath, [BIN, 'explore', '--property', 'I6', '--depth', '12', '--workers', '1'],
      { cwd: ROOT, env: CLI_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
    await new Promise<void>(resolve => child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (/depth 2:/.test(out)) resolve(); }));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(out).toMatch(/I6 .* bound reached \(aborted\): holds for every trace of ≤ [2-9] ops/);
    expect(out).toMatch(/interrupted by SIGINT/);
  });

  it.each([
    [['--property', 'R'], /"R" has no explore scope/],
    [['--depth', 'x'], /--depth must be an integer/],
    [['--values', 'huge'], /--values must be narrow, default or wide/],
  ])('%j is a usage error (exit 2)', (args, message) => {
    const r = negcheck('explore', ...args);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
  });
});
