// The seed stories a real kernel can show, as traces `negcheck kernel` runs by default beside the
// corpus: each on the kernel and on the model with that kernel's profile. Where the model's answer
// depends on the kernel (6.1 has no array ioctls, 7.2 has them), the same trace shows it on each.

import { crosvmOld, qemuExtendedVmm, upstreamProfile } from '../generators/profiles.ts';
import { bit } from '../types/bits.ts';
import { FEATURES_ARRAY_WORDS, VRING_USED_ADDR, GUEST_RAM_HVA } from '../types/harness.ts';
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
    // a VMM that does speak the IOTLB: the used rings mapped, the start succeeds
    name: 'story: an IOTLB-speaking VMM maps the used rings, then starts vhost-vsock',
    profile: on('vhost-vsock'),
    ops: [
      { kind: 'SET_BACKEND_FEATURES', features: bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2) },
      { kind: 'SET_FEATURES', features: AP | V1 },
      mapUsedRings(),
      { kind: 'VSOCK_SET_RUNNING', start: 1 },
      { kind: 'VSOCK_SET_RUNNING', start: 0 },
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
];
