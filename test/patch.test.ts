// A proposal written as a patch to the model (issue 27, first step): proposals/patch.ts applies a
// unified diff to a copy of model/, type-checks it and loads it beside the model at HEAD. Bad
// patches are input errors naming the file, the hunk or the line.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { upstreamProfile } from '../generators/profiles.ts';
import { createModelStack } from '../model/stack.ts';
import { diffFiles, loadPatch, PatchError } from '../proposals/patch.ts';
import { iotlbMsg, type Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import * as U from '../types/uapi.ts';
import { ROOT } from './negcheck.ts';
import { modelDiff } from './diffs.ts';

const tmp = mkdtempSync(join(tmpdir(), 'negcheck-patch-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const diffOf = (file: string, from: string, to: string, name: string): string => modelDiff(tmp, file, from, to, name);

// the rule before f7ad318ea0ad: a uaddr range may not end exactly at 2^64
const OLD_OVERFLOW = ['model/uaccess.ts', '  return uaddr > max - size + 1n;', '  return uaddr > max - size;'] as const;

describe('a patch to the model', () => {
  it('diffFiles reads the paths a unified diff changes, a deletion\'s by its old name', () => {
    expect(diffFiles('--- a/model/x.ts\n+++ b/model/x.ts\n@@ -1 +1 @@\n-a\n+b\n--- a/model/y.ts\t2026\n+++ /dev/null\n')).toEqual(['model/x.ts', 'model/y.ts']);
    expect(diffFiles('not a diff')).toEqual([]);
  });

  it('loads beside the model at HEAD: the patched rule answers, HEAD\'s does not change', async () => {
    const patched = await loadPatch(diffOf(...OLD_OVERFLOW, 'old-overflow'));
    {
      expect(patched.files).toEqual(['model/uaccess.ts']);
      // s390's access_ok is always true: only vhost_overflow judges a uaddr range ending at 2^64
      const profile: Profile = { ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device: 'vhost-net', accessOk: 'alternate-address-space' } };
      const ops: Op[] = [
        { kind: 'SET_FEATURES', features: 1n << BigInt(U.VIRTIO_F_ACCESS_PLATFORM) },
        iotlbMsg(U.VHOST_IOTLB_UPDATE, 0x1000n, 0x1000n, (1n << 64n) - 0x1000n),
      ];
      const run = (s: ReturnType<typeof createModelStack>): unknown[] => ops.map(op => s.apply(op));
      expect(run(createModelStack(profile))[1]).toEqual({ kind: 'ret', ret: 72 });
      expect(run(patched.createModelStack(profile))[1]).toEqual({ kind: 'ret', ret: -U.EFAULT });
    }
  }, 60_000);

  it('a patch outside model/, one that does not apply, one that does not type-check: errors naming them, nothing left behind', async () => {
    const copies = (): number => Number(spawnSync('sh', ['-c', `ls -d ${tmpdir()}/negcheck-patch-* 2>/dev/null | grep -v negcheck-patch-test- | wc -l`], { encoding: 'utf8' }).stdout.trim());
    const before = copies();
    await expect(loadPatch(join(tmp, 'nothing.diff'))).rejects.toThrow(/nothing\.diff: no such file/);
    const empty = join(tmp, 'empty.diff');
    writeFileSync(empty, 'hello\n');
    await expect(loadPatch(empty)).rejects.toThrow(/no file diff in it/);
    await expect(loadPatch(diffOf('cli/main.ts', "registerFuzz(program);", "registerFuzz(program); // x", 'outside'))).rejects.toThrow(/changes cli\/main\.ts: a patch may change model\/ only/);
    const stale = join(tmp, 'stale.diff');
    writeFileSync(stale, readFileSync(diffOf(...OLD_OVERFLOW, 'stale-src'), 'utf8').replace('   if (size === 0n) return false;', '   if (size === 0n) return true;'));
    await expect(loadPatch(stale)).rejects.toThrow(/stale\.diff does not apply to the model at HEAD: the hunk at model\/uaccess\.ts:\d+/);
    await expect(loadPatch(diffOf(...OLD_OVERFLOW.slice(0, 2) as [string, string], '  return uaddr > max - size + "1";', 'untyped'))).rejects.toThrow(/does not type-check:\n {2}model\/uaccess\.ts\(\d+,\d+\): error TS/);
    await expect(loadPatch(empty)).rejects.toBeInstanceOf(PatchError);
    expect(copies()).toBe(before);
    expect(existsSync(join(ROOT, 'model', 'uaccess.ts'))).toBe(true);
  }, 120_000);
});
