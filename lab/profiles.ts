// Each lab kernel as a model profile: the kernel policy that claims to be it, every value with its
// reason (the version's source, Debian's config, a commit, or what the kernel answered in the lab).
// `negcheck kernel` runs a trace on the kernel and on the model with the trace's VMM and guest and
// this kernel policy; a field the claim leaves out cannot matter on this machine (said why below).

import type { KernelPolicy, VhostDevice } from '../types/policy.ts';
import type { Profile } from '../types/profile.ts';
import { LAB_CPU } from './qemu.ts';

/** A value and the reason it is this kernel's. */
export interface Claim<T> {
  readonly value: T;
  readonly why: string;
}

/** The policy fields a lab kernel settles (device is the trace's; hwInfo and kernelIdrFields are arm-smmu-v3's, no x86 lab kernel has one). */
export type ClaimedField = Exclude<keyof KernelPolicy, 'device' | 'hwInfo' | 'kernelIdrFields'>;

export interface LabProfile {
  readonly id: string;
  /** the QEMU CPU model every run boots on: access_ok's limit follows its paging levels */
  readonly cpu: Claim<string>;
  /** the vhost devices its guest has */
  readonly devices: Claim<readonly VhostDevice[]>;
  readonly kernel: { readonly [F in ClaimedField]: Claim<KernelPolicy[F]> };
}

const CPU: Claim<string> = { value: LAB_CPU, why: 'pinned for every lab run (lab/qemu.ts); qemu64 has no LA57, so the kernel runs 4-level paging' };

/** What all three share, each with its reason; a kernel's own entry overrides. */
const COMMON = {
  iotlbEnable: { value: 'access-platform', why: 'vhost_net_set_features / vhost_vsock_set_features: ACCESS_PLATFORM acked => vhost_init_device_iotlb (the lab: SET_FEATURES ACCESS_PLATFORM then a vring start misses)' },
  vsockAccessPlatform: { value: true, why: 'VHOST_VSOCK_FEATURES has VIRTIO_F_ACCESS_PLATFORM (e13a6915a03f, v5.11); the lab: vhost-vsock GET_FEATURES 0x33d000002 has bit 33' },
  sizeZero: { value: 'reject-update', why: 'vhost_process_iotlb_msg: "if (msg.type == VHOST_IOTLB_UPDATE && msg.size == 0)" -EINVAL only (ca50ec377c2e, v6.6; in 6.1.y as a stable backport)' },
  maxIotlbEntries: { value: 2048, why: 'drivers/vhost/vhost.c: static int max_iotlb_entries = 2048 (module parameter, left at its default)' },
  abi: { value: 'lp64', why: 'the amd64 kernel (struct vhost_msg / vhost_msg_v2: the IOTLB body at offset 8)' },
  accessOk: { value: 'x86-64', why: 'x86-64 with 4-level paging (the qemu64 CPU): TASK_SIZE_MAX = 2^47 - 4096' },
  parent: { value: 'vduse', why: 'the only vDPA parent the lab can have: VDPA_SIM is not set in Debian\'s config, VDPA_USER=m' },
} as const satisfies Partial<LabProfile['kernel']>;

