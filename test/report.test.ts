// `negcheck report` without a browser: what it reads, what it refuses (naming the file and field,
// writing nothing), what a section says when its input is absent, and what turns the page red.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputs } from '../report/inputs/index.ts';
import { buildPage } from '../report/page.ts';
import { negcheck } from './negcheck.ts';
import type { ProveReport } from '../cli/prove.ts';
import { AGAINST, HISTORY, KERNEL, STRYKER } from './report-inputs.ts';

let dir: string;
const fuzzDir = (): string => join(dir, 'fuzz');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'negcheck-report-unit-'));
  const r = negcheck('fuzz', '--runs', '30', '--property', 'I3', 'I5', '--seed', '5', '--no-corpus', '--no-must-reach', '--workers', '1', '--report', fuzzDir());
  if (r.status !== 0) throw new Error(`fuzz exited ${r.status}: ${r.stderr}`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const page = (dirs: string[]) => buildPage(readInputs(dirs), { generatedAt: 'now', mustReach: [] });

describe('negcheck report', () => {
  it('--help names every input it reads and the exit status', () => {
    const r = negcheck('report', '--help');
    expect(r.status).toBe(0);
    for (const w of ['fuzz --report', 'explore --report', 'prove --json', 'kernel --json', 'bench --against', 'Stryker', 'Exit status']) expect(r.stdout).toContain(w);
  });

  it('a page from a fuzz report alone: its sections green, every other section says its input is absent', async () => {
    const p = await page([fuzzDir()]);
    expect(p.verdict.tone).toBe('green');
    const absent = p.sections.filter(s => !s.present).map(s => s.id);
    expect(absent).toEqual(['explore', 'catalogue', 'kernels', 'bench', 'mutation', 'jobs']);
    for (const s of p.sections.filter(x => !x.present)) expect(s.html).toMatch(/class="absent">No .* in the inputs: <code>/);
    expect(p.html).toContain('I5');
  });

  it('a kernel finding, a bench regression and a surprising catalogue verdict each turn the page red, and the line says why', async () => {
    const d = join(dir, 'red');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'kernel.json'), JSON.stringify(KERNEL));
    writeFileSync(join(d, 'gate.json'), JSON.stringify({ ...AGAINST, cases: AGAINST.cases.map((c, i) => (i === 0 ? { ...c, change: -0.3, lo: -0.35, hi: -0.25, p: 0.0001, regression: true } : c)) }));
    writeFileSync(join(d, 'history.jsonl'), HISTORY);
    const row = { property: 'I2', expected: 'violated', found: 'holds', runs: 10, timeMs: 1, exhaustive: 'holds', message: null, trace: null, file: null, surprise: true, disagree: false };
    const prove: ProveReport = {
      schema: 'negcheck-prove-report/1', seed: 1, exitCode: 1,
      proposals: [{ id: 'p', title: 't', fate: 'rejected', rows: [row, { ...row, property: 'I4', expected: null, exhaustive: 'violated', surprise: false, disagree: true }] }],
    };
    writeFileSync(join(d, 'prove.json'), JSON.stringify(prove));
    writeFileSync(join(d, 'nightly-jobs.json'), JSON.stringify({ schema: 'negcheck-nightly-jobs/1', jobs: { fuzz: { result: 'success' }, prove: { result: 'failure' }, kernel: { result: 'skipped' } } }));
    const p = await page([d]);
    expect(p.verdict.tone).toBe('red');
    expect(p.verdict.line).toContain('kernels: 1 finding');
    expect(p.verdict.line).toContain('bench: the gate found 1 regression (translate-hit/impl/1000)');
    expect(p.verdict.line).toContain('catalogue: 2 verdicts not as expected (p I2, p I4)');
    expect(p.verdict.line).toContain('jobs: prove failure');
    expect(p.html).toContain('holds / VIOLATED <em>≠</em>');
    expect(p.html).toContain('holds / holds <em>(expected violated)</em>');
  });

  it('a gate interval left open (JSON null for ±∞) reads as ±∞', async () => {
    const d = join(dir, 'open');
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'gate.json'), JSON.stringify({ ...AGAINST, cases: AGAINST.cases.map(c => ({ ...c, lo: -Infinity, hi: Infinity })) }));
    const p = await page([d]);
    expect(p.sections.find(s => s.id === 'bench')!.html).toContain('−∞ … +∞');
  });

  it('a Stryker report with a broken mutant is refused naming the field', () => {
    const d = join(dir, 'stryker');
    mkdirSync(d, { recursive: true });
    const broken = { ...STRYKER, files: { 'impl/x.ts': { ...STRYKER.files['impl/x.ts'], mutants: [{ id: '1', mutatorName: 'X', status: 'Killed' }] } } };
    writeFileSync(join(d, 'impl.json'), JSON.stringify(broken));
    const r = negcheck('report', '--in', d, '--out', join(dir, 'stryker-site'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('files.impl/x.ts.mutants[0].location: expected an object');
  });

  it('a result file that is not well formed is refused naming the file and the field, and the old page stays whole', () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad, { recursive: true });
    const good = JSON.parse(readFileSync(join(fuzzDir(), 'report.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(bad, 'report.json'), JSON.stringify({ ...good, targets: [{ ...(good['targets'] as object[])[0], runs: 'many' }] }));
    const out = join(dir, 'site');
    expect(negcheck('report', '--in', fuzzDir(), '--out', out).status).toBe(0);
    const before = readFileSync(join(out, 'index.html'), 'utf8');
    const r = negcheck('report', '--in', bad, '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${join(bad, 'report.json')}: targets[0].runs: expected a number, got "many"`);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toBe(before);
  });

  it('text from the inputs is escaped: a title cannot add markup to the page', async () => {
    const d = join(dir, 'markup');
    mkdirSync(d, { recursive: true });
    const rep = JSON.parse(readFileSync(join(fuzzDir(), 'report.json'), 'utf8')) as { targets: { title: string; label: string }[] };
    rep.targets[0]!.title = '<img src=x onerror=alert(1)>';
    rep.targets[0]!.label = 'I3"><script>alert(2)</script>';
    writeFileSync(join(d, 'report.json'), JSON.stringify(rep));
    const p = await page([d]);
    expect(p.html).not.toContain('<img src=x');
    expect(p.html).not.toContain('<script>alert');
    expect(p.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('a folder that is not there, or one with no results, is an input error and writes nothing', () => {
    const out = join(dir, 'nothing');
    const r = negcheck('report', '--in', join(dir, 'no-such'), '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no-such: no such file or directory');
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, 'other.json'), '{"hello": 1}');
    const e = negcheck('report', '--in', empty, '--out', out);
    expect(e.status).toBe(2);
    expect(e.stderr).toContain('no negcheck results in');
    expect(existsSync(out)).toBe(false);
  });
});
