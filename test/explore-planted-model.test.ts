// Issue 23's reproductions, run as a user would: a bug planted in model/ (in a scratch copy of the
// tree), then `negcheck explore --property I6 --depth 6` at run time, no test code in the loop.
// Before the fingerprint was derived from the whole snapshot, the first plant gave a false
// "holds up to depth 6" (vdpa's driver features were left out of the hand-written fingerprint) and
// the second a 5-op trace where a 4-op one exists (unlimited map stores were written in tree
// order, merging the two insertion orders the plant tells apart).

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_ENV, ROOT } from './negcheck.ts';

const tmp = mkdtempSync(join(tmpdir(), 'negcheck-plant-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Not copied: the dependencies (linked instead), git's store, and what runs leave behind. */
const SKIP = new Set(['node_modules', '.git', '.stryker-tmp', 'out', 'reports', 'coverage']);

/** A copy of the tree with `find` replaced by `replace` in `file` (the plant must apply). */
function plantedTree(name: string, file: string, find: string, replace: string): string {
  const dir = join(tmp, name);
  for (const entry of readdirSync(ROOT)) if (!SKIP.has(entry)) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const source = readFileSync(join(dir, file), 'utf8');
  if (!source.includes(find)) throw new Error(`plant ${name}: ${file} no longer holds ${JSON.stringify(find)}`);
  writeFileSync(join(dir, file), source.replace(find, replace));
  return dir;
}

interface Report {
  exitCode: number;
  targets: { verdict: string; result: { outcome: string }; counterexample?: { trace: string[] } }[];
}

function exploreI6(dir: string): Report {
  const r = spawnSync(process.execPath, [join(dir, 'bin', 'negcheck.js'), 'explore', '--property', 'I6', '--depth', '6', '--json', '--out', join(dir, 'out')],
    { cwd: dir, encoding: 'utf8', timeout: 120_000, env: CLI_ENV });
  expect(r.status, r.stderr).toBe(1);
  return JSON.parse(r.stdout) as Report;
}

const UNMAP_RANGE = '  const range = s.rules.invalidateRange(iova, size);';

describe('a bug planted in the model is found at run time, with the shortest trace', () => {
  it('vdpaUnmap reading the driver features (a field no rule read before): violated, 4 ops', () => {
    const dir = plantedTree('driver-features', 'model/vdpa.ts', UNMAP_RANGE,
      '  const range = s.driverFeatures !== 0n ? null : s.rules.invalidateRange(iova, size);');
    const t = exploreI6(dir).targets[0]!;
    expect(t.verdict).toMatch(/^VIOLATED at depth 4/);
    expect(t.counterexample!.trace).toEqual([
      expect.stringMatching(/^VHOST_SET_FEATURES 0x2_0000_0000 -> 0$/),
      expect.stringMatching(/UPDATE iova=0x0 size=0x1000 .* -> 72$/),
      expect.stringMatching(/INVALIDATE iova=0x0 size=0x1000 .* -> 72$/),
      expect.stringMatching(/^vq access RO iova=0x0 len=1 -> ok /),
    ]);
  });

  it('vdpaUnmap depending on the order the maps were inserted in: violated, 4 ops', () => {
    const dir = plantedTree('insertion-order', 'model/vdpa.ts', '  if (range !== null) {',
      '  if (range !== null && !(iotlb.maps.length > 1 && iotlb.maps[0]!.start > iotlb.maps[1]!.start)) {');
    const t = exploreI6(dir).targets[0]!;
    expect(t.verdict).toMatch(/^VIOLATED at depth 4/);
    expect(t.counterexample!.trace).toEqual([
      // a map above the next one's, inserted first (the top page, or the used rings' page of the start law's ops)
      expect.stringMatching(/UPDATE iova=0x[1-9a-f][0-9a-f_]* size=0x1000 .* -> 72$/),
      expect.stringMatching(/UPDATE iova=0x0 size=0x1000 .* -> 72$/),
      expect.stringMatching(/INVALIDATE iova=0x0 size=0x1000 .* -> 72$/),
      expect.stringMatching(/^vq access RO iova=0x0 len=1 -> ok /),
    ]);
  });
});
