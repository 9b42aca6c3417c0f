// A device access through a map store, as translate_desc (drivers/vhost/vhost.c) walks it.

import { VQ_IOV_MAX } from '../types/harness.ts';
import type { Segment } from '../types/observation.ts';
import { type Iotlb, iotlbFirst, mapSize, u64 } from './iotlb.ts';

export type Translation =
  | { readonly outcome: 'ok'; readonly segments: readonly Segment[] }
  /** no map, or a hole, at `addr` (the first unmapped byte) */
  | { readonly outcome: 'hole'; readonly addr: bigint }
  /** !(map->perm & access): -EPERM, and no MISS */
  | { readonly outcome: 'perm' }
  | { readonly outcome: 'nobufs' };

/**
 * translate_desc: `last = addr + len - 1` is fixed up front (wrapping); each step takes
 * itree_first(addr, last); a missing map or one starting after addr is a hole; a map without
 * the access bit is -EPERM; otherwise emit [map->addr + addr - map->start, min(len - s, size)]
 * and advance by size = map->size - addr + map->start.
 *
 * The byte counter `s` is a u64 and `s += size` wraps: a map that runs to within `s` bytes of
 * 2^64 (size >= 2^64 - s) leaves s smaller than len, so the walk goes on past what it already
 * emitted, from the address after the map (conformance vectors, trace tiny-24). Mirrored here.
 */
export function translateDesc(t: Iotlb, addr: bigint, len: number, access: number): Translation {
  const segments: Segment[] = [];
  const total = BigInt(len);
  const last = u64(addr + total - 1n);
  let s = 0n;
  while (total > s) {
    if (segments.length >= VQ_IOV_MAX) return { outcome: 'nobufs' };
    const m = iotlbFirst(t, addr, last);
    if (m === undefined || m.start > addr) return { outcome: 'hole', addr };
    if ((m.perm & access) === 0) return { outcome: 'perm' };
    const size = u64(mapSize(m) - addr + m.start);
    const segLen = total - s < size ? total - s : size;
    segments.push([u64(m.addr + addr - m.start), Number(segLen)]);
    s = u64(s + size);
    addr = u64(addr + size);
  }
  return { outcome: 'ok', segments };
}
