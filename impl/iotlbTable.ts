// The implementation's IotlbIndex behind the IotlbTable interface (conformance vectors): bigint
// at the boundary, the index's own hi/lo arithmetic inside.

import type { Segment } from '../types/observation.ts';
import type { IotlbTable } from '../types/iotlbTable.ts';
import { ENOBUFS, EPERM } from '../types/uapi.ts';
import { IotlbIndex, XLATE_HOLE, XLATE_NOBUFS, XLATE_OK } from './iotlbIndex.ts';
import { hiOf, loOf, toBig } from './u64.ts';

export function createImplIotlbTable(limit: number, retire: boolean): IotlbTable {
  const t = new IotlbIndex(limit, retire);
  return {
    add: (start, last, addr, perm) => t.add(hiOf(start), loOf(start), hiOf(last), loOf(last), hiOf(addr), loOf(addr), perm),
    del: (start, last) => t.delRange(hiOf(start), loOf(start), hiOf(last), loOf(last)),
    reset: () => t.clear(),
    first(start, last) {
      const s = t.firstOverlap(hiOf(start), loOf(start), hiOf(last), loOf(last));
      return s < 0 ? null : t.mapAt(s);
    },
    overlaps: (start, last) => t.overlapping(hiOf(start), loOf(start), hiOf(last), loOf(last)).map(s => t.mapAt(s)),
    table: () => t.table(),
    count: () => t.size,
    translate(iova, len, access) {
      const code = t.translate(hiOf(iova), loOf(iova), len, access);
      if (code === XLATE_OK) {
        const ok: Segment[] = [];
        for (let i = 0; i < t.segCount; i++) ok.push([toBig(t.segUaddrHi[i]!, t.segUaddrLo[i]!), t.segLen[i]!]);
        return { ok };
      }
      if (code === XLATE_HOLE) return { miss: toBig(t.holeHi, t.holeLo) };
      return { errno: code === XLATE_NOBUFS ? -ENOBUFS : -EPERM };
    },
  };
}
