// `negcheck prove --patch FILE.diff` (issue 27): a patch to the model judged by every invariant on the
// patched model (a violation counts where the model at HEAD keeps the law) and by R against the
// model at HEAD, under both engines; the counterexample carries the diff and replays.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEntry } from '../harness/corpus.ts';
import { patchProposal } from '../proposals/load.ts';
import { exhaustiveVerdict } from '../proposals/exhaustive.ts';
import { applicableProperties, propertyFor, proveProperty } from '../proposals/prove.ts';
import { runProperty } from '../harness/run.ts';
import { PROPERTY_IDS } from '../properties/index.ts';
import { negcheck, ROOT } from './negcheck.ts';
import { modelDiff } from './diffs.ts';

const tmp = mkdtempSync(join(tmpdir(), 'negcheck-prove-patch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const BAD = 'docs/examples/update-ending-at-2-64.diff';
const SAFE = 'docs/examples/update-wrap-check.diff';

/** A diff of model/vhost.ts with `from` replaced by `to`. */
const vhostDiff = (name: string, from: string, to: string): string => modelDiff(tmp, 'model/vhost.ts', from, to, name);

describe('prove --patch', () => {
  it('the 2^64 example: R violated, the shortest trace printed side by side, the entry carries the diff and replays', () => {
    const out = join(tmp, 'bad');
    const r = negcheck('prove', '--patch', BAD, '--no-explore', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^update-ending-at-2-64: vhost: refuse an UPDATE whose iova range wraps past 2\^64 early$/m);
    expect(r.stdout).toMatch(/^ {2}R {3}no regression for old userspace +violated \(after \d+ runs, seed -?\d+, [\d.]+m?s, 2 ops\)/m);
    // every invariant judged the patch, and held
    for (const id of PROPERTY_IDS.filter(i => i !== 'R')) expect(r.stdout).toMatch(new RegExp(`^ {2}${id} .* holds \\(3000 runs`, 'm'));
    expect(r.stdout).toMatch(/old userspace +baseline \| patched/);
    expect(r.stdout).toMatch(/UPDATE iova=0x[0-9a-f_]+ size=0x[0-9a-f_]+ .*-> 72 on the baseline, -EFAULT on the proposal/);
    expect(r.stdout).toMatch(/ 72 \| -EFAULT {3}<-- breaks here/);
    expect(readdirSync(out)).toEqual(['update-ending-at-2-64.R.json']);
    const entry = readEntry(join(out, 'update-ending-at-2-64.R.json'));
    expect(entry.patch).toBe(readFileSync(join(ROOT, BAD), 'utf8'));
    // the UPDATE that breaks ends exactly at 2^64
    const update = entry.ops.at(-1)!;
    expect(update.kind === 'IOTLB_WRITE' && update.msg.iova + update.msg.size).toBe(1n << 64n);
    const replay = negcheck('replay', join(out, 'update-ending-at-2-64.R.json'));
    expect(replay.status).toBe(0);
    expect(replay.stdout).toContain('the patch it carries (applied to the model at HEAD): model/vhost.ts');
    expect(replay.stdout).toMatch(/patched: -EFAULT {3}<-- R breaks here/);
    expect(replay.stdout).toContain('=> as expected');
  }, 120_000);

  it('the exhaustive engine finds it too, at depth 2, and holds at depth 2 for the model at HEAD\'s own fix', async () => {
    const bad = await patchProposal(join(ROOT, BAD));
    expect(applicableProperties(bad)).toEqual([...PROPERTY_IDS]);
    expect(exhaustiveVerdict(bad, 'R', { depth: 3 })).toMatchObject({ found: 'violated', depth: 2 });
    const safe = await patchProposal(join(ROOT, SAFE));
    expect(exhaustiveVerdict(safe, 'R', { depth: 2 })).toMatchObject({ found: 'holds' });
  }, 120_000);

  it('the safe patch holds under every property (exit 0)', () => {
    const r = negcheck('prove', '--patch', SAFE, '--no-explore', '--out', join(tmp, 'safe'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.match(/ holds \(3000 runs/g)).toHaveLength(PROPERTY_IDS.length);
  }, 120_000);

  it('an invariant the patch breaks is found on the patched model, by both engines; one HEAD already breaks is not blamed on it', async () => {
    // INVALIDATE frees nothing: I6's table law (QEMU's unmap must take effect)
    const planted = await patchProposal(vhostDiff('invalidate-nothing',
      '      if (range !== null) iotlbDelRange(s.iotlb, range[0], range[1]);', '      if (range !== null && range[0] > range[1]) iotlbDelRange(s.iotlb, range[0], range[1]);'));
    const row = proveProperty(planted, 'I6', { seed: 1, runs: 3000, exhaustive: { depth: 4, timeMs: 60_000 } });
    expect(row.found).toBe('violated');
    expect(row.violation!.message).toMatch(/^\[patched model\] .*\(the model before the patch keeps the law here\)$/);
    expect(row.exhaustive).toMatchObject({ found: 'violated' });
    // a patch that changes nothing: I2 over its scope includes crosvm before 4e7d00be with
    // ACCESS_PLATFORM turning the IOTLB on, where the model at HEAD breaks I2 itself
    const noop = await patchProposal(vhostDiff('comment', '    case VHOST_IOTLB_UPDATE:', '    case VHOST_IOTLB_UPDATE: // no change'));
    // judged on the patched model alone, I2 breaks there: what the baseline rule keeps from the patch's account
    const { def, profiles } = propertyFor(noop, 'I2');
    expect(runProperty(def, { model: noop.patched!.createModelStack }, { seed: 1, numRuns: 1000, profiles }).outcome).toBe('violated');
    for (const id of ['I2', 'I4', 'I6'] as const) {
      const r = proveProperty(noop, id, { seed: 1, runs: 1000, exhaustive: { depth: 3, timeMs: 60_000 } });
      expect(r.found, id).toBe('holds');
      expect(r.exhaustive?.found, id).toBe('holds');
    }
  }, 300_000);

  it('bad input exits 2 and says why: a hunk that does not apply, rules and a patch, a patch given to fuzz', () => {
    const stale = join(tmp, 'stale.diff');
    writeFileSync(stale, readFileSync(join(ROOT, BAD), 'utf8').replace('       if (!umemAccessOk(', '       if (!umemAccessOkay('));
    const r = negcheck('prove', '--patch', stale, '--no-explore');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^negcheck prove: .*stale\.diff does not apply to the model at HEAD: the hunk at model\/vhost\.ts:\d+$/m);
    const both = join(tmp, 'both.ts');
    writeFileSync(both, `export const proposal = { id: 'both', title: 't', seeds: [], commits: [], fate: 'proposed', history: '', patch: '${join(ROOT, SAFE)}',
      rules: { sizeZeroRefused: () => true }, expect: {} };`);
    const rb = negcheck('prove', both, '--no-explore');
    expect(rb.status).toBe(2);
    expect(rb.stderr).toContain('a proposal brings a patch or rules, not both');
    const withPatch = join(tmp, 'with-patch.ts');
    writeFileSync(withPatch, `export const proposal = { id: 'with-patch', title: 't', seeds: [], commits: [], fate: 'proposed', history: '', patch: '${join(ROOT, BAD)}',
      expect: { R: { verdict: 'violated', reason: 'refuses a range ending at 2^64' } } };`);
    const fz = negcheck('fuzz', '--proposal', withPatch, '--time', '1s', '--no-corpus');
    expect(fz.status).toBe(2);
    expect(fz.stderr).toContain('a patch proposal is judged by `negcheck prove`');
    expect(negcheck('prove', '--all', '--patch', SAFE).status).toBe(2);
  }, 120_000);

  it('a proposal file may name its patch (relative to the file) and expect its verdicts', () => {
    const dir = join(tmp, 'pf');
    rmSync(dir, { recursive: true, force: true });
    const out = join(tmp, 'pf-out');
    const file = join(tmp, 'pf.ts');
    writeFileSync(join(tmp, 'wrap.diff'), readFileSync(join(ROOT, BAD), 'utf8'));
    writeFileSync(file, `export const proposal = { id: 'wrap-check', title: 'the wrap check', seeds: [], commits: [], fate: 'proposed', history: 'x', patch: 'wrap.diff',
      expect: { R: { verdict: 'violated', reason: 'refuses a range ending at 2^64' }, I6: { verdict: 'holds', reason: 'no map changes' } } };`);
    const r = negcheck('prove', file, '--no-explore', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ {2}R .* violated .* — as expected$/m);
    expect(r.stdout).toMatch(/^ {2}I6 .* holds .* — as expected$/m);
  }, 120_000);
});