export const LAB_PROFILES: readonly LabProfile[] = [
  {
    id: '6.1',
    cpu: CPU,
    devices: { value: ['vhost-net', 'vhost-vsock'], why: 'bookworm\'s cloud flavour: VHOST_NET=m, VHOST_VSOCK=m; CONFIG_VDPA is not set' },
    kernel: {
      ...COMMON,
      vdpaReset: { value: 'plain-reset', why: 'v6.1 drivers/vhost/vdpa.c (before 4398776f7a6d, v6.7); no vhost-vdpa in this config anyway' },
      featuresArray: { value: 'absent', why: 'no VHOST_GET/SET_FEATURES_ARRAY before 333c515d1896 (v6.17)' },
      iotlbTransitions: { value: 'keep-rings', why: '6.1.176 vhost_init_device_iotlb keeps the ring addresses (__vhost_vq_meta_reset only) and *_set_features has no else: the IOTLB stays; the lab: a start after SET_FEATURES ACCESS_PLATFORM misses at the used ring, 0x7f0000003000' },
      netFeatures: { value: 'base', why: '6.1.176 net.c:73-77 VHOST_NET_FEATURES has no RING_RESET; the lab: vhost-net GET_FEATURES 0x33d008000' },
    },
  },
  {
    id: '6.12',
    cpu: CPU,
    devices: { value: ['vhost-net', 'vhost-vsock', 'vhost-vdpa'], why: 'trixie\'s kernel: VHOST_NET=m, VHOST_VSOCK=m, VHOST_VDPA=m and VDPA_USER=m (vhost-vdpa over a VDUSE device the agent creates and answers, lab/agent/vduse.c)' },
    kernel: {
      ...COMMON,
      vdpaReset: { value: 'compat-reset', why: 'v6.12 drivers/vhost/vdpa.c vhost_vdpa_reset: vdpa_reset(v->vdpa, IOTLB_PERSIST acked ? 0 : VDPA_RESET_F_CLEAN_MAP) (4398776f7a6d, v6.7)' },
      featuresArray: { value: 'absent', why: 'no VHOST_GET/SET_FEATURES_ARRAY before 333c515d1896 (v6.17)' },
      iotlbTransitions: { value: 'invalidate-rings', why: '6.12.117 vhost.c vhost_init_device_iotlb -> vhost_vq_invalidate_access, *_set_features -> vhost_clear_device_iotlb ("vhost: invalidate vring access on IOTLB transitions", 6.12.114); the lab: the start misses at iova 0' },
      netFeatures: { value: 'ring-reset', why: '6.12.117 net.c:77 adds VIRTIO_F_RING_RESET; the lab: vhost-net GET_FEATURES 0x1033d008000' },
    },
  },
  {
    id: '7.2',
    cpu: CPU,
    devices: { value: ['vhost-net', 'vhost-vsock', 'vhost-vdpa'], why: 'sid\'s kernel: as trixie\'s (VDUSE at API version 0: one address space)' },
    kernel: {
      ...COMMON,
      vdpaReset: { value: 'compat-reset', why: 'as 6.12 (vhost_vdpa_reset with VDPA_RESET_F_CLEAN_MAP)' },
      iotlbTransitions: { value: 'invalidate-rings', why: 'as 6.12 (the fix is in 7.2.7); the lab: the start misses at iova 0' },
      netFeatures: { value: 'ring-reset-in-order', why: '7.2.13 net.c:72-81 vhost_net_bits[] adds VIRTIO_F_IN_ORDER; the lab: vhost-net GET_FEATURES 0x10b3d008000' },
      featuresArray: { value: 'clear-after-copied', why: 'v7.2 drivers/vhost/net.c VHOST_GET_FEATURES_ARRAY: clear_user(argp + size_mul(copied, sizeof(u64)), ...): the fix of the clear start is in' },
    },
  },
];

export function labProfile(id: string): LabProfile {
  const p = LAB_PROFILES.find(x => x.id === id);
  if (p === undefined) throw new Error(`no lab profile for kernel ${id} (lab/profiles.ts)`);
  return p;
}

/** The kernel policy a lab profile claims, for `device`. */
export function claimedPolicy(p: LabProfile, base: KernelPolicy, device: VhostDevice): KernelPolicy {
  const claimed = Object.fromEntries(Object.entries(p.kernel).map(([f, c]) => [f, c.value])) as { [F in ClaimedField]: KernelPolicy[F] };
  return { ...base, ...claimed, device };
}

/** A trace's profile with the lab kernel's policy in place of its own kernel's (and no proposal's rules: the kernel has none). */
export function onLabKernel(p: LabProfile, trace: Profile): Profile {
  return { kernel: claimedPolicy(p, trace.kernel, trace.kernel.device), vmm: trace.vmm, guest: trace.guest, smmu: trace.smmu };
}
