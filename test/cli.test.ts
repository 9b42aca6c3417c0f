// The command line as a user meets it: help, usage errors on exit 2, a short fuzz run, replay.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { negcheck, ROOT } from './negcheck.ts';

const tmp = mkdtempSync(join(tmpdir(), 'negcheck-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('negcheck command line', () => {
  it.each([[], ['fuzz'], ['replay']])('--help %j', (...cmd) => {
    const r = negcheck(...cmd, '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: negcheck/);
  });

  it.each([
    [['fuzz', '--time', 'soon'], /not a duration: "soon"/],
    [['fuzz', '--time', '0s'], /duration must be positive/],
    [['fuzz', '--runs', 'many'], /--runs must be an integer/],
    [['fuzz', '--property', 'I9'], /unknown property "I9"/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['replay', join(tmp, 'nope.json')], /no such file or directory/],
  ])('%j is a usage error (exit 2)', (args, message) => {
    const r = negcheck(...args);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
  });

  it('replay names the file and field of a corrupt entry (exit 2)', () => {
    const file = join(tmp, 'bad.json');
    writeFileSync(file, JSON.stringify({ format: 'negcheck-counterexample/1', property: 'I2' }));
    const r = negcheck('replay', file);
    expect(r.stderr).toContain(file);
    expect(r.status).toBe(2);
  });

  it('replays the corpus: every entry as expected (exit 0)', () => {
    const r = negcheck('replay', join(ROOT, 'corpus'));
    expect(r.stdout).toMatch(/=> as expected/);
    expect(r.stdout).not.toMatch(/STILL FAILS|NO LONGER FAILS/);
    expect(r.status).toBe(0);
  });
});

describe('negcheck prove', () => {
  it('proves a catalogue proposal: violated, with the trace and the saved counterexample (exit 1)', () => {
    const out = join(tmp, 'prove');
    const r = negcheck('prove', 'vsock-e13a6915a03f', '--runs', '500', '--out', out);
    expect(r.stdout).toMatch(/I2 +no silent IOTLB enable +violated/);
    expect(r.stdout).toMatch(/VHOST_SET_FEATURES 0x2_0000_0000/);
    expect(r.stdout).toContain(join(out, 'vsock-e13a6915a03f.I2.json'));
    expect(r.status).toBe(1);
    const replayed = negcheck('replay', join(out, 'vsock-e13a6915a03f.R.json'));
    expect(replayed.stdout).toMatch(/R breaks here/);
  });

  it('proves a proposal written outside the repository (exit 0 when everything holds)', () => {
    const file = join(tmp, 'my-proposal.ts');
    writeFileSync(file, `export const proposal = {
      id: 'my-vsock-fix', title: 'vsock with the IOTLB behind a separate bit', seeds: [], commits: [], fate: 'proposed',
      history: 'a worked example', policy: { kernel: { device: 'vhost-vsock', vsockAccessPlatform: true, iotlbEnable: 'separate-bit' } },
      expect: { I2: { verdict: 'holds', reason: 'no old VMM sets the new bit' } },
    };\n`);
    const r = negcheck('prove', file, '--runs', '200');
    expect(r.stdout).toMatch(/I2 +no silent IOTLB enable +holds \(200 runs/);
    expect(r.status).toBe(0);
  });

  it.each([
    [['prove', 'no-such-proposal'], /unknown proposal "no-such-proposal"/],
    [['prove'], /which proposal\?/],
    [['prove', 'MISSING.ts'], /MISSING.ts: does not load/],
  ])('%j is bad input (exit 2)', (args, message) => {
    const r = negcheck(...args);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
  });

  it('rejects a file that exports no valid proposal, naming the field (exit 2)', () => {
    const file = join(tmp, 'bad-proposal.ts');
    writeFileSync(file, `export const proposal = { id: 'Bad Id', title: 't', seeds: [], commits: [], policy: { kernal: {} }, expect: { I9: {} } };\n`);
    const r = negcheck('prove', file);
    expect(r.stderr).toMatch(/id: a kebab-case string/);
    expect(r.stderr).toMatch(/policy.kernal: unknown party/);
    expect(r.stderr).toMatch(/expect.I9: unknown property/);
    expect(r.status).toBe(2);
  });
});
