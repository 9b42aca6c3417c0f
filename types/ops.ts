// Operations are plain data. fast-check generates and shrinks arrays of them; a counterexample
// is a JSON list of them that any implementation can replay.

import { GUEST_RAM_HVA } from './harness.ts';
import * as U from './uapi.ts';
import type { Abi } from './uapi.ts';

/**
 * What userspace lays out in a `write()` to the vhost fd. The bytes are produced by
 * `encodeIotlbWrite` (userspace's job); the kernel side of both the model and the
 * implementation parses only the bytes.
 */
export interface IotlbWriteSpec {
  /** the leading int: VHOST_IOTLB_MSG (1), VHOST_IOTLB_MSG_V2 (2), or anything */
  readonly header: number;
  /** the ABI userspace was built for (decides where the v1 body sits) */
  readonly layout: Abi;
  /** v2 only: the asid word */
  readonly asid: number;
  readonly iova: bigint;
  readonly size: bigint;
  readonly uaddr: bigint;
  readonly perm: number;
  readonly type: number;
  /** bytes actually written; undefined = the whole struct */
  readonly length?: number;
}

export type Op =
  // --- vhost character device ioctls and read/write (userspace → kernel) ---
  | { readonly kind: 'GET_FEATURES' }
  | { readonly kind: 'SET_FEATURES'; readonly features: bigint }
  | { readonly kind: 'GET_BACKEND_FEATURES' }
  | { readonly kind: 'SET_BACKEND_FEATURES'; readonly features: bigint }
  /**
   * VHOST_GET_FEATURES_ARRAY (333c515d1896): struct vhost_features_array { u64 count; u64 features[]; }
   * in the VMM's buffer (types/harness.ts FEATURES_ARRAY_*), whose words hold `fill` before the call
   */
  | { readonly kind: 'GET_FEATURES_ARRAY'; readonly count: bigint; readonly fill: bigint }
  /** VHOST_SET_FEATURES_ARRAY: `count`, then `words` in the buffer (its other words zero) */
  | { readonly kind: 'SET_FEATURES_ARRAY'; readonly count: bigint; readonly words: readonly bigint[] }
  | { readonly kind: 'IOTLB_WRITE'; readonly msg: IotlbWriteSpec }
  /** a write() of any bytes (hex), laid out by nobody: the kernel's parser gets exactly these */
  | { readonly kind: 'IOTLB_WRITE_RAW'; readonly bytes: string }
  | { readonly kind: 'IOTLB_READ'; readonly len: number }
  | { readonly kind: 'VDPA_SET_STATUS'; readonly status: number }
  | { readonly kind: 'VDPA_GET_STATUS' }
  // --- the device reaching guest memory through the vhost/vDPA translation ---
  | { readonly kind: 'VQ_ACCESS'; readonly iova: bigint; readonly len: number; readonly access: number }
  // --- starting and stopping the vrings: vhost's own first access of the used ring ---
  /** VHOST_VSOCK_SET_RUNNING: the int argument, nonzero starts, 0 stops */
  | { readonly kind: 'VSOCK_SET_RUNNING'; readonly start: number }
  /** VHOST_NET_SET_BACKEND: struct vhost_vring_file { unsigned index; int fd; }, fd -1 detaches */
  | { readonly kind: 'NET_SET_BACKEND'; readonly index: number; readonly fd: number }
  // --- the VMM's feature plumbing (policy-driven) ---
  | { readonly kind: 'VMM_SET_FEATURES'; readonly guestFeatures: bigint }
  // --- the guest's virtio transport, raw (driver → device) ---
  | { readonly kind: 'DEVICE_RESET' }
  | { readonly kind: 'STATUS_WRITE'; readonly status: number }
  | { readonly kind: 'STATUS_READ' }
  | { readonly kind: 'FEATURES_WRITE'; readonly features: bigint }
  | { readonly kind: 'FEATURES_READ' }
  | { readonly kind: 'CONFIG_READ'; readonly offset: number; readonly width: number }
  | { readonly kind: 'DEVICE_NEEDS_RESET' }
  // --- the guest driver's whole probe, per the guest profile's flow ---
  | { readonly kind: 'DRIVER_PROBE' }
  // --- iommufd / vSMMU ---
  | { readonly kind: 'GET_HW_INFO' }
  | { readonly kind: 'VMM_VSMMU_IDR' };

export type OpKind = Op['kind'];

/** The ops that start or stop a device's vrings. */
export type VringOp = Extract<Op, { kind: 'VSOCK_SET_RUNNING' | 'NET_SET_BACKEND' }>;
export const isVringOp = (op: Op): op is VringOp => op.kind === 'VSOCK_SET_RUNNING' || op.kind === 'NET_SET_BACKEND';

/** Which party of the stack handles each op kind. */
export type Party = 'vhost' | 'vmm' | 'virtio' | 'hwinfo';

export const OP_PARTY: Readonly<Record<OpKind, Party>> = {
  GET_FEATURES: 'vhost', SET_FEATURES: 'vhost', GET_BACKEND_FEATURES: 'vhost', SET_BACKEND_FEATURES: 'vhost',
  GET_FEATURES_ARRAY: 'vhost', SET_FEATURES_ARRAY: 'vhost',
  IOTLB_WRITE: 'vhost', IOTLB_WRITE_RAW: 'vhost', IOTLB_READ: 'vhost', VDPA_SET_STATUS: 'vhost', VDPA_GET_STATUS: 'vhost', VQ_ACCESS: 'vhost',
  VSOCK_SET_RUNNING: 'vhost', NET_SET_BACKEND: 'vhost',
  VMM_SET_FEATURES: 'vmm',
  DEVICE_RESET: 'virtio', STATUS_WRITE: 'virtio', STATUS_READ: 'virtio', FEATURES_WRITE: 'virtio',
  FEATURES_READ: 'virtio', CONFIG_READ: 'virtio', DEVICE_NEEDS_RESET: 'virtio', DRIVER_PROBE: 'virtio',
  GET_HW_INFO: 'hwinfo', VMM_VSMMU_IDR: 'hwinfo',
};

// --- builders ------------------------------------------------------------------------------------

/** A v2 message of this userspace (asid 0) unless `extra` says otherwise. */
export function msgSpec(type: number, iova: bigint, size: bigint, uaddr = GUEST_RAM_HVA, perm: number = U.VHOST_ACCESS_RW,
  extra: Partial<IotlbWriteSpec> = {}): IotlbWriteSpec {
  return { header: U.VHOST_IOTLB_MSG_V2, layout: 'lp64', asid: 0, iova, size, uaddr, perm, type, ...extra };
}

/** An IOTLB message written as one (of `type`, when given). */
export type IotlbWrite = Extract<Op, { kind: 'IOTLB_WRITE' }>;
export const isIotlbWrite = (op: Op | undefined, type?: number): op is IotlbWrite =>
  op?.kind === 'IOTLB_WRITE' && (type === undefined || op.msg.type === type);

/** That message, written. */
export const iotlbMsg = (...args: Parameters<typeof msgSpec>): Op => ({ kind: 'IOTLB_WRITE', msg: msgSpec(...args) });

/** A one-byte read access (the laws judge one-byte accesses). */
export const access1 = (iova: bigint, access: number = U.VHOST_ACCESS_RO): Op => ({ kind: 'VQ_ACCESS', iova, len: 1, access });
