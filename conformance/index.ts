// The kernel conformance vector files and how each side replays them.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVhostImpl } from '../impl/stack.ts';
import { createImplIotlbTable } from '../impl/iotlbTable.ts';
import { createModelIotlbTable } from '../model/iotlbTable.ts';
import { createVhostModel } from '../model/stack.ts';
import type { IotlbTableFactory } from '../types/iotlbTable.ts';
import type { Profile } from '../types/profile.ts';
import type { VhostPart } from '../types/stack.ts';
import { type IotlbVectorOp, replayIotlbVectors } from './iotlbVectors.ts';
import { type MsgVectorOp, replayMsgVectors } from './msgVectors.ts';
import { readVectorFile, type ReplayReport, VectorFileError } from './vectors.ts';

export const IOTLB_VECTORS = 'iotlb-kernel-vectors.jsonl';
export const MSG_VECTORS = 'iotlb-msg-kernel-vectors.jsonl';

/** shared/conformance beside the repository (CI lays it out so), or NEGCHECK_CONFORMANCE. */
export function defaultVectorDir(): string {
  return process.env['NEGCHECK_CONFORMANCE'] ??
    join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'conformance');
}

export type Side = 'model' | 'impl';

const TABLES: Readonly<Record<Side, IotlbTableFactory>> = { model: createModelIotlbTable, impl: createImplIotlbTable };
const DEVICES: Readonly<Record<Side, (p: Profile) => VhostPart>> = { model: createVhostModel, impl: createVhostImpl };

export interface FileReport extends ReplayReport {
  readonly file: string;
  readonly side: Side;
}

export type VectorFile = typeof IOTLB_VECTORS | typeof MSG_VECTORS;
export const VECTOR_FILES: readonly VectorFile[] = [IOTLB_VECTORS, MSG_VECTORS];

/** The path of one vector file under `dir`; a missing file is a VectorFileError naming it. */
function vectorPath(dir: string, file: VectorFile): string {
  const p = join(dir, file);
  if (!existsSync(p)) throw new VectorFileError(`${p}: no such vector file (shared/conformance beside the repository, or NEGCHECK_CONFORMANCE)`);
  return p;
}

/** Replay one file on one side; a missing or corrupt file is a VectorFileError naming it. */
export function replayVectorFile(dir: string, file: VectorFile, side: Side): FileReport {
  const p = vectorPath(dir, file);
  return file === IOTLB_VECTORS
    ? { file: p, side, ...replayIotlbVectors(readVectorFile<IotlbVectorOp>(p), TABLES[side]) }
    : { file: p, side, ...replayMsgVectors(readVectorFile<MsgVectorOp>(p), DEVICES[side]) };
}

/** Replay both files on one side (both checked to exist before either is read). */
export function replayConformance(dir: string, side: Side): FileReport[] {
  for (const f of VECTOR_FILES) vectorPath(dir, f);
  return VECTOR_FILES.map(f => replayVectorFile(dir, f, side));
}
