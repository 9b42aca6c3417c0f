// The kernel side of the vhost IOTLB wire format: vhost_chr_write_iter's framing, and the
// message the kernel queues for read() (vhost_iotlb_miss, vhost_chr_read_iter).

import { type Abi, EINVAL, MSG_LAYOUT, V2_IOTLB_OFFSET, VHOST_IOTLB_MISS, VHOST_IOTLB_MSG, VHOST_IOTLB_MSG_V2 } from '../types/uapi.ts';

/** struct vhost_iotlb_msg as the kernel copied it in. */
export interface IotlbMsg {
  readonly iova: bigint;
  readonly size: bigint;
  readonly uaddr: bigint;
  readonly perm: number;
  readonly type: number;
}

export type ParsedWrite =
  | { readonly ok: true; readonly header: number; readonly asid: number; readonly msg: IotlbMsg }
  | { readonly ok: false; readonly err: number };

/** n <= 8 little-endian bytes (a byte past the end reads 0), in two exact 32-bit halves: two bigint ops, not 2n. */
function readLe(bytes: Uint8Array, off: number, n: number): bigint {
  let lo = 0;
  let hi = 0;
  for (let i = Math.min(n, 4) - 1; i >= 0; i--) lo = lo * 256 + (bytes[off + i] ?? 0);
  for (let i = n - 1; i >= 4; i--) hi = hi * 256 + (bytes[off + i] ?? 0);
  return n > 4 ? (BigInt(hi) << 32n) | BigInt(lo) : BigInt(lo);
}

/**
 * vhost_chr_write_iter framing: read the int type (short: -EINVAL); v1 skips
 * offsetof(struct vhost_msg, iotlb) - sizeof(int); v2 reads the asid only when
 * VHOST_BACKEND_F_IOTLB_ASID is acked, else skips it; unknown type -EINVAL; a short
 * vhost_iotlb_msg -EINVAL.
 */
export function parseIotlbWrite(bytes: Uint8Array, abi: Abi, asidAcked: boolean): ParsedWrite {
  if (bytes.length < 4) return { ok: false, err: -EINVAL };
  const header = Number(BigInt.asIntN(32, readLe(bytes, 0, 4)));
  const layout = MSG_LAYOUT[abi];
  let body: number;
  let asid = 0;
  if (header === VHOST_IOTLB_MSG) {
    body = layout.v1IotlbOffset;
  } else if (header === VHOST_IOTLB_MSG_V2) {
    if (asidAcked) {
      if (bytes.length < 8) return { ok: false, err: -EINVAL };
      asid = Number(readLe(bytes, 4, 4));
    }
    body = V2_IOTLB_OFFSET;
  } else {
    return { ok: false, err: -EINVAL };
  }
  if (bytes.length < body + layout.iotlbMsgSize) return { ok: false, err: -EINVAL };
  const msg: IotlbMsg = {
    iova: readLe(bytes, body, 8),
    size: readLe(bytes, body + 8, 8),
    uaddr: readLe(bytes, body + 16, 8),
    perm: bytes[body + 24] ?? 0,
    type: bytes[body + 25] ?? 0,
  };
  return { ok: true, header, asid, msg };
}

/** What a successful write returns: sizeof(struct vhost_msg) or sizeof(struct vhost_msg_v2). */
export function writeReturn(header: number, abi: Abi): number {
  return header === VHOST_IOTLB_MSG ? MSG_LAYOUT[abi].v1Size : MSG_LAYOUT[abi].v2Size;
}

/** A MISS the kernel queued for read(): vhost_iotlb_miss (size and uaddr stay 0 from kzalloc). */
export interface QueuedMsg {
  readonly v2: boolean;
  readonly iova: bigint;
  readonly perm: number;
  readonly type: number;
}

export function missMsg(v2: boolean, iova: bigint, access: number): QueuedMsg {
  return { v2, iova, perm: access, type: VHOST_IOTLB_MISS };
}

/** The bytes vhost_chr_read_iter copies: the whole struct vhost_msg / vhost_msg_v2. */
export function encodeQueuedMsg(m: QueuedMsg, abi: Abi): Uint8Array {
  const layout = MSG_LAYOUT[abi];
  const size = m.v2 ? layout.v2Size : layout.v1Size;
  const out = new Uint8Array(size);
  const body = m.v2 ? V2_IOTLB_OFFSET : layout.v1IotlbOffset;
  writeLe(out, 0, 4, BigInt(m.v2 ? VHOST_IOTLB_MSG_V2 : VHOST_IOTLB_MSG));
  writeLe(out, body, 8, m.iova);
  out[body + 24] = m.perm & 0xff;
  out[body + 25] = m.type & 0xff;
  return out;
}

function writeLe(out: Uint8Array, off: number, n: number, v: bigint): void {
  for (let i = 0; i < n; i++) out[off + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}
