// Saving counterexamples to a corpus directory: deduplicated by property + normalised trace,
// written atomically, never overwriting a different file.

import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEntry, serialiseEntry, type CorpusEntry } from './corpus.ts';
import { formatOp } from '../types/trace.ts';

/** What makes two counterexamples the same: the property, the proposal or lab kernel, and the ops as trace lines. */
export function dedupKey(e: CorpusEntry): string {
  return [e.property, e.proposal ?? '', ...(e.kernel !== undefined ? [e.kernel] : []), ...e.ops.map(formatOp)].join('\n');
}

export type SaveOutcome = { readonly file: string; readonly status: 'saved' | 'duplicate' };

/**
 * Writes `<property>-<hash>.json` via a temp file and link(2), which fails rather than replace
 * an existing file; a file already there with the same trace is a duplicate, a different one
 * (a hash collision) gets a numbered name.
 */
export function saveToCorpus(dir: string, e: CorpusEntry): SaveOutcome {
  mkdirSync(dir, { recursive: true });
  const key = dedupKey(e);
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
  const stem = `${e.proposal ? `${e.proposal}.` : ''}${e.property}${e.kernel ? `-${e.kernel}` : ''}-${hash}`;
  const text = serialiseEntry(e);
  const tmp = join(dir, `.${stem}.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(tmp, text);
  try {
    for (let n = 0; ; n++) {
      const file = join(dir, n === 0 ? `${stem}.json` : `${stem}-${n}.json`);
      try {
        linkSync(tmp, file);
        return { file, status: 'saved' };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        if (sameTrace(file, key)) return { file, status: 'duplicate' };
      }
    }
  } finally {
    unlinkSync(tmp);
  }
}

/** A file already holding this counterexample (an unreadable one never is). */
function sameTrace(file: string, key: string): boolean {
  try {
    return dedupKey(parseEntry(readFileSync(file, 'utf8'), file)) === key;
  } catch {
    return false;
  }
}
