// What I6's `table` and `miss-bytes` laws know of a vhost-net/vsock IOTLB, stated from the kernel's
// rules and nothing of the model: the maps written since vhost_init_device_iotlb made it (while
// they do not overlap, so which map answers is never in question), what an access through such a
// table observes (translate_desc), and the bytes vhost_chr_read_iter returns for a queued MISS.

import { VQ_IOV_MAX } from '../types/harness.ts';
import type { Observation, Segment } from '../types/observation.ts';
import type { Abi } from '../types/uapi.ts';
import { fromHex } from '../types/iotlbWire.ts';
import * as U from '../types/uapi.ts';

const TOP = 1n << 64n;

/** One map of a known table: [start, last] inclusive, as vhost_iotlb_map. */
export interface TableMap {
  readonly start: bigint;
  readonly last: bigint;
  readonly addr: bigint;
  readonly perm: number;
}

/** A MISS the kernel queued and userspace has not read; null fields: the law cannot tell. */
export interface QueuedMiss {
  readonly iova: bigint | null;
  readonly perm: number | null;
  /** IOTLB_MSG_V2 was acked when it was queued (vhost_iotlb_miss picks the format then) */
  readonly v2: boolean;
}

/**
 * An accepted UPDATE [start, last] on a known table: appended in insertion order, the oldest map
 * freed first when the table holds `limit` (vhost_iotlb_add_range_ctx with VHOST_IOTLB_FLAG_RETIRE;
 * vhost_init_device_iotlb passes max_iotlb_entries). A map meeting one already there makes the
 * table unknown to the law (null): overlaps are the model's business, not this law's.
 */
export function tableAfterUpdate(table: readonly TableMap[], m: TableMap, limit: number): readonly TableMap[] | null {
  if (table.some(t => t.start <= m.last && m.start <= t.last)) return null;
  return [...(limit > 0 && table.length === limit ? table.slice(1) : table), m];
}

/**
 * An accepted INVALIDATE(iova, size): vhost_iotlb_del_range(iova, iova + size - 1) with C's u64
 * wrap, freeing every map the interval tree reports, i.e. m.start <= last && iova <= m.last. So
 * size 0 at iova 0 frees everything (ca50ec377c2e: QEMU's whole-space unmap), and size 0 elsewhere
 * (last = iova - 1) frees only maps holding both iova - 1 and iova.
 */
export function tableAfterInvalidate(table: readonly TableMap[], iova: bigint, size: bigint): readonly TableMap[] {
  const last = BigInt.asUintN(64, iova + size - 1n);
  return table.filter(m => !(m.start <= last && iova <= m.last));
}

/** What an access observes through a known table, and the MISS it queues; null: no claim. */
export interface ExpectedAccess {
  readonly o: Observation;
  /** the first unmapped byte when the access misses */
  readonly missAt: bigint | null;
}

/**
 * translate_desc over disjoint maps: from x on, the map holding the next byte gives a segment
 * (uaddr = map->addr + byte - map->start, u64) up to the map's end or the access's; no map there
 * is a miss at that byte (vhost_iotlb_miss); a map without the access bit is -EPERM; needing
 * more than VQ_IOV_MAX segments is -ENOBUFS. No claim for an access past 2^64 or one whose byte
 * count wraps (a map to 2^64-1 met from 0: the trace tiny-24 walk), which the kernel walks
 * its own way.
 */
export function expectedAccess(table: readonly TableMap[], x: bigint, len: number, access: number): ExpectedAccess | null {
  const end = x + BigInt(len);
  if (end > TOP) return null;
  const segments: Segment[] = [];
  for (let a = x; a < end;) {
    if (segments.length >= VQ_IOV_MAX) return { o: { kind: 'access', outcome: 'fault', errno: U.ENOBUFS }, missAt: null };
    const m = table.find(t => t.start <= a && a <= t.last);
    if (m === undefined) return { o: { kind: 'access', outcome: 'miss' }, missAt: a };
    if ((m.perm & access) === 0) return { o: { kind: 'access', outcome: 'fault', errno: U.EPERM }, missAt: null };
    if (m.last - x + 1n >= TOP) return null;
    const next = m.last + 1n < end ? m.last + 1n : end;
    segments.push([BigInt.asUintN(64, m.addr + a - m.start), Number(next - a)]);
    a = next;
  }
  return { o: { kind: 'access', outcome: 'ok', segments }, missAt: null };
}

/**
 * What is wrong with the bytes a read returned for this queued MISS, or null. vhost_chr_read_iter
 * copies struct vhost_msg (v1: type VHOST_IOTLB_MSG, the iotlb body at the ABI's offset) or
 * vhost_msg_v2 (type VHOST_IOTLB_MSG_V2, asid 0, body at 8), cut to the buffer; vhost_iotlb_miss
 * sets only iova, perm = the access, type = VHOST_IOTLB_MISS in a zeroed node (vhost_new_msg).
 */
export function missBytesProblem(m: QueuedMiss, abi: Abi, len: number, ret: number, hex: string): string | null {
  const layout = U.MSG_LAYOUT[abi];
  const size = m.v2 ? layout.v2Size : layout.v1Size;
  const want = Math.min(len, size);
  if (ret !== want) return `a read of ${len} bytes with a ${m.v2 ? 'v2' : 'v1'} MISS queued must return ${want}, not ${ret}`;
  const bytes = fromHex(hex);
  if (bytes.length !== want) return `the read returned ${ret} but ${bytes.length} bytes`;
  const full = new Uint8Array(size);
  full.set(bytes);
  const view = new DataView(full.buffer);
  const body = m.v2 ? U.V2_IOTLB_OFFSET : layout.v1IotlbOffset;
  const expected = new Map<number, number>(); // byte offset -> value; every other byte is 0
  const put = (off: number, n: number, v: bigint): void => {
    for (let i = 0; i < n; i++) expected.set(off + i, Number((v >> BigInt(8 * i)) & 0xffn));
  };
  put(0, 4, BigInt(m.v2 ? U.VHOST_IOTLB_MSG_V2 : U.VHOST_IOTLB_MSG));
  if (m.iova !== null) put(body, 8, m.iova);
  if (m.perm !== null) put(body + 24, 1, BigInt(m.perm));
  put(body + 25, 1, BigInt(U.VHOST_IOTLB_MISS));
  for (let i = 0; i < want; i++) {
    const unknown = (m.iova === null && i >= body && i < body + 8) || (m.perm === null && i === body + 24);
    if (unknown) continue;
    const v = expected.get(i) ?? 0;
    if (view.getUint8(i) !== v) return `byte ${i} of the MISS read is ${view.getUint8(i)}, not ${v}`;
  }
  return null;
}
