// What `negcheck kernel` runs: traces in negcheck's own formats, each with the profile it was
// written for (whose VMM and guest the comparison keeps; the kernel is the lab's). The defaults:
// corpus/, and the shared message-path vectors (raw writes to a vhost-net fd).

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MSG_VECTORS, defaultVectorDir } from '../conformance/index.ts';
import { MSG_VECTOR_PROFILE, type MsgVectorOp, msgVectorOps } from '../conformance/msgVectors.ts';
import { readVectorFile, VectorFileError } from '../conformance/vectors.ts';
import { CorpusError, corpusFiles, readEntry } from '../harness/corpus.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import { LabError } from './errors.ts';
import { readLock } from './setup.ts';

export interface KernelInput {
  /** where it came from: `corpus/x.json`, `iotlb-msg-kernel-vectors.jsonl#kmsg-1-000` */
  readonly name: string;
  readonly profile: Profile;
  readonly ops: readonly Op[];
  /** a K entry's lab kernel: the trace runs there only */
  readonly kernel?: string;
  /** a K entry's expect: "violated" records a difference, so a match means the entry is out of date */
  readonly expect?: 'violated' | 'holds';
}

/** A corpus entry (R's: its baseline side, the old userspace's script). */
/** A K entry's kernel is one the lab has (lab/kernels.lock.json): else a LabError naming the file. */
export function checkEntryKernel(file: string, kernel: string | undefined): void {
  const lab = readLock().map(k => k.id);
  if (kernel !== undefined && !lab.includes(kernel)) throw new LabError(`${file}: found on lab kernel ${kernel}, which lab/kernels.lock.json does not have (${lab.join(', ')})`);
}

function corpusInputs(path: string): KernelInput[] {
  return corpusFiles(path).map(file => {
    const e = readEntry(file);
    checkEntryKernel(file, e.kernel);
    return { name: file, profile: e.profile, ops: e.ops, ...(e.kernel !== undefined ? { kernel: e.kernel, expect: e.expect } : {}) };
  });
}

function vectorInputs(file: string): KernelInput[] {
  return readVectorFile<MsgVectorOp>(file).map(t => ({ name: `${file}#${t.id}`, profile: MSG_VECTOR_PROFILE, ops: msgVectorOps(t) }));
}

/** The traces of FILE|DIR arguments: a .jsonl is a message-vector file, anything else corpus entries. */
export function readInputs(paths: readonly string[]): KernelInput[] {
  return paths.flatMap(p => {
    if (!existsSync(p)) throw new LabError(`${p}: no such file or directory`);
    try {
      if (!statSync(p).isDirectory() && p.endsWith('.jsonl')) return vectorInputs(p);
      return corpusInputs(p);
    } catch (e) {
      if (e instanceof CorpusError || e instanceof VectorFileError) throw new LabError(e.message);
      throw e;
    }
  });
}

/** The default inputs that are files: corpus/ of this repository and the shared message-path vectors (lab/defaults.ts adds the rest). */
export function defaultInputPaths(root: string): string[] {
  return [join(root, 'corpus'), join(defaultVectorDir(), MSG_VECTORS)];
}
