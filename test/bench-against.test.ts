// The gate against a git ref: its statistics on hand-computed examples, its decision rule, the
// base worktree's life cycle (bad ref, cleanup, SIGINT), and a tiny real run. No timing asserted.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hodgesLehmann, signedRankLess, verdict } from '../bench/stats.ts';
import { defaultRef } from '../cli/bench/against.ts';
import { plantTranslate, plantVdpaReset } from '../scripts/bench-plant.ts';
import { resolution } from '../scripts/bench-resolution.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'negcheck.js');
const tmp = mkdtempSync(join(tmpdir(), 'negcheck-against-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// the commands run here get their own TMPDIR, so their base worktrees are told apart from any
// other run's on this machine
const TMPDIR = mkdtempSync(join(tmp, 'tmpdir-'));
const ENV = { ...process.env, TMPDIR };
const baseWorktrees = (): string[] =>
  spawnSync('git', ['worktree', 'list', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\n').filter(l => l.includes(TMPDIR));

describe('signed-rank test and Hodges-Lehmann interval (hand-computed)', () => {
  it('exact one-sided p: all five negative is 1/32; one positive of rank 1 is 2/32', () => {
    expect(signedRankLess([-1, -2, -3, -4, -5])).toBeCloseTo(1 / 32, 12);
    expect(signedRankLess([1, -2, -3, -4, -5])).toBeCloseTo(2 / 32, 12);
    expect(signedRankLess([1, 2, 3, 4, 5])).toBeCloseTo(1, 12);
  });

  it('n = 16 with only the largest difference positive: W+ = 16, p = 169/65536 (subsets of 1..16 summing to <= 16)', () => {
    expect(signedRankLess([...Array.from({ length: 15 }, (_, i) => -(i + 1)), 16])).toBeCloseTo(169 / 65536, 12);
  });

  it('ties take midranks and the conditional distribution: [-1, -1, 2] gives W+ = 3 of {0,1.5,1.5,3,3,4.5,4.5,6}: p = 5/8', () => {
    expect(signedRankLess([-1, -1, 2])).toBeCloseTo(5 / 8, 12);
  });

  it('zeros are dropped; no non-zero difference gives p = 1', () => {
    expect(signedRankLess([0, -1, -2])).toBeCloseTo(1 / 4, 12);
    expect(signedRankLess([0, 0])).toBe(1);
  });

  it('Hodges-Lehmann: the median Walsh average; 95% CI [W(1), W(21)] for n = 6, [W(4), W(33)] for n = 8', () => {
    // n = 6: P(W+ <= 0) = 1/64 <= 0.025 < P(W+ <= 1) = 2/64, so k = 1: the extremes
    expect(hodgesLehmann([1, 2, 3, 4, 5, 6])).toEqual({ estimate: 3.5, lo: 1, hi: 6 });
    // n = 8: P(W+ <= 3) = 5/256 <= 0.025 < P(W+ <= 4) = 7/256, so k = 4; Walsh averages of 1..8: 1, 1.5, 2, 2, ... 7, 7, 7.5, 8
    expect(hodgesLehmann([8, 1, 7, 2, 6, 3, 5, 4])).toEqual({ estimate: 4.5, lo: 2, hi: 7 });
    // n = 5 cannot reach 95% (the smallest two-sided p is 2/32): an unbounded interval
    const five = hodgesLehmann([1, 2, 3, 4, 5]);
    expect(five.estimate).toBe(3);
    expect([five.lo, five.hi]).toEqual([-Infinity, Infinity]);
  });
});

describe('the decision rule: p < 0.005 and the 95% CI of the change reaching below -threshold', () => {
  const around = (centre: number, spread: number, n = 16): number[] => Array.from({ length: n }, (_, i) => Math.log(1 + centre) + spread * ((i % 4) - 1.5) + i * 1e-6);

  it('a 15% slowdown seen by every process: a regression', () => {
    const v = verdict(around(-0.15, 0.01), 0.1);
    expect(v.p).toBeLessThan(0.001);
    expect(v.change).toBeCloseTo(-0.15, 2);
    expect(v.regression).toBe(true);
  });

  it('a real 4% slowdown whose interval stays inside 10%: supported (p small) but not a regression', () => {
    const v = verdict(around(-0.04, 0.005), 0.1);
    expect(v.p).toBeLessThan(0.001);
    expect(v.lo).toBeGreaterThan(-0.1);
    expect(v.regression).toBe(false);
  });

  it('a large-looking change the test does not support (half the processes faster): not a regression', () => {
    const d = Array.from({ length: 16 }, (_, i) => (i % 2 ? -0.4 : 0.1));
    const v = verdict(d, 0.1);
    expect(v.lo).toBeLessThan(-0.1);
    expect(v.p).toBeGreaterThan(0.005);
    expect(v.regression).toBe(false);
  });

  it('resolution: the smallest shift flagged in 9 of 10 runs of A/A samples', () => {
    const runs = Array.from({ length: 10 }, (_, r) => ({ c: around(0, 0.01 + r * 0.001) }));
    const res = resolution(runs, 'c', 0.1);
    expect(res).not.toBeNull();
    expect(res!).toBeGreaterThan(0.05);
    expect(res!).toBeLessThanOrEqual(0.12);
  });
});

describe('the planted slowdowns still apply to the current sources', () => {
  it('translate and vDPA reset', () => {
    expect(plantTranslate(readFileSync(join(ROOT, 'impl', 'iotlbIndex.ts'), 'utf8'))).toMatch(/PLANTED SLOWDOWN[\s\S]*translateOnce/);
    expect(plantVdpaReset(readFileSync(join(ROOT, 'impl', 'vdpa.ts'), 'utf8'))).toMatch(/PLANTED SLOWDOWN/);
  });
});

describe('the default REF', () => {
  const repo = join(tmp, 'repo');
  const git = (...args: string[]): string => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout.trim();
  };
  it('merge base with main on a branch, HEAD~1 on main, a clear error without main', () => {
    spawnSync('git', ['init', '-q', '-b', 'trunk', repo]);
    git('commit', '-q', '--allow-empty', '-m', 'one');
    expect(() => defaultRef(repo)).toThrow(/no origin\/main or main branch/);
    git('branch', '-m', 'main');
    expect(() => defaultRef(repo)).toThrow(/HEAD is main and has no parent/);
    const one = git('rev-parse', 'HEAD');
    git('commit', '-q', '--allow-empty', '-m', 'two');
    const two = git('rev-parse', 'HEAD');
    expect(defaultRef(repo)).toBe(one);
    git('checkout', '-q', '-b', 'feature');
    git('commit', '-q', '--allow-empty', '-m', 'three');
    expect(defaultRef(repo)).toBe(two);
  });
});

describe('negcheck bench --against', () => {
  it('--help explains it', () => {
    const r = spawnSync(process.execPath, [BIN, 'bench', '--help'], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/--against \[ref\]/);
    expect(r.stdout).toMatch(/signed-rank/);
    expect(r.status).toBe(0);
  });

  it('a bad REF: exit 2 naming it, nothing written, no worktree left', () => {
    const json = join(tmp, 'bad.json');
    const r = spawnSync(process.execPath, [BIN, 'bench', '--against', 'no-such-ref-xyz', '--json', json], { encoding: 'utf8', env: ENV });
    expect(r.stderr).toMatch(/--against no-such-ref-xyz: not a commit, branch or tag/);
    expect(r.status).toBe(2);
    expect(existsSync(json)).toBe(false);
    expect(baseWorktrees()).toEqual([]);
  });

  it('a tiny real run against HEAD completes, writes JSON, summary and chart, and removes its worktree', () => {
    const json = join(tmp, 'run.json');
    const summary = join(tmp, 'summary.md');
    const chart = join(tmp, 'chart.svg');
    writeFileSync(summary, '# earlier\n');
    const r = spawnSync(process.execPath, [BIN, 'bench', '--against', 'HEAD', '--cases', 'translate-hit/impl/1000,negotiate/impl',
      '--processes', '2', '--blocks', '1', '--block-time', '5', '--warmup', '5', '--json', json, '--summary', summary, '--chart', chart], { encoding: 'utf8', env: ENV });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0); // two processes cannot reach p < 0.005
    const res = JSON.parse(readFileSync(json, 'utf8')) as { schema: string; cases: { id: string; logRatios: number[] }[] };
    expect(res.schema).toBe('negcheck-bench-against/1');
    expect(res.cases.map(c => c.id)).toEqual(['negotiate/impl', 'translate-hit/impl/1000']);
    expect(res.cases[0]!.logRatios).toHaveLength(2);
    expect(r.stdout).toMatch(/gated case\s+base ops\/s\s+head ops\/s\s+change\s+95% CI\s+p\s+verdict/);
    expect(readFileSync(summary, 'utf8')).toMatch(/^# earlier\n[\s\S]*\| translate-hit\/impl\/1000 \|/);
    expect(readFileSync(chart, 'utf8')).toMatch(/^<svg[\s\S]*<circle/);
    expect(baseWorktrees()).toEqual([]);
  });

  it('SIGINT while measuring: exit 130 and the worktree is removed', async () => {
    const child = spawn(process.execPath, [BIN, 'bench', '--against', 'HEAD', '--processes', '50', '--cases', 'negotiate/impl', '--json', join(tmp, 'int.json')], { stdio: 'ignore', env: ENV });
    // wait (bounded) until the base worktree exists, then interrupt
    for (let i = 0; i < 200 && baseWorktrees().length === 0; i++) await new Promise(r => setTimeout(r, 50));
    expect(baseWorktrees()).toHaveLength(1);
    child.kill('SIGINT');
    const code = await new Promise<number | null>(r => child.on('exit', c => r(c)));
    expect(code).toBe(130);
    expect(baseWorktrees()).toEqual([]);
    expect(existsSync(join(tmp, 'int.json'))).toBe(false);
  });
});
