// I2 for explore: vhost-vsock and vhost-net under every IOTLB-enable rule, with and without
// ACCESS_PLATFORM on vsock, driven by VMMs that do not speak the IOTLB (over the proposal scope
// also crosvm before 4e7d00be); ops: the VMM's feature plumbing, vring starts and stops, accesses
// into guest RAM. Each step is judged on its own, so the monitor keeps nothing.

import { GUEST_RAM_SIZE } from '../types/harness.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { VmmProfile } from '../types/policy.ts';
import * as U from '../types/uapi.ts';
import { AP, byLevel, PAGE } from '../generators/values.ts';
import { access1 } from '../types/ops.ts';
import {
  axis, describeAxes, labelled, lawEntry, makeScope, product, withDefaults, type Axis, type ExploreScope, type ScopeOptions,
} from '../generators/scope.ts';
import { GUEST_BITS, i2Profile, noSilentIotlbLaw, qemuNoIommu, VRING_STARTS, VRING_STOPS } from './i2-no-silent-iotlb.ts';
import { crosvmFixed, crosvmOld, qemuVmm } from '../generators/profiles.ts';
import { bit } from '../types/bits.ts';

const VMM_NAMES = new Map<VmmProfile, string>([
  [crosvmOld, 'crosvm before 4e7d00be'], [crosvmFixed, 'crosvm after 4e7d00be'], [qemuNoIommu, 'QEMU without vIOMMU'], [qemuVmm, 'QEMU'],
]);
const vmmAxis = (vmms: readonly VmmProfile[]): Axis<VmmProfile> => labelled(v => VMM_NAMES.get(v) ?? 'a VMM', vmms);

const vmmSet = (guestFeatures: bigint): Op => ({ kind: 'VMM_SET_FEATURES', guestFeatures });
const VERSION_1 = bit(U.VIRTIO_F_VERSION_1);

export function i2Scope(opts?: ScopeOptions): ExploreScope {
  const options = withDefaults(opts);
  const axes = {
    device: axis<Profile['kernel']['device']>('vhost-vsock', 'vhost-net'),
    iotlbEnable: axis<Profile['kernel']['iotlbEnable']>('access-platform', 'access-platform-after-msg-v2-ack', 'separate-bit'),
    vsockAccessPlatform: axis(false, true),
    // as I2's profiles and scope: QEMU with a vIOMMU speaks the IOTLB, so I2 judges nothing there
    vmm: vmmAxis(options.over === 'scope' ? [crosvmOld, crosvmFixed, qemuNoIommu, qemuVmm] : [crosvmFixed, qemuNoIommu]),
  };
  const alphabet = byLevel<Op>(options.values,
    [vmmSet(AP), vmmSet(0n), ...VRING_STARTS, access1(0n)],
    [vmmSet(VERSION_1), vmmSet(AP | VERSION_1), ...VRING_STOPS,
      // the last page of guest RAM, read-write
      { kind: 'VQ_ACCESS', iova: GUEST_RAM_SIZE - PAGE, len: Number(PAGE), access: U.VHOST_ACCESS_RW }],
    [vmmSet(GUEST_BITS.reduce((a, b) => a | bit(b), 0n)), { kind: 'GET_FEATURES' },
      access1(GUEST_RAM_SIZE - 1n, U.VHOST_ACCESS_WO),
      // past the end of guest RAM: not judged (outside what the VMM registered)
      { kind: 'VQ_ACCESS', iova: GUEST_RAM_SIZE - 1n, len: 2, access: U.VHOST_ACCESS_RO }],
  );
  return makeScope({
    property: 'I2', options, profiles: product(axes).map(i2Profile), alphabet, vacuous: noSilentIotlbLaw.vacuous!,
    profileLines: [describeAxes(axes)],
  });
}

export const I2_EXPLORE = lawEntry('I2', i2Scope, noSilentIotlbLaw);
