// The vhost IOTLB map store, rule for rule as drivers/vhost/iotlb.c: closed intervals
// [start, last], overlaps allowed, lookup returns the overlapping map with the lowest start
// (earliest inserted among equal starts), delete removes whole maps, FIFO retirement.

import { EFAULT } from '../types/uapi.ts';
import { U64_MAX } from '../types/bits.ts';


/** Wrap-around arithmetic of a C u64. */
export const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);

export interface IotlbMap {
  readonly start: bigint;
  /** inclusive: struct vhost_iotlb_map.last */
  readonly last: bigint;
  readonly addr: bigint;
  readonly perm: number;
}

export interface Iotlb {
  /**
   * in insertion order (iotlb->list), which is also retirement order. Never changed in place:
   * every change assigns a new array, so a snapshot can share this one (explore/).
   */
  maps: readonly IotlbMap[];
  /** iotlb->limit; 0 = none */
  readonly limit: number;
  /** VHOST_IOTLB_FLAG_RETIRE */
  readonly retire: boolean;
}

/** vhost_iotlb_alloc(limit, flags) */
export function iotlbCreate(limit: number, retire: boolean): Iotlb {
  return { maps: [], limit, retire };
}

/** The interval-tree overlap test of INTERVAL_TREE_DEFINE: node.start <= last && start <= node.last. */
export function mapOverlaps(m: IotlbMap, start: bigint, last: bigint): boolean {
  return m.start <= last && start <= m.last;
}

/** map->size = last - start + 1 (never 2^64: add_range splits [0, U64_MAX]). */
export function mapSize(m: IotlbMap): bigint {
  return m.last - m.start + 1n;
}

/**
 * vhost_iotlb_itree_first: the first overlapping map in tree order. The rb-tree sends equal
 * starts right on insert, so among equal starts the earlier-inserted map comes first.
 */
export function iotlbFirst(t: Iotlb, start: bigint, last: bigint): IotlbMap | undefined {
  let best: IotlbMap | undefined;
  for (const m of t.maps) {
    if (!mapOverlaps(m, start, last)) continue;
    if (best === undefined || m.start < best.start) best = m;
  }
  return best;
}

/**
 * The rb-tree's in-order sequence (INTERVAL_TREE_DEFINE over struct vhost_iotlb_map): by start,
 * and among equal starts in insertion order, because the insert walk sends an equal start right.
 * Array.prototype.sort is stable, and `maps` is in insertion order.
 */
export function iotlbTreeOrder(t: Iotlb): IotlbMap[] {
  return [...t.maps].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

/**
 * vhost_iotlb_itree_first(start, last) then vhost_iotlb_itree_next until NULL: every map that
 * overlaps [start, last], in tree order (itree_next continues the in-order walk from the node).
 */
export function iotlbOverlaps(t: Iotlb, start: bigint, last: bigint): IotlbMap[] {
  return iotlbTreeOrder(t).filter(m => mapOverlaps(m, start, last));
}

/** iotlb->nmaps */
export function iotlbCount(t: Iotlb): number {
  return t.maps.length;
}

/**
 * vhost_iotlb_add_range_ctx: reject last < start (-EFAULT); split [0, U64_MAX] at U64_MAX/2
 * (e2ae38cf3d91: the size would overflow to 0); retire the oldest map when full and RETIRE.
 * Returns 0 or -errno.
 */
export function iotlbAddRange(t: Iotlb, start: bigint, last: bigint, addr: bigint, perm: number): number {
  if (last < start) return -EFAULT;
  if (start === 0n && last === U64_MAX) {
    const mid = last / 2n;
    const err = iotlbAddRange(t, 0n, mid, addr, perm);
    if (err) return err;
    return iotlbAddRange(t, mid + 1n, last, u64(addr + mid + 1n), perm);
  }
  const retireOldest = t.limit && t.maps.length === t.limit && t.retire;
  t.maps = [...(retireOldest ? t.maps.slice(1) : t.maps), { start, last, addr, perm }];
  return 0;
}

/** vhost_iotlb_del_range: free every map overlapping [start, last], whole, never split. */
export function iotlbDelRange(t: Iotlb, start: bigint, last: bigint): void {
  t.maps = t.maps.filter(m => !mapOverlaps(m, start, last));
}

/** vhost_iotlb_reset = del_range(0, U64_MAX) */
export function iotlbReset(t: Iotlb): void {
  iotlbDelRange(t, 0n, U64_MAX);
}

/** A copy: the maps array is shared, which is safe because no one changes it in place. */
export function iotlbCopy(t: Iotlb): Iotlb {
  return { maps: t.maps, limit: t.limit, retire: t.retire };
}
