// vhost_chr_write_iter's framing and the read() encoding, on bytes via DataView, into a
// reusable message record (u64 fields as hi/lo).

import type { SizeZeroRule } from '../types/policy.ts';
import { type Abi, EINVAL, MSG_LAYOUT, V2_IOTLB_OFFSET, VHOST_IOTLB_INVALIDATE, VHOST_IOTLB_MSG, VHOST_IOTLB_MSG_V2, VHOST_IOTLB_UPDATE } from '../types/uapi.ts';

export class WireMsg {
  header = 0;
  asid = 0;
  iovaHi = 0; iovaLo = 0;
  sizeHi = 0; sizeLo = 0;
  uaddrHi = 0; uaddrLo = 0;
  perm = 0;
  type = 0;
}

/** Parse into `out`; returns 0 or -EINVAL for a framing error. */
export function parseWrite(bytes: Uint8Array, abi: Abi, asidAcked: boolean, out: WireMsg): number {
  const n = bytes.length;
  if (n < 4) return -EINVAL;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, n);
  const header = dv.getInt32(0, true);
  const layout = MSG_LAYOUT[abi];
  let body: number;
  out.asid = 0;
  if (header === VHOST_IOTLB_MSG) body = layout.v1IotlbOffset;
  else if (header === VHOST_IOTLB_MSG_V2) {
    if (asidAcked) {
      if (n < 8) return -EINVAL;
      out.asid = dv.getUint32(4, true);
    }
    body = V2_IOTLB_OFFSET;
  } else return -EINVAL;
  if (n < body + layout.iotlbMsgSize) return -EINVAL;
  out.header = header;
  out.iovaLo = dv.getUint32(body, true); out.iovaHi = dv.getUint32(body + 4, true);
  out.sizeLo = dv.getUint32(body + 8, true); out.sizeHi = dv.getUint32(body + 12, true);
  out.uaddrLo = dv.getUint32(body + 16, true); out.uaddrHi = dv.getUint32(body + 20, true);
  out.perm = dv.getUint8(body + 24);
  out.type = dv.getUint8(body + 25);
  return 0;
}

export function sizeZeroRejects(rule: SizeZeroRule, m: WireMsg): boolean {
  if (m.sizeHi !== 0 || m.sizeLo !== 0 || rule === 'accept-all') return false;
  if (rule === 'reject-all') return true;
  if (rule === 'reject-update') return m.type === VHOST_IOTLB_UPDATE;
  return m.type === VHOST_IOTLB_UPDATE || m.type === VHOST_IOTLB_INVALIDATE;
}

export function writeSize(header: number, abi: Abi): number {
  return header === VHOST_IOTLB_MSG ? MSG_LAYOUT[abi].v1Size : MSG_LAYOUT[abi].v2Size;
}

/** struct vhost_msg(_v2) holding a kernel-queued message (MISS: size and uaddr zero). */
export function encodeQueued(v2: boolean, iovaHi: number, iovaLo: number, perm: number, type: number, abi: Abi): Uint8Array {
  const layout = MSG_LAYOUT[abi];
  const out = new Uint8Array(v2 ? layout.v2Size : layout.v1Size);
  const dv = new DataView(out.buffer);
  const body = v2 ? V2_IOTLB_OFFSET : layout.v1IotlbOffset;
  dv.setInt32(0, v2 ? VHOST_IOTLB_MSG_V2 : VHOST_IOTLB_MSG, true);
  dv.setUint32(body, iovaLo, true);
  dv.setUint32(body + 4, iovaHi, true);
  out[body + 24] = perm & 0xff;
  out[body + 25] = type & 0xff;
  return out;
}
