// Replays iotlb-kernel-vectors.jsonl (drivers/vhost/iotlb.c and translate_desc run as a
// userspace program) on an IotlbTable: the model's or the implementation's.

import type { IotlbMapTuple, IotlbTableFactory, TranslateOutcome } from '../types/iotlbTable.ts';
import { hex, mergeReports, type ReplayReport, TraceChecker, u64Of, type VectorTrace, VectorFileError } from './vectors.ts';

/** One op of the file, as JSON (README: alloc, add, del, reset, first, overlaps, table, count, translate). */
export type IotlbVectorOp = { readonly op: string } & Readonly<Record<string, unknown>>;

type MapJson = readonly [string, string, string, number];

export const mapJson = (m: IotlbMapTuple): MapJson => [hex(m[0]), hex(m[1]), hex(m[2]), m[3]];

/** translate_desc's answer in the vectors' shape: {ok: [[uaddr, len]]}, {miss: iova}, {errno}. */
export function translateJson(r: TranslateOutcome): unknown {
  if ('ok' in r) return { ok: r.ok.map(([a, n]) => [hex(a), n]) };
  if ('miss' in r) return { miss: hex(r.miss) };
  return { errno: r.errno };
}

/** The vectors' own answer, normalised the same way (hex case, leading zeros). */
export function expectedTranslate(v: unknown, where: string): unknown {
  const r = v as { ok?: [string, number][]; miss?: string; errno?: number };
  if (r.ok) return { ok: r.ok.map(([a, n]) => [hex(u64Of(a, where)), n]) };
  if (r.miss !== undefined) return { miss: hex(u64Of(r.miss, where)) };
  return { errno: r.errno };
}

export const expectedMaps = (v: unknown, where: string): MapJson[] =>
  (v as [string, string, string, number][]).map(([s, l, a, p]) => [hex(u64Of(s, where)), hex(u64Of(l, where)), hex(u64Of(a, where)), p]);

export function replayIotlbVectors(traces: readonly VectorTrace<IotlbVectorOp>[], create: IotlbTableFactory): ReplayReport {
  const checkers: TraceChecker[] = [];
  for (const trace of traces) {
    const c = new TraceChecker(trace.id);
    checkers.push(c);
    // every trace starts from an empty IOTLB with no limit
    let t = create(0, false);
    trace.ops.forEach((o, i) => {
      const where = `${trace.id} op ${i}`;
      const u = (k: string): bigint => u64Of(o[k], `${where}.${k}`);
      switch (o.op) {
        case 'alloc': t = create(Number(o['limit']), o['retire'] === true); return;
        case 'add': {
          const call = `add(${hex(u('start'))}, ${hex(u('last'))}, ${hex(u('addr'))}, ${String(o['perm'])})`;
          c.check(i, call, o['ret'], t.add(u('start'), u('last'), u('addr'), Number(o['perm'])));
          return;
        }
        case 'del': t.del(u('start'), u('last')); return;
        case 'reset': t.reset(); return;
        case 'first': {
          const m = t.first(u('start'), u('last'));
          const e = o['map'] === null ? null : expectedMaps([o['map']], where)[0];
          c.check(i, `first(${hex(u('start'))}, ${hex(u('last'))})`, e, m === null ? null : mapJson(m));
          return;
        }
        case 'overlaps':
          c.check(i, `overlaps(${hex(u('start'))}, ${hex(u('last'))})`, expectedMaps(o['maps'], where), t.overlaps(u('start'), u('last')).map(mapJson));
          return;
        case 'table': c.check(i, 'table()', expectedMaps(o['maps'], where), t.table().map(mapJson)); return;
        case 'count': c.check(i, 'count()', o['maps'], t.count()); return;
        case 'translate': {
          const call = `translate(${hex(u('iova'))}, ${String(o['len'])}, ${String(o['access'])})`;
          c.check(i, call, expectedTranslate(o['result'], where), translateJson(t.translate(u('iova'), Number(o['len']), Number(o['access']))));
          return;
        }
        default: throw new VectorFileError(`${where}: unknown op ${JSON.stringify(o.op)}`);
      }
    });
  }
  return mergeReports(checkers);
}
