// The model's map store and translate_desc behind the IotlbTable interface (conformance vectors).

import type { IotlbMapTuple, IotlbTable } from '../types/iotlbTable.ts';
import { EPERM, ENOBUFS } from '../types/uapi.ts';
import {
  type Iotlb, type IotlbMap, iotlbAddRange, iotlbCount, iotlbCreate, iotlbDelRange, iotlbFirst, iotlbOverlaps, iotlbReset,
  iotlbTreeOrder,
} from './iotlb.ts';
import { translateDesc } from './translate.ts';

const tuple = (m: IotlbMap): IotlbMapTuple => [m.start, m.last, m.addr, m.perm];

/** Every map in tree order, as the conformance vectors list a table. */
export const iotlbTable = (t: Iotlb): IotlbMapTuple[] => iotlbTreeOrder(t).map(tuple);

export function createModelIotlbTable(limit: number, retire: boolean): IotlbTable {
  const t = iotlbCreate(limit, retire);
  return {
    add: (start, last, addr, perm) => iotlbAddRange(t, start, last, addr, perm),
    del: (start, last) => iotlbDelRange(t, start, last),
    reset: () => iotlbReset(t),
    first: (start, last) => { const m = iotlbFirst(t, start, last); return m ? tuple(m) : null; },
    overlaps: (start, last) => iotlbOverlaps(t, start, last).map(tuple),
    table: () => iotlbTable(t),
    count: () => iotlbCount(t),
    translate(iova, len, access) {
      const r = translateDesc(t, iova, len, access);
      switch (r.outcome) {
        case 'ok': return { ok: r.segments };
        case 'hole': return { miss: r.addr };
        case 'perm': return { errno: -EPERM };
        case 'nobufs': return { errno: -ENOBUFS };
      }
    },
  };
}
