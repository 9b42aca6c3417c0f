// Diffs for tests of patch proposals: a repository file with one string replaced, as `diff -u` writes it.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from './negcheck.ts';

/** A unified diff of `file` (repository-relative) with `from` replaced by `to`, written to DIR/NAME.diff; its path. */
export function modelDiff(dir: string, file: string, from: string, to: string, name: string): string {
  const text = readFileSync(join(ROOT, file), 'utf8');
  expect(text).toContain(from);
  const changed = join(dir, `${name}.changed`);
  writeFileSync(changed, text.replace(from, to));
  const d = spawnSync('diff', ['-u', '--label', `a/${file}`, '--label', `b/${file}`, join(ROOT, file), changed], { encoding: 'utf8' });
  const out = join(dir, `${name}.diff`);
  writeFileSync(out, d.stdout);
  return out;
}
