// The kernel conformance vector files and how each side replays them.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVhostImpl } from '../../impl/stack.ts';
import { createImplIotlbTable } from '../../impl/iotlbTable.ts';
import { createModelIotlbTable } from '../../model/iotlbTable.ts';
import { createVhostModel } from '../../model/stack.ts';
import type { IotlbTableFactory } from '../../types/iotlbTable.ts';
import type { Profile } from '../../types/profile.ts';
import type { VhostPart } from '../../types/stack.ts';
import { type IotlbVectorOp, replayIotlbVectors } from './iotlbVectors.ts';
import { type MsgVectorOp, replayMsgVectors } from './msgVectors.ts';
import { readVectorFile, type ReplayReport, VectorFileError } from './vectors.ts';

export const IOTLB_VECTORS = 'iotlb-kernel-vectors.jsonl';
export const MSG_VECTORS = 'iotlb-msg-kernel-vectors.jsonl';

/** shared/conformance beside the repository (CI lays it out so), or NEGCHECK_CONFORMANCE. */
export function defaultVectorDir(): string {
  return process.env['NEGCHECK_CONFORMANCE'] ??
    join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'conformance');
}

export type Side = 'model' | 'impl';

const TABLES: Readonly<Record<Side, IotlbTableFactory>> = { model: createModelIotlbTable, impl: createImplIotlbTable };
const DEVICES: Readonly<Record<Side, (p: Profile) => VhostPart>> = { model: createVhostModel, impl: createVhostImpl };

export interface FileReport extends ReplayReport {
  readonly file: string;
  readonly side: Side;
}

/** Replay both files on one side; a missing or corrupt file is a VectorFileError naming it. */
export function replayConformance(dir: string, side: Side): FileReport[] {
  const path = (f: string): string => {
    const p = join(dir, f);
    if (!existsSync(p)) throw new VectorFileError(`${p}: no such vector file (shared/conformance beside the repository, or NEGCHECK_CONFORMANCE)`);
    return p;
  };
  const iotlb = path(IOTLB_VECTORS);
  const msg = path(MSG_VECTORS);
  return [
    { file: iotlb, side, ...replayIotlbVectors(readVectorFile<IotlbVectorOp>(iotlb), TABLES[side]) },
    { file: msg, side, ...replayMsgVectors(readVectorFile<MsgVectorOp>(msg), DEVICES[side]) },
  ];
}
