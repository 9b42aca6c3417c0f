// Ops and observations as ioctl-style trace lines: `VHOST_SET_FEATURES 0x1_0000_0000 -> 0`.

import type { Observation } from './observation.ts';
import type { Op } from './ops.ts';
import { ERRNO_NAMES, IOTLB_TYPE_NAMES, VHOST_IOTLB_MSG, VHOST_IOTLB_MSG_V2 } from './uapi.ts';

/** 0x-prefixed hex with `_` every 4 digits, as kernel developers write long masks. */
export function hex(v: bigint | number): string {
  const s = BigInt(v).toString(16);
  return '0x' + s.replace(/\B(?=([0-9a-f]{4})+$)/g, '_');
}

export function formatRet(ret: number): string {
  return ret < 0 ? `-${ERRNO_NAMES[-ret] ?? String(-ret)}` : String(ret);
}

const PERM = ['--', 'RO', 'WO', 'RW'];

export function formatOp(op: Op): string {
  switch (op.kind) {
    case 'GET_FEATURES': return 'VHOST_GET_FEATURES';
    case 'SET_FEATURES': return `VHOST_SET_FEATURES ${hex(op.features)}`;
    case 'GET_FEATURES_ARRAY': return `VHOST_GET_FEATURES_ARRAY count=${op.count} (buffer filled with ${hex(op.fill)})`;
    case 'SET_FEATURES_ARRAY': return `VHOST_SET_FEATURES_ARRAY count=${op.count} [${op.words.map(hex).join(', ')}]`;
    case 'GET_BACKEND_FEATURES': return 'VHOST_GET_BACKEND_FEATURES';
    case 'SET_BACKEND_FEATURES': return `VHOST_SET_BACKEND_FEATURES ${hex(op.features)}`;
    case 'IOTLB_WRITE': {
      const m = op.msg;
      const hdr = m.header === VHOST_IOTLB_MSG ? `v1/${m.layout}` : m.header === VHOST_IOTLB_MSG_V2 ? `v2 asid=${m.asid}` : `hdr=${m.header}`;
      const t = IOTLB_TYPE_NAMES[m.type] ?? `type=${m.type}`;
      const perm = PERM[m.perm] ?? `perm=${m.perm}`;
      const len = m.length === undefined ? '' : ` len=${m.length}`;
      return `write(${hdr} ${t} iova=${hex(m.iova)} size=${hex(m.size)} uaddr=${hex(m.uaddr)} ${perm}${len})`;
    }
    case 'IOTLB_WRITE_RAW': return `write(${op.bytes.length / 2} raw bytes ${op.bytes.length > 64 ? `${op.bytes.slice(0, 64)}...` : op.bytes || '-'})`;
    case 'IOTLB_READ': return `read(${op.len})`;
    case 'VDPA_SET_STATUS': return `VHOST_VDPA_SET_STATUS ${hex(op.status)}`;
    case 'VDPA_GET_STATUS': return 'VHOST_VDPA_GET_STATUS';
    case 'VQ_ACCESS': return `vq access ${PERM[op.access] ?? op.access} iova=${hex(op.iova)} len=${op.len}`;
    case 'VSOCK_SET_RUNNING': return `VHOST_VSOCK_SET_RUNNING ${op.start}`;
    case 'NET_SET_BACKEND': return `VHOST_NET_SET_BACKEND index=${op.index} fd=${op.fd}`;
    case 'VMM_SET_FEATURES': return `vmm: guest acked ${hex(op.guestFeatures)}, program vhost`;
    case 'DEVICE_RESET': return 'guest: reset device';
    case 'STATUS_WRITE': return `guest: status <- ${hex(op.status)}`;
    case 'STATUS_READ': return 'guest: read status';
    case 'FEATURES_WRITE': return `guest: driver features <- ${hex(op.features)}`;
    case 'FEATURES_READ': return 'guest: read driver features';
    case 'CONFIG_READ': return `guest: config read @${op.offset} width ${op.width}`;
    case 'DEVICE_NEEDS_RESET': return 'device: set DEVICE_NEEDS_RESET';
    case 'DRIVER_PROBE': return 'guest: virtio_dev_probe';
    case 'GET_HW_INFO': return 'IOMMU_GET_HW_INFO';
    case 'VMM_VSMMU_IDR': return 'vmm: build vSMMU IDR';
  }
}

export function formatObservation(o: Observation): string {
  switch (o.kind) {
    case 'ret': return formatRet(o.ret);
    case 'value': return o.ret < 0 ? formatRet(o.ret) : `${formatRet(o.ret)}, ${hex(o.value)}`;
    case 'read': return o.ret <= 0 ? formatRet(o.ret) : `${o.ret} bytes ${describeReadBytes(o.bytes)}`;
    case 'access':
      if (o.outcome === 'ok') return 'ok ' + o.segments.map(([u, l]) => `${hex(u)}+${l}`).join(' ');
      if (o.outcome === 'miss') return 'MISS (waits for userspace)';
      return `fault -${ERRNO_NAMES[o.errno] ?? o.errno}`;
    case 'vring': return o.miss === null ? formatRet(o.ret) : `${formatRet(o.ret)}, MISS iova=${hex(o.miss)} queued`;
    case 'vmm': return `VHOST_SET_FEATURES ${hex(o.set)} -> ${formatRet(o.ret)}`;
    case 'features-array': return `${formatRet(o.ret)}, buffer [${o.words.map(hex).join(', ')}]`;
    case 'config': return `bytes ${o.bytes}`;
    case 'probe': {
      const t = o.transcript;
      const reads = t.reads.map(r => `${r.stage}:${r.field}=${hex(r.value)}`).join(' ');
      return `${formatRet(t.result)} status=${hex(t.status)} negotiated=${hex(t.negotiated)}${reads ? ' ' + reads : ''}`;
    }
    case 'idr': return o.ret < 0 ? formatRet(o.ret) : o.idr.map(w => hex(w)).join(' ');
  }
}

function describeReadBytes(h: string): string {
  // header int, then (v2) asid, iotlb body at 8 on LP64
  if (h.length < 2 * 34) return h;
  const le = (off: number, n: number): bigint => {
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(parseInt(h.slice(2 * (off + i), 2 * (off + i) + 2), 16));
    return v;
  };
  const hdr = Number(le(0, 4));
  const type = Number(le(8 + 25, 1));
  return `${hdr === 2 ? 'v2' : 'v1'} ${IOTLB_TYPE_NAMES[type] ?? type} iova=${hex(le(8, 8))} perm=${PERM[Number(le(8 + 24, 1))] ?? '?'}`;
}

export function formatTrace(ops: readonly Op[], obs?: readonly Observation[]): string[] {
  return ops.map((op, i) => {
    const o = obs?.[i];
    return o ? `${formatOp(op)} -> ${formatObservation(o)}` : formatOp(op);
  });
}
