// Userspace's side of the vhost IOTLB wire format: lay a message out in bytes as a VMM
// built for `spec.layout` would (little-endian host, struct layouts from vhost_types.h).
// The kernel side (parsing) lives separately in model/ and impl/.

import type { IotlbWriteSpec, Op } from './ops.ts';
import { U64_MAX } from './bits.ts';
import { MSG_LAYOUT, V2_IOTLB_OFFSET, VHOST_IOTLB_MSG, VHOST_IOTLB_MSG_V2 } from './uapi.ts';


/** sizeof the whole message userspace would write for this header and layout. */
export function iotlbWriteFullSize(spec: Pick<IotlbWriteSpec, 'header' | 'layout'>): number {
  const l = MSG_LAYOUT[spec.layout];
  return spec.header === VHOST_IOTLB_MSG ? l.v1Size : l.v2Size;
}

export function encodeIotlbWrite(spec: IotlbWriteSpec): Uint8Array {
  const full = iotlbWriteFullSize(spec);
  const buf = new Uint8Array(full);
  const dv = new DataView(buf.buffer);
  dv.setInt32(0, spec.header | 0, true);
  const body = spec.header === VHOST_IOTLB_MSG ? MSG_LAYOUT[spec.layout].v1IotlbOffset : V2_IOTLB_OFFSET;
  if (spec.header === VHOST_IOTLB_MSG_V2) dv.setUint32(4, spec.asid >>> 0, true);
  dv.setBigUint64(body + 0, spec.iova & U64_MAX, true);
  dv.setBigUint64(body + 8, spec.size & U64_MAX, true);
  dv.setBigUint64(body + 16, spec.uaddr & U64_MAX, true);
  dv.setUint8(body + 24, spec.perm & 0xff);
  dv.setUint8(body + 25, spec.type & 0xff);
  const len = spec.length === undefined ? full : Math.max(0, Math.min(full, spec.length));
  return buf.subarray(0, len);
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new Error(`not a hex byte string: ${hex.slice(0, 20)}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const writeBytesOf = new WeakMap<object, Uint8Array>();

/**
 * The bytes of a write() op: the spec laid out as userspace would (encodeIotlbWrite), or the
 * raw bytes. The same op always gives the same bytes, so they are kept per op object (an explored
 * alphabet applies each op a million times); the kernel side (model and impl) still parses them on every write.
 * Callers only read them.
 */
export function userspaceWriteBytes(op: Extract<Op, { kind: 'IOTLB_WRITE' | 'IOTLB_WRITE_RAW' }>): Uint8Array {
  const key = op.kind === 'IOTLB_WRITE' ? op.msg : op;
  let bytes = writeBytesOf.get(key);
  if (bytes === undefined) {
    bytes = op.kind === 'IOTLB_WRITE' ? encodeIotlbWrite(op.msg) : fromHex(op.bytes);
    writeBytesOf.set(key, bytes);
  }
  return bytes;
}
