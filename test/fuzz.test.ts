// `negcheck fuzz` as a nightly job uses it: bounded runs, reproducible to the bit, counterexamples
// saved and replayable, reports written, interruption losing nothing.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, CLI_ENV, negcheck, ROOT } from './negcheck.ts';
import { fromJsonValue } from '../types/json.ts';

const tmp = mkdtempSync(join(tmpdir(), 'negcheck-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Report {
  schema: string; partial: boolean; interrupted: string | null; seed: number; shard: string; exitCode: number;
  targets: { label: string; runs: number; chunks: number; baseSeed: number; outcome: string; steps: number;
    counterexamples: { chunk: number; seed: number; file: string | null; saved: string; trace: string[] }[] }[];
  coverage: Record<string, Record<string, number>>;
  mustReach: { checked: number; missing: string[]; unchecked: string[] };
}
const report = (text: string): Report => fromJsonValue(JSON.parse(text)) as Report;

/** What must not depend on timing: the runs, their seeds, their outcomes and what they reached. */
const deterministicPart = (r: Report): unknown => ({
  targets: r.targets.map(t => ({ label: t.label, runs: t.runs, chunks: t.chunks, baseSeed: t.baseSeed, outcome: t.outcome, steps: t.steps,
    counterexamples: t.counterexamples.map(c => ({ chunk: c.chunk, seed: c.seed, trace: c.trace })) })),
  coverage: r.coverage,
});

/** A proposal with a bug and no expectations: fuzz must find it, save it, and replay must still fail on it. */
const buggyProposal = join(tmp, 'buggy.ts');
writeFileSync(buggyProposal, `export const proposal = {
  id: 'buggy-vsock', title: 'vsock turns the IOTLB on with ACCESS_PLATFORM', seeds: [], commits: [], fate: 'proposed', history: 'test',
  policy: { kernel: { device: 'vhost-vsock', vsockAccessPlatform: true, iotlbEnable: 'access-platform' } }, expect: {},
};\n`);

describe('negcheck fuzz', () => {
  const base = ['fuzz', '--runs', '600', '--seed', '7', '--no-corpus', '--no-must-reach', '--json', '--property', 'P0', 'I4', 'I6'];

  it('is reproducible: same seed, shard and workers give the same runs and results (and so do other worker counts)', () => {
    const a = negcheck(...base, '--workers', '2');
    const b = negcheck(...base, '--workers', '2');
    const c = negcheck(...base, '--workers', '1');
    expect(a.status, a.stderr).toBe(0);
    const ra = report(a.stdout);
    expect(ra.schema).toBe('negcheck-fuzz-report/1');
    expect(ra.targets.map(t => [t.label, t.runs, t.outcome])).toEqual([['P0', 600, 'holds'], ['I4', 600, 'holds'], ['I6', 600, 'holds']]);
    expect(deterministicPart(report(b.stdout))).toEqual(deterministicPart(ra));
    expect(deterministicPart(report(c.stdout))).toEqual(deterministicPart(ra));
  });

  it('gives each shard disjoint seeds', () => {
    const s1 = report(negcheck(...base, '--workers', '1', '--shard', '1/2').stdout);
    const s2 = report(negcheck(...base, '--workers', '1', '--shard', '2/2').stdout);
    expect(s1.shard).toBe('1/2');
    for (let i = 0; i < s1.targets.length; i++) expect(s1.targets[i]!.baseSeed).not.toBe(s2.targets[i]!.baseSeed);
    expect(deterministicPart(s1)).not.toEqual(deterministicPart(s2));
  });

  it('prints a planted bug\'s first counterexample, then one line counting the rest, not one line each', () => {
    // 2000 runs in chunks of 250: every chunk finds the bug
    const r = negcheck('fuzz', '--proposal', buggyProposal, '--property', 'I2', '--runs', '2000', '--seed', '3', '--workers', '1', '--no-corpus', '--no-must-reach', '--report', join(tmp, 'report-many'));
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout.match(/counterexample for buggy-vsock\/I2/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/^ {2}7 more counterexample\(s\) for buggy-vsock\/I2, \d+ distinct message\(s\) in all/m);
    expect(r.stdout).toMatch(/COUNTEREXAMPLE \(8, \d+ distinct\)/);
    const md = readFileSync(join(tmp, 'report-many', 'summary.md'), 'utf8');
    expect(md.match(/^## buggy-vsock\/I2/gm)).toHaveLength(1);
    expect(md).toMatch(/and 7 more counterexample\(s\)/);
  });

  it('saves a planted bug\'s counterexample once, writes the three reports, and replay reproduces it (exit 1)', () => {
    const corpus = join(tmp, 'corpus-planted');
    const rep = join(tmp, 'report-planted');
    const args = ['fuzz', '--proposal', buggyProposal, '--property', 'I2', '--runs', '300', '--seed', '3', '--workers', '1', '--corpus', corpus, '--no-must-reach'];
    const first = negcheck(...args, '--report', rep);
    expect(first.status, first.stderr).toBe(1);
    expect(first.stdout).toMatch(/COUNTEREXAMPLE/);
    const files = readdirSync(corpus).filter(f => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    // the same run again: replays the corpus first (still failing) and finds nothing new to write
    const again = negcheck(...args);
    expect(again.stdout).toMatch(/NOT as expected/);
    expect(again.stdout).toMatch(/\(duplicate\)/);
    expect(readdirSync(corpus).filter(f => f.endsWith('.json'))).toEqual(files);

    const r = report(readFileSync(join(rep, 'report.json'), 'utf8'));
    expect(r.exitCode).toBe(1);
    expect(r.targets[0]!.counterexamples[0]!.saved).toBe('saved');
    const xml = readFileSync(join(rep, 'junit.xml'), 'utf8');
    expect(xml).toMatch(/<testcase [^>]*name="[^"]*I2 no silent IOTLB enable"/);
    expect(xml).toMatch(/<failure message="[^"]*" type="counterexample">/);
    expect(readFileSync(join(rep, 'summary.md'), 'utf8')).toMatch(/\| buggy-vsock\/I2 \| \d+ \| .*\*\*counterexample\*\*/);

    const replayed = negcheck('replay', join(corpus, files[0]!));
    expect(replayed.stdout).toMatch(/I2 breaks here/);
    expect(replayed.stdout).toMatch(/STILL FAILS/);
    expect(replayed.status).toBe(1);
  });

  it('fails the run when a must-reach transition is never reached', () => {
    const list = join(tmp, 'must-reach.txt');
    writeFileSync(list, '# test\nI6 translate hit\nI6 a transition nobody makes\nP0 ignored: P0 does not run\n');
    const r = negcheck('fuzz', '--runs', '300', '--seed', '1', '--workers', '1', '--no-corpus', '--property', 'I6', '--must-reach', list,
      '--must-reach-min-runs', '300');
    expect(r.stdout).toMatch(/must-reach: NOT reached: I6 a transition nobody makes/);
    expect(r.status).toBe(1);
  });

  it('does not judge must-reach for a property that ran fewer runs than the minimum (a short run is not a blind generator)', () => {
    const list = join(tmp, 'must-reach-short.txt');
    writeFileSync(list, 'I6 a transition nobody makes\n');
    const r = negcheck('fuzz', '--runs', '300', '--seed', '1', '--workers', '1', '--no-corpus', '--property', 'I6', '--must-reach', list, '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(report(r.stdout).mustReach).toEqual({ checked: 0, missing: [], unchecked: ['I6'] });
  });

  it.each([
    [['--shard', '3/2'], /--shard must be i\/n/],
    [['--workers', '0'], /--workers must be an integer >= 1/],
    [['--property', 'R'], /R judges a proposal/],
    [['--proposal', 'no-such'], /unknown proposal "no-such"/],
  ])('%j is a usage error (exit 2)', (args, message) => {
    const r = negcheck('fuzz', '--runs', '10', ...args);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
  });

  it('names the corrupt corpus file and field (exit 2)', () => {
    const corpus = join(tmp, 'corpus-corrupt');
    mkdirSync(corpus);
    writeFileSync(join(corpus, 'bad.json'), JSON.stringify({ format: 'negcheck-counterexample/1', property: 'I5', title: 't', seed: 1, expect: 'maybe' }));
    const r = negcheck('fuzz', '--runs', '10', '--property', 'I5', '--corpus', corpus);
    expect(r.stderr).toMatch(/bad\.json\.expect/);
    expect(r.status).toBe(2);
  });

  it('on SIGINT keeps the counterexamples found so far, writes a partial report and exits 130', async () => {
    const corpus = join(tmp, 'corpus-sigint');
    const rep = join(tmp, 'report-sigint');
    const child = spawn(process.execPath, [BIN, 'fuzz', '--proposal', buggyProposal, '--property', 'I2', '--time', '90s', '--seed', '5',
      '--workers', '1', '--corpus', corpus, '--report', rep], { cwd: ROOT, env: CLI_ENV, stdio: 'ignore' });
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
    const t0 = Date.now();
    while (!(existsSync(corpus) && readdirSync(corpus).some(f => f.endsWith('.json'))) && Date.now() - t0 < 60_000) {
      await new Promise(r => setTimeout(r, 100));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(readdirSync(corpus).filter(f => f.endsWith('.json')).length).toBeGreaterThan(0);
    const r = report(readFileSync(join(rep, 'report.json'), 'utf8'));
    expect(r.partial).toBe(true);
    expect(r.interrupted).toBe('SIGINT');
    expect(r.targets[0]!.counterexamples.length).toBeGreaterThan(0);
  });
});
