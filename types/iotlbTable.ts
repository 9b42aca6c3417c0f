// The map store as drivers/vhost/iotlb.c offers it to the rest of the kernel, and translate_desc
// over it: the calls the kernel conformance vectors make (shared/conformance/README.md). The model
// and the implementation both provide it, so the vectors judge each through its interface.

import type { Segment } from './observation.ts';

/** struct vhost_iotlb_map as [start, last (inclusive), addr, perm] */
export type IotlbMapTuple = readonly [start: bigint, last: bigint, addr: bigint, perm: number];

/** What translate_desc returned: the iovecs, -EAGAIN with the iova of the MISS, or another -errno. */
export type TranslateOutcome =
  | { readonly ok: readonly Segment[] }
  | { readonly miss: bigint }
  | { readonly errno: number };

export interface IotlbTable {
  /** vhost_iotlb_add_range: 0 or -errno */
  add(start: bigint, last: bigint, addr: bigint, perm: number): number;
  /** vhost_iotlb_del_range */
  del(start: bigint, last: bigint): void;
  /** vhost_iotlb_reset */
  reset(): void;
  /** vhost_iotlb_itree_first */
  first(start: bigint, last: bigint): IotlbMapTuple | null;
  /** itree_first, then itree_next until NULL */
  overlaps(start: bigint, last: bigint): IotlbMapTuple[];
  /** every map, in tree order */
  table(): IotlbMapTuple[];
  /** iotlb->nmaps */
  count(): number;
  /** translate_desc(iova, len, iov[VQ_IOV_MAX], access) with this table as the device IOTLB */
  translate(iova: bigint, len: number, access: number): TranslateOutcome;
}

/** vhost_iotlb_alloc(limit, retire ? VHOST_IOTLB_FLAG_RETIRE : 0) */
export type IotlbTableFactory = (limit: number, retire: boolean) => IotlbTable;
