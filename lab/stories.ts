// The seed stories a real kernel can show, as traces `negcheck kernel` runs by default beside the
// corpus: each on the kernel and on the model with that kernel's profile. Where the model's answer
// depends on the kernel (6.1 has no array ioctls, 7.2 has them), the same trace shows it on each.

import { crosvmOld, qemuExtendedVmm, upstreamProfile } from '../generators/profiles.ts';
import { bit } from '../types/bits.ts';
import { FEATURES_ARRAY_ADDR, FEATURES_ARRAY_WORDS, GUEST_RAM_HVA, VRING_AVAIL_ADDR, VRING_DESC_ADDR, VRING_USED_ADDR } from '../types/harness.ts';
import { iotlbMsg, type Op } from '../types/ops.ts';
import type { VhostDevice } from '../types/policy.ts';
import type { Profile } from '../types/profile.ts';
import * as U from '../types/uapi.ts';
import type { KernelInput } from './inputs.ts';

const AP = bit(U.VIRTIO_F_ACCESS_PLATFORM);
const V1 = bit(U.VIRTIO_F_VERSION_1);
/** struct vhost_msg_v2 on x86-64: what read() returns for one queued message */
const MSG_BYTES = 72;

const on = (device: VhostDevice, vmm = upstreamProfile.vmm): Profile => ({ ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device }, vmm });

/** A one-page map of the used rings' page (both vqs' used rings share it: types/harness.ts) to guest RAM. */
const mapUsedRings = (): Op => iotlbMsg(U.VHOST_IOTLB_UPDATE, VRING_USED_ADDR[0]!, 0x1000n, GUEST_RAM_HVA + 0x3000n);

/** A device access of 16 bytes at `iova` (on vhost-vdpa: the agent's VDUSE parent translating it). */
const read16 = (iova: bigint): Op => ({ kind: 'VQ_ACCESS', iova, len: 16, access: U.VHOST_ACCESS_RO });
const vdpaStatus = (status: number): Op => ({ kind: 'VDPA_SET_STATUS', status });
const S = { ACK: 1, DRIVER: 2, DRIVER_OK: 4, FEATURES_OK: 8 } as const;
const V2_BATCH = bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2) | bit(U.VHOST_BACKEND_F_IOTLB_BATCH);

/** vhost-vdpa's own max_iotlb_entries (drivers/vhost/vdpa.c module parameter, default 2048; not vhost.c's) */
const VHOST_VDPA_MAX_IOTLB_ENTRIES = 2048;

