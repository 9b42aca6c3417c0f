// Story entries of corpus/ keep their story (harness/stories.ts), the search that finds them
// keeps the essentials and shrinks the rest, and scripts/corpus-stories.ts regenerates them.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Op } from '../types/ops.ts';
import { idrFieldValue, smmuIdrField, withIdrFields } from '../types/smmuIdr.ts';
import { SMMU_IDR_FIELDS } from '../types/uapi.ts';
import { CATALOGUE } from '../proposals/index.ts';
import { readEntry, serialiseEntry, type CorpusEntry } from '../harness/corpus.ts';
import { testSeed } from '../harness/run.ts';
import { replayEntry } from '../harness/replay.ts';
import { crosvmStory, forwardsRawBtmStory, s390Story, STORIES } from '../harness/stories.ts';
import { findStory, storyEntry } from '../harness/story-search.ts';
import { missingEssentials, never, step, traceSteps, type Story } from '../harness/story.ts';
import { stackSubject } from '../harness/subject.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const entryFile = (s: Story): string => join(ROOT, 'corpus', `${s.name}.json`);

function gaps(story: Story, e: Pick<CorpusEntry, 'profile' | 'ops'>): string[] {
  return missingEssentials(story, e.profile, traceSteps(stackSubject.model, e.profile, e.ops));
}

describe('story entries in corpus/ keep their story', () => {
  for (const story of STORIES) {
    it(`${story.name}: has its essentials and replays as violated`, () => {
      expect(existsSync(entryFile(story)), `${entryFile(story)}: run npm run corpus:stories`).toBe(true);
      const e = readEntry(entryFile(story));
      expect([e.property, e.title, e.expect]).toEqual([story.property, story.title, 'violated']);
      expect(gaps(story, e)).toEqual([]);
      const r = replayEntry(e, stackSubject);
      expect(r.difference, r.difference?.message).toBeNull();
      expect(r.verdict, r.violation?.message).toBe('violated');
    });
  }

  it('every story tells a seed thread the catalogue names', () => {
    const seeds = new Set(CATALOGUE.flatMap(p => p.seeds));
    for (const s of STORIES) expect(seeds.has(s.seed), `${s.name}: ${s.seed}`).toBe(true);
  });
});

describe('a story\'s essentials can be missing', () => {
  it('hardware without BTM (what shrinking once left of seed 003) no longer tells it', () => {
    const e = readEntry(entryFile(forwardsRawBtmStory));
    const noBtm = { ...e, profile: { ...e.profile, smmu: { idr: withIdrFields(e.profile.smmu.idr, { BTM: 0 }) } } };
    expect(gaps(forwardsRawBtmStory, noBtm)).toEqual([
      'profile: smmu.BTM=1',
      'trace: VMM_VSMMU_IDR shows the guest BTM and HTTU',
    ]);
  });

  it('a LE guest or another blk_size is another story than seed 004\'s', () => {
    const e = readEntry(entryFile(s390Story));
    const le = { ...e, profile: { ...e.profile, guest: { ...e.profile.guest, endian: 'le' as const, config: { ...e.profile.guest.config, blkSize: 4096 } } } };
    expect(gaps(s390Story, le)).toEqual(expect.arrayContaining(['profile: guest.endian=be', 'profile: guest.config.blkSize=512']));
  });

  it('a crosvm trace that never touches the ring has lost its ending', () => {
    const e = readEntry(entryFile(crosvmStory));
    const cut = { ...e, ops: e.ops.filter((o: Op) => o.kind !== 'VSOCK_SET_RUNNING') };
    expect(gaps(crosvmStory, cut)).toEqual(['trace: ends with VSOCK_SET_RUNNING -> -EFAULT']);
  });
});

describe('the story search', () => {
  it('keeps the pinned BTM/HTTU hardware and shrinks every other field to 0', () => {
    const cx = findStory(forwardsRawBtmStory, testSeed(), 10_000);
    expect(cx, 'no counterexample with the story').not.toBeNull();
    const nonZero = SMMU_IDR_FIELDS.filter(f => idrFieldValue(cx!.profile.smmu.idr, f) !== 0).map(f => f.name);
    expect(nonZero).toEqual(['BTM', 'HTTU']);
    expect(idrFieldValue(cx!.profile.smmu.idr, smmuIdrField('HTTU'))).toBe(2);
    expect(cx!.violation.message).toMatch(/BTM=1 is not in the VMM's known baseline; HTTU=2/);
  });

  it('counts no violation whose trace lacks an essential', () => {
    const impossible: Story = { ...forwardsRawBtmStory, trace: [never(step('VMM_VSMMU_IDR', 'builds the guest IDR'))] };
    expect(findStory(impossible, testSeed(), 300)).toBeNull();
  });

  it('gives the same entries for the same seed', () => {
    for (const story of STORIES) {
      const a = findStory(story, testSeed(), 10_000);
      const b = findStory(story, testSeed(), 10_000);
      expect(a, story.name).not.toBeNull();
      expect(serialiseEntry(storyEntry(story, b!))).toBe(serialiseEntry(storyEntry(story, a!)));
    }
  });
});

describe('scripts/corpus-stories.ts', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'negcheck-stories-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'corpus-stories.ts'), ...args],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

  it('writes every story entry with its essentials; --check then flags only a file the search would not write', () => {
    const first = run('--out', tmp, '--seed', String(testSeed()));
    expect(first.status, first.stderr).toBe(0);
    for (const story of STORIES) expect(gaps(story, readEntry(join(tmp, `${story.name}.json`))), story.name).toEqual([]);
    const edited = join(tmp, `${forwardsRawBtmStory.name}.json`);
    writeFileSync(edited, readFileSync(edited, 'utf8').replace('"seed": ', '"seed": 1'));
    const check = run('--out', tmp, '--seed', String(testSeed()), '--check');
    expect(check.stdout.match(/^unchanged /gm), check.stdout + check.stderr).toHaveLength(STORIES.length - 1);
    expect(check.stdout).toMatch(new RegExp(`^DIFFERS +${edited}`, 'm'));
    expect(check.status).toBe(1);
  });
});
