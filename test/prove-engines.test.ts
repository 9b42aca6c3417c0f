// `prove` with both engines: the sampled verdict (fast-check) and the exhaustive one (explore over
// the property's finite scope with the proposal pinned), and what counts as a disagreement.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { negcheck } from './negcheck.ts';
import { enginesDisagree, exhaustiveVerdict } from '../proposals/exhaustive.ts';
import { proposalById } from '../proposals/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'negcheck-prove-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const prove = (...args: string[]) => negcheck('prove', ...args, '--out', tmp);

describe('prove with both engines', () => {
  it('shows the exhaustive verdict beside the sampled one', () => {
    const bad = prove('vdpa-jason-pseudocode', '--depth', '3');
    expect(bad.stdout).toMatch(/I4 .* violated \(after \d+ runs.*\) · VIOLATED · exhaustive at depth 2 \(every trace of ≤ 1 ops over the scope's \d+ ops × \d+ profiles holds; \d+ states\) — as expected/);
    expect(bad.stdout).toMatch(/R .* violated .* · VIOLATED · exhaustive at depth \d \(every trace of ≤ \d ops .* holds; \d+ states\) — as expected/);
    expect(bad.status).toBe(1);
    const good = prove('vdpa-compat-reset', '--depth', '3');
    expect(good.stdout).toMatch(/I4 .* holds \(3000 runs.*\) · holds · exhaustive: every trace of ≤ 3 ops over the scope's \d+ ops × \d+ profiles \(\d+ states\) — as expected/);
    expect(good.status, good.stderr).toBe(0);
    expect(prove('vdpa-compat-reset', '--no-explore').stdout).not.toMatch(/exhaustive/);
  });

  it('a bound that ends the search early is no verdict, and no disagreement', () => {
    const v = exhaustiveVerdict(proposalById('size0-invalidate-whole-space')!, 'I6', { depth: 6, timeMs: 0 });
    expect(v).toMatchObject({ found: 'bound reached', depth: 0 });
    expect(enginesDisagree('holds', v)).toBe(false);
    expect(enginesDisagree('violated', v)).toBe(false);
  });

  it('a violation one engine finds and the other, within its bound, does not is a disagreement', () => {
    const coverage = { maxOps: 6, ops: 3, profiles: 2, complete: false, reductions: [] };
    expect(enginesDisagree('holds', { found: 'violated', depth: 2, states: 10, coverage, message: 'x' })).toBe(true);
    expect(enginesDisagree('violated', { found: 'holds', depth: 6, states: 10, coverage, complete: false })).toBe(true);
    expect(enginesDisagree('violated', { found: 'violated', depth: 2, states: 10, coverage, message: 'x' })).toBe(false);
    expect(enginesDisagree('holds', { found: 'not explorable' })).toBe(false);
  });
});