export const LAB_STORIES: readonly KernelInput[] = [
  {
    // seeds 000/001: crosvm before 4e7d00be acks ACCESS_PLATFORM for vhost-vsock and never feeds the
    // IOTLB; the start fails with -EFAULT and a MISS waits, which crosvm never reads (read here)
    name: 'story: crosvm intersects ACCESS_PLATFORM on vhost-vsock (seeds 000/001)',
    profile: on('vhost-vsock', crosvmOld),
    ops: [
      { kind: 'VMM_SET_FEATURES', guestFeatures: AP | V1 },
      { kind: 'VSOCK_SET_RUNNING', start: 1 },
      { kind: 'IOTLB_READ', len: MSG_BYTES },
      { kind: 'IOTLB_READ', len: MSG_BYTES },
      { kind: 'VSOCK_SET_RUNNING', start: 0 },
    ],
  },
  {
    name: 'story: the same on vhost-net: VHOST_NET_SET_BACKEND with the tap',
    profile: on('vhost-net', crosvmOld),
    ops: [
      { kind: 'VMM_SET_FEATURES', guestFeatures: AP | V1 },
      { kind: 'NET_SET_BACKEND', index: 0, fd: 3 },
      { kind: 'IOTLB_READ', len: MSG_BYTES },
      { kind: 'NET_SET_BACKEND', index: 0, fd: -1 },
      { kind: 'IOTLB_READ', len: MSG_BYTES },
    ],
  },
  {
    // a VMM that does speak the IOTLB: the used rings mapped, the start succeeds (on 6.1: 6.12 and
    // 7.2 forgot the ring addresses when the IOTLB came on); then vhost's worker prefetches vq 0's
    // rings and misses at its desc ring, which the reads show; with every ring mapped, nothing
    name: 'story: an IOTLB-speaking VMM maps the used rings, then starts vhost-vsock',
    profile: on('vhost-vsock'),
    ops: [
      { kind: 'SET_BACKEND_FEATURES', features: bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2) },
      { kind: 'SET_FEATURES', features: AP | V1 },
      mapUsedRings(),
      { kind: 'VSOCK_SET_RUNNING', start: 1 },
      { kind: 'IOTLB_READ', len: MSG_BYTES },
      { kind: 'IOTLB_READ', len: MSG_BYTES },
      { kind: 'VSOCK_SET_RUNNING', start: 0 },
      iotlbMsg(U.VHOST_IOTLB_UPDATE, VRING_DESC_ADDR[0]!, 0x1000n, GUEST_RAM_HVA + 0x1000n, U.VHOST_ACCESS_RO),
      iotlbMsg(U.VHOST_IOTLB_UPDATE, VRING_AVAIL_ADDR[0]!, 0x1000n, GUEST_RAM_HVA + 0x2000n, U.VHOST_ACCESS_RO),
      { kind: 'VSOCK_SET_RUNNING', start: 1 },
      { kind: 'IOTLB_READ', len: MSG_BYTES },
      { kind: 'VSOCK_SET_RUNNING', start: 0 },
    ],
  },
  {
    // a used ring that translates, but to a uaddr the VMM maps nothing at: __put_user faults, the
    // start is -EFAULT and no MISS is queued
    name: 'story: the used rings mapped to memory the VMM does not have',
    profile: on('vhost-vsock'),
    ops: [
      { kind: 'SET_BACKEND_FEATURES', features: bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2) },
      { kind: 'SET_FEATURES', features: AP | V1 },
      iotlbMsg(U.VHOST_IOTLB_UPDATE, VRING_USED_ADDR[0]!, 0x1000n, 0x1000n),
      { kind: 'VSOCK_SET_RUNNING', start: 1 },
      { kind: 'IOTLB_READ', len: MSG_BYTES },
    ],
  },
  {
    // size 0: UPDATE refused (e2ae38cf3d91, then ca50ec377c2e), INVALIDATE iova 0 size 0 the whole space
    name: 'story: size-0 UPDATE and INVALIDATE',
    profile: on('vhost-vsock'),
    ops: [
      { kind: 'SET_BACKEND_FEATURES', features: bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2) },
      { kind: 'SET_FEATURES', features: AP | V1 },
      iotlbMsg(U.VHOST_IOTLB_UPDATE, 0n, 0n),
      iotlbMsg(U.VHOST_IOTLB_UPDATE, 0x1000n, 0n),
      mapUsedRings(),
      iotlbMsg(U.VHOST_IOTLB_INVALIDATE, 0x1000n, 0n),
      { kind: 'VSOCK_SET_RUNNING', start: 1 },
      { kind: 'VSOCK_SET_RUNNING', start: 0 },
      iotlbMsg(U.VHOST_IOTLB_INVALIDATE, 0n, 0n),
      { kind: 'VSOCK_SET_RUNNING', start: 1 },
      { kind: 'IOTLB_READ', len: MSG_BYTES },
    ],
  },
  {
    // 333c515d1896: absent on 6.1 and 6.12 (an unknown ioctl: count's low word read as a vq index),
    // present on 7.2; which words a GET past the kernel's two clears, what a SET past them refuses
    name: 'story: VHOST_GET/SET_FEATURES_ARRAY on vhost-net',
    profile: on('vhost-net', qemuExtendedVmm),
    ops: [
      ...[0n, 1n, 2n, 3n, BigInt(FEATURES_ARRAY_WORDS), 5n].map((count): Op => ({ kind: 'GET_FEATURES_ARRAY', count, fill: 0x5a5a_5a5a_5a5a_5a5an })),
      { kind: 'GET_FEATURES_ARRAY', count: 1n << 61n, fill: 0n },
      { kind: 'SET_FEATURES_ARRAY', count: 2n, words: [AP | V1, 0xan] },
      { kind: 'SET_FEATURES_ARRAY', count: 3n, words: [V1, 0n, 1n] },
      { kind: 'SET_FEATURES_ARRAY', count: 3n, words: [V1, 0n, 0n] },
      { kind: 'SET_FEATURES_ARRAY', count: 2n, words: [V1, 0x1n] },
      { kind: 'GET_FEATURES' },
      { kind: 'VMM_SET_FEATURES', guestFeatures: AP | V1 | bit(U.VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO) },
    ],
  },
  {
    // seed 002: IOTLB_PERSIST is offered only by a parent whose maps persist (4398776f7a6d, v6.7);
    // VDUSE has set_map and no reset_map, so it is not, and asking for it is refused
    name: 'story: what vhost-vdpa offers over a VDUSE parent (IOTLB_PERSIST or not)',
    profile: on('vhost-vdpa'),
    ops: [
      { kind: 'GET_FEATURES' },
      { kind: 'GET_BACKEND_FEATURES' },
      { kind: 'SET_BACKEND_FEATURES', features: V2_BATCH | bit(U.VHOST_BACKEND_F_IOTLB_PERSIST) },
      { kind: 'SET_BACKEND_FEATURES', features: V2_BATCH | bit(U.VHOST_BACKEND_F_SUSPEND) },
      { kind: 'SET_BACKEND_FEATURES', features: V2_BATCH },
      { kind: 'GET_BACKEND_FEATURES' },
    ],
  },
  {
    // seed 002: what a reset does to the parent's maps (VDUSE: vduse_dev_reset keeps the set_map
    // maps, with or without CLEAN_MAP: it has no compat_reset), and what a batch defers
    name: 'story: a VDUSE parent\'s maps across a batch, a reset and an INVALIDATE',
    profile: on('vhost-vdpa'),
    ops: [
      { kind: 'SET_BACKEND_FEATURES', features: V2_BATCH },
      read16(0x1000n),
      iotlbMsg(U.VHOST_IOTLB_UPDATE, 0x1000n, 0x1000n, GUEST_RAM_HVA + 0x5000n, U.VHOST_ACCESS_RW),
      read16(0x1000n),
      read16(0x1ff8n),
      iotlbMsg(U.VHOST_IOTLB_UPDATE, 0x1800n, 0x1000n, GUEST_RAM_HVA + 0x9000n, U.VHOST_ACCESS_RW),
      iotlbMsg(U.VHOST_IOTLB_BATCH_BEGIN, 0n, 0n),
      iotlbMsg(U.VHOST_IOTLB_UPDATE, 0x2000n, 0x1000n, GUEST_RAM_HVA + 0x8000n, U.VHOST_ACCESS_RO),
      read16(0x2000n),
      iotlbMsg(U.VHOST_IOTLB_BATCH_END, 0n, 0n),
      read16(0x2000n),
      read16(0x1ff8n),
      { kind: 'VQ_ACCESS', iova: 0x2000n, len: 16, access: U.VHOST_ACCESS_WO },
      vdpaStatus(S.ACK), vdpaStatus(S.ACK | S.DRIVER), { kind: 'SET_FEATURES', features: AP | V1 },
      vdpaStatus(S.ACK | S.DRIVER | S.FEATURES_OK), vdpaStatus(S.ACK | S.DRIVER | S.FEATURES_OK | S.DRIVER_OK),
      { kind: 'VDPA_GET_STATUS' },
      vdpaStatus(S.ACK),
      vdpaStatus(0),
      { kind: 'VDPA_GET_STATUS' },
      read16(0x1000n),
      iotlbMsg(U.VHOST_IOTLB_INVALIDATE, 0x1000n, 0x1000n),
      read16(0x1000n),
      read16(0x2000n),
      iotlbMsg(U.VHOST_IOTLB_INVALIDATE, 0n, 0n),
      read16(0x2000n),
    ],
  },
  {
    // vhost_vdpa_va_map (VDUSE is a use_va parent) maps only what a shared file backs: a map of
    // the features-array buffer's page (anonymous, private) is accepted and maps nothing
    name: 'story: vhost-vdpa maps memory no shared file backs (VA mode)',
    profile: on('vhost-vdpa'),
    ops: [
      { kind: 'SET_BACKEND_FEATURES', features: V2_BATCH },
      iotlbMsg(U.VHOST_IOTLB_UPDATE, 0x1000n, 0x1000n, FEATURES_ARRAY_ADDR & ~0xfffn, U.VHOST_ACCESS_RW),
      read16(0x1000n),
      iotlbMsg(U.VHOST_IOTLB_UPDATE, 0x1000n, 0x1000n, GUEST_RAM_HVA, U.VHOST_ACCESS_RW),
      read16(0x1000n),
    ],
  },
  {
    // vhost_vdpa_alloc_as: vhost_iotlb_init(&as->iotlb, max_iotlb_entries, 0), a limit and no retire
    // (a batch, so the parent's set_map runs once, at BATCH_END); known difference vhost-iotlb-limit-enforced
    name: 'story: the 2049th map of a vhost-vdpa address space',
    profile: on('vhost-vdpa'),
    ops: [
      { kind: 'SET_BACKEND_FEATURES', features: V2_BATCH },
      iotlbMsg(U.VHOST_IOTLB_BATCH_BEGIN, 0n, 0n),
      ...Array.from({ length: VHOST_VDPA_MAX_IOTLB_ENTRIES + 1 }, (_, i) =>
        iotlbMsg(U.VHOST_IOTLB_UPDATE, 0x1000n * BigInt(1 + i), 0x1000n, GUEST_RAM_HVA + 0x1000n * BigInt(i), U.VHOST_ACCESS_RO)),
      iotlbMsg(U.VHOST_IOTLB_BATCH_END, 0n, 0n),
      read16(0x1000n * BigInt(VHOST_VDPA_MAX_IOTLB_ENTRIES)),
      read16(0x1000n * BigInt(VHOST_VDPA_MAX_IOTLB_ENTRIES + 1)),
    ],
  },
];
