// Proposals as code: named rules in force on a proposal's side. Catalogue entries re-written as
// rule overrides (with the policy field they replace set to another value, so only the rule can
// give the behaviour) get the verdicts of their policy-value versions with traces of the same
// length; bad rules are usage errors naming the rule; a rule that throws is an error of the proposal.

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { proposalById } from '../proposals/index.ts';
import { withRulesInPolicy, type Proposal } from '../proposals/proposal.ts';
import { proveProposal } from '../proposals/prove.ts';
import { exhaustiveVerdict } from '../proposals/exhaustive.ts';
import type { PolicyPatch } from '../types/profile.ts';
import { RULE_NAMES, type RuleOverrides } from '../types/rules.ts';
import * as U from '../types/uapi.ts';
import { negcheck } from './negcheck.ts';

const tmp = mkdtempSync(join(tmpdir(), 'negcheck-rules-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const has = (w: bigint, b: number): boolean => (w & (1n << BigInt(b))) !== 0n;
const SPLIT = 1n << BigInt(U.VHOST_F_IOTLB_SPLIT);
/** mlx5_vdpa and vdpa_sim (set_map or dma_map): the parents with compat_reset */
const vendorParent = (parent: string): boolean => parent === 'vendor-clears' || parent === 'vendor-dma-map';

/** Each entry's behaviour as hand-written rules, and its policy field set to a value that behaves otherwise. */
const REWRITES: readonly { id: string; policy: (p: PolicyPatch) => PolicyPatch; rules: RuleOverrides }[] = [
  { id: 'size0-unchecked', policy: p => ({ ...p, kernel: { ...p.kernel, sizeZero: 'reject-all' } }), rules: { sizeZeroRefused: () => false } },
  { id: 'size0-reject-all', policy: p => ({ ...p, kernel: { ...p.kernel, sizeZero: 'accept-all' } }), rules: { sizeZeroRefused: () => true } },
  {
    id: 'size0-exempt-batch', policy: p => ({ ...p, kernel: { ...p.kernel, sizeZero: 'accept-all' } }),
    rules: { sizeZeroRefused: t => t === U.VHOST_IOTLB_UPDATE || t === U.VHOST_IOTLB_INVALIDATE },
  },
  {
    id: 'vdpa-jason-pseudocode', policy: p => ({ ...p, kernel: { ...p.kernel, vdpaReset: 'unconditional-persist' } }),
    // the parents with a reset_map op (VDUSE and the platform IOMMU have none)
    rules: { vdpaResetMaps: (parent, persist) => (parent !== 'platform-iommu' && parent !== 'vduse' && !persist ? 'clear' : 'keep') },
  },
  { id: 'vdpa-unconditional-persist', policy: p => ({ ...p, kernel: { ...p.kernel, vdpaReset: 'compat-reset' } }), rules: { vdpaResetMaps: () => 'keep' } },
  {
    id: 'vdpa-compat-reset', policy: p => ({ ...p, kernel: { ...p.kernel, vdpaReset: 'unconditional-persist' } }),
    // mlx5_vdpa and vdpa_sim (either map op) have compat_reset
    rules: { vdpaResetMaps: (parent, persist) => (vendorParent(parent) && !persist ? 'clear' : 'keep') },
  },
  {
    id: 'vdpa-persist-without-compat-reset', policy: p => ({ ...p, kernel: { ...p.kernel, vdpaReset: 'compat-reset' } }),
    rules: { vdpaResetMaps: parent => (vendorParent(parent) ? 'clear' : 'keep') },
  },
  {
    id: 'net-iotlb-after-msg-v2-ack', policy: p => ({ ...p, kernel: { ...p.kernel, iotlbEnable: 'access-platform' } }),
    rules: { iotlbEnable: (f, backend) => has(f, U.VIRTIO_F_ACCESS_PLATFORM) && has(backend, U.VHOST_BACKEND_F_IOTLB_MSG_V2) },
  },
  {
    id: 'net-linus-split', policy: p => ({ ...p, kernel: { ...p.kernel, iotlbEnable: 'access-platform' } }),
    rules: { iotlbEnable: f => (f & SPLIT) !== 0n, deviceFeatures: (_d, word) => word | SPLIT },
  },
  {
    id: 'vsock-crosvm-masks-access-platform', policy: p => ({ ...p, vmm: { ...p.vmm, features: 'intersect' } }),
    rules: { vmmFeatures: (g, h) => g & h & ~(1n << BigInt(U.VIRTIO_F_ACCESS_PLATFORM)) },
  },
  { id: 'hwinfo-vmm-forwards-raw', policy: p => ({ ...p, vmm: { ...p.vmm, idr: 'mask-baseline' } }), rules: { vmmIdr: r => [...r] } },
  {
    id: 'probe-validate-before-write', policy: p => ({ ...p, guest: { ...p.guest, probeFlow: 'ack-before-access' } }),
    rules: { probeSteps: () => ['negotiate', 'validate', 'write'] },
  },
];

describe('catalogue entries re-written as rule overrides', () => {
  for (const r of REWRITES) {
    it(`${r.id}: the same verdicts (fast-check and explore) with traces of the same length`, () => {
      const original = proposalById(r.id)!;
      const rewritten: Proposal = withRulesInPolicy({ ...original, policy: r.policy(original.policy), rules: r.rules });
      const opts = { seed: 20221805, runs: 1000 };
      const a = proveProposal(original, opts);
      const b = proveProposal(rewritten, opts);
      expect(b.map(x => x.property)).toEqual(a.map(x => x.property));
      expect(b.map(x => [x.property, x.found, x.entry?.ops.length])).toEqual(a.map(x => [x.property, x.found, x.entry?.ops.length]));
      for (const row of a) {
        if (row.property === 'R' && row.found === 'holds') continue; // R's scope is the same pair of I-scopes either way
        const ea = exhaustiveVerdict(original, row.property, { depth: 4 });
        const eb = exhaustiveVerdict(rewritten, row.property, { depth: 4 });
        expect(eb.found).toBe(ea.found);
        if (ea.found === 'violated' && eb.found === 'violated') expect(eb.depth).toBe(ea.depth);
      }
    });
  }

  it('the rewrites cover at least eight entries and both verdicts', () => {
    expect(REWRITES.length).toBeGreaterThanOrEqual(8);
    const verdicts = new Set(REWRITES.flatMap(r => Object.values(proposalById(r.id)!.expect).map(e => e.verdict)));
    expect(verdicts).toEqual(new Set(['holds', 'violated']));
  });

  it('without its rule, a rewrite is the other policy value: the rule is what gives the verdict', () => {
    const original = proposalById('size0-unchecked')!;
    const other: Proposal = { ...original, policy: REWRITES[0]!.policy(original.policy) };
    expect(proveProposal(other, { seed: 20221805, runs: 1000 }).find(r => r.property === 'I6')!.found).toBe('holds');
    expect(proveProposal(original, { seed: 20221805, runs: 1000 }).find(r => r.property === 'I6')!.found).toBe('violated');
  });
});

function proposalFile(name: string, body: string): string {
  const file = join(tmp, `${name}.ts`);
  writeFileSync(file, `export const proposal = {
  id: '${name}', title: 'a test proposal', seeds: [], commits: [], fate: 'proposed', history: 'test',
  policy: { kernel: { sizeZero: 'reject-update' } },
  ${body}
  expect: {},
};\n`);
  return file;
}

describe('a proposal file with rules', () => {
  it('a misspelt rule name exits 2 naming it, with the nearest rule', () => {
    const r = negcheck('prove', proposalFile('misspelt', 'rules: { invalidatRange: () => null },'), '--no-explore', '--runs', '10');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/rules\.invalidatRange: unknown rule, did you mean invalidateRange\?/);
  });

  it('too many parameters, or a wrong return type, exit 2 naming the rule and its signature', () => {
    const arity = negcheck('prove', proposalFile('arity', 'rules: { sizeZeroRefused: (type: number, extra: number) => type === extra },'), '--no-explore');
    expect(arity.status).toBe(2);
    expect(arity.stderr).toMatch(/rules\.sizeZeroRefused: takes 2 arguments, the rule passes 1: \(type: number\) => boolean/);
    const type = negcheck('prove', proposalFile('returns', "rules: { vdpaResetMaps: () => 'drop' },"), '--no-explore');
    expect(type.status).toBe(2);
    expect(type.stderr).toMatch(/rules\.vdpaResetMaps: returned 'drop' for \('platform-iommu', false\); expected 'keep' or 'clear'/);
  });

  it('a rule that throws is an error of the proposal (exit 2) with its message and the trace, not a violation', () => {
    const file = proposalFile('throws', "rules: { sizeZeroRefused: (type: number) => { if (type === 3) throw new Error('not decided yet'); return type === 2; } },");
    const r = negcheck('prove', file, '--no-explore', '--out', join(tmp, 'throws-out'));
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).not.toMatch(/violated/);
    expect(r.stderr).toMatch(/error in the proposal .*: its rule sizeZeroRefused\(3\) threw: not decided yet/);
    // the trace ends with the op whose rule threw (type 3: an INVALIDATE of size 0)
    expect(r.stderr).toMatch(/INVALIDATE iova=\S+ size=0x0 .*-> the rule sizeZeroRefused failed here/);
  });

  it('the README example: prove rejects "a size-0 INVALIDATE invalidates nothing" with the shortest trace, and replay agrees', () => {
    const out = join(tmp, 'size0-out');
    const r = negcheck('prove', 'docs/examples/size0-invalidate-nothing.ts', '--out', out);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/its own rules: invalidateRange/);
    expect(r.stdout).toMatch(/I6 +IOTLB semantics +violated \(after \d+ runs, .* · VIOLATED · exhaustive at depth 3/);
    expect(r.stdout).toMatch(/R +no regression for old userspace +violated \(after \d+ runs, .* · VIOLATED · exhaustive at depth 3/);
    expect(r.stdout).not.toMatch(/ENGINES DISAGREE/);
    const files = readdirSync(out).filter(f => f.endsWith('.json'));
    expect(files.sort()).toEqual(['size0-invalidate-nothing.I6.json', 'size0-invalidate-nothing.R.json']);
    const replay = negcheck('replay', out);
    expect(replay.stdout).toMatch(/model \(the proposal's rules\)/);
    expect(replay.stdout.match(/=> as expected/g)).toHaveLength(2);
    expect(replay.status).toBe(0);
  });

  it('fuzz (worker threads) and explore judge the same rules file', () => {
    const fuzz = negcheck('fuzz', '--proposal', 'docs/examples/size0-invalidate-nothing.ts', '--time', '2s', '--workers', '2', '--no-corpus', '--no-must-reach', '--report', join(tmp, 'fuzz-report'));
    expect(fuzz.status, fuzz.stderr).toBe(1);
    expect(fuzz.stdout).not.toMatch(/^error in/m);
    expect(fuzz.stdout).toMatch(/size0-invalidate-nothing\/R: \[model\] old userspace/);
    const explore = negcheck('explore', '--proposal', 'docs/examples/size0-invalidate-nothing.ts', '--out', join(tmp, 'explore-out'));
    expect(explore.status).toBe(1);
    expect(explore.stdout).toMatch(/size0-invalidate-nothing\/I6 .* VIOLATED at depth 3/);
    expect(explore.stdout).toMatch(/size0-invalidate-nothing\/R .* VIOLATED at depth 3/);
    expect(explore.stdout).not.toMatch(/does not violate/);
  });

  it('prove --rules lists every rule with its signature and source', () => {
    const r = negcheck('prove', '--rules');
    expect(r.status).toBe(0);
    for (const name of RULE_NAMES) expect(r.stdout).toMatch(new RegExp(`^${name} \\(`, 'm'));
    expect(r.stdout).toMatch(/vhost_chr_write_iter/);
  });
});
