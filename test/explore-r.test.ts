// R explored: the pair of model stacks (baseline and proposal profile) under old userspace, over
// each catalogue proposal's R scope. The verdicts the catalogue expects, and each counterexample
// confirmed by R's own check (model and implementation, the script rewritten by the check itself).

import { describe, expect, it } from 'vitest';
import { negcheck } from './negcheck.ts';
import { explore } from '../explore/engine.ts';
import { exploreEntry, scopeFor, scopeForProposal } from '../properties/index.ts';
import type { RScope } from '../properties/r-no-regression.explore.ts';
import { stackSubject } from '../harness/subject.ts';
import { CATALOGUE } from '../proposals/index.ts';
import { exhaustiveVerdict } from '../proposals/exhaustive.ts';
import { propertyFor } from '../proposals/prove.ts';
import { applyPolicy } from '../types/profile.ts';

const rows = CATALOGUE.filter(p => p.expect.R !== undefined).map(p => [p.id, p] as const);

/** Expected R violations explore does not find within its bound: none today (name one here, with why, rather than weaken the check). */
const NOT_FOUND_WITHIN_BOUND: ReadonlySet<string> = new Set();

describe('explore R over each catalogue proposal\'s R scope (depth 6)', () => {
  it('has a scope only for a proposal with a baseline', () => {
    expect(() => scopeFor('R')).toThrow(/proposal/);
    const noBaseline = CATALOGUE.find(p => p.baseline === undefined)!;
    expect(() => scopeForProposal(noBaseline, 'R')).toThrow(/baseline/);
  });

  it.each(rows)('%s: the catalogue\'s verdict, and a counterexample R\'s own check confirms', (_id, p) => {
    const expected = p.expect.R!.verdict;
    const scope = scopeForProposal(p, 'R') as RScope;
    expect(scope.depth).toBe(6);
    // each initial state is a pair of the proposal's baseline and policy pinned onto an old-userspace profile
    scope.pairs.forEach((pair, i) => {
      expect(scope.profiles[i]).toBe(pair.profile);
      expect(pair.baseline).toEqual(applyPolicy(pair.profile, p.baseline!));
      expect(pair.proposal).toEqual(applyPolicy(pair.profile, p.policy));
      if (p.oldVmms) expect(p.oldVmms).toContainEqual(pair.profile.vmm);
    });
    const t0 = Date.now();
    const r = explore(exploreEntry('R').explorable(scope, null as never), { maxDepth: scope.depth });
    const found = r.outcome === 'violated' ? 'violated' : 'holds';
    const detail = r.outcome === 'violated' ? r.counterexample.message : `${r.outcome}, depth ${r.depthCompleted}`;
    console.log(`${p.id} R: ${scope.pairs.length} pairs × ${scope.alphabet.length} ops, ${r.distinct} states, ${Date.now() - t0} ms: ${detail}`);
    expect(r.outcome).not.toBe('bound reached');
    if (expected === 'violated' && found === 'holds' && NOT_FOUND_WITHIN_BOUND.has(p.id)) return;
    expect(found, `${detail}\n${scope.describe()}`).toBe(expected);
    if (r.outcome !== 'violated') return;
    const { init, ops, message } = r.counterexample;
    const v = propertyFor(p, 'R').def.check(stackSubject, scope.profiles[init]!, exploreEntry('R').script(scope, ops));
    expect(v, message).not.toBeNull();
    // the model breaks first, so R's own check gives explore's message
    expect(v!.message).toBe(message);
  });

  it('prove shows the exhaustive R verdict beside fast-check\'s', () => {
    const p = CATALOGUE.find(x => x.id === 'size0-reject-all')!;
    expect(exhaustiveVerdict(p, 'R', { depth: 4 })).toMatchObject({ found: 'violated', depth: 1 });
  });
});

describe('negcheck explore and R', () => {

  it('--property R without --proposal is a usage error', () => {
    const r = negcheck('explore', '--property', 'R', '--depth', '1');
    expect(r.status).toBe(2);
    expect(r.stderr + r.stdout).toMatch(/R is explored with --proposal/);
  });

  it('--proposal explores R too', () => {
    const r = negcheck('explore', '--proposal', 'vdpa-compat-reset', '--property', 'R', '--depth', '3', '--describe');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^vdpa-compat-reset\/R\nR scope/m);
  });
});
