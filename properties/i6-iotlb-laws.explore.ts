// I6 for explore: vhost-net, vhost-vsock and vhost-vdpa on every parent, under every size-0 rule
// since e2ae38cf3d91, both kernel ABIs with a VMM built for each writing v1 or v2 messages, IOTLB
// limits at their edges; ops: ACCESS_PLATFORM, the writes the laws match (INVALIDATE / UPDATE of
// a page, an INVALIDATE meeting its last byte), the malformed ones (size 0, wrapping, bad header),
// batches, v1 in both layouts, one-byte accesses at the page's edges and at 2^64-1, the used rings
// mapped and each device's vring start. The monitor keeps the flags and the look-back window.

import { NET_TAP_FD, VRING_USED_ADDR } from '../types/harness.ts';
import { encodeIotlbWrite, toHex } from '../types/iotlbWire.ts';
import type { IotlbWriteSpec, Op } from '../types/ops.ts';
import type { KernelPolicy } from '../types/policy.ts';
import * as U from '../types/uapi.ts';
import { KERNEL_VALUES } from '../generators/vhost.ts';
import { U64_MAX, bits } from '../types/bits.ts';
import { AP, byLevel, PAGE, UADDR32 } from '../generators/values.ts';
import { access1, iotlbMsg, msgSpec } from '../types/ops.ts';
import {
  axis, describeAxes, lawEntry, makeScope, product, withDefaults, type Axis, type ExploreScope, type ScopeOptions, type ValueLevel,
} from '../generators/scope.ts';
import { i6Profile, iotlbLaw } from './i6-iotlb-laws.ts';
import { upstreamKernel } from '../generators/profiles.ts';

const UPDATE = U.VHOST_IOTLB_UPDATE;
const INVALIDATE = U.VHOST_IOTLB_INVALIDATE;

/** The kernel variants of one device: the fields its model code reads (model/vhost.ts, model/vdpa.ts), each over its value set. */
function deviceAxes(level: ValueLevel): readonly (readonly [KernelPolicy['device'], Record<string, Axis<unknown>>])[] {
  // 640 (retirement above one index block, P0's big-table regime) cannot be reached at these depths; wide lists it as every drawn value
  const limits = axis(...byLevel<number>(level, [2048], [1, 2], [3, 4, 8, 640]));
  const accessOk = byLevel<KernelPolicy['accessOk']>(level, ['x86-64'], [], ['alternate-address-space']);
  const resets = byLevel<KernelPolicy['vdpaReset']>(level, ['compat-reset'], [], KERNEL_VALUES.vdpaReset.filter(r => r !== 'compat-reset'));
  // the IOTLB going off when the bit is acked away (6.12, 7.2) and staying (6.1)
  const transitions = axis<KernelPolicy['iotlbTransitions']>('invalidate-rings', 'keep-rings');
  return [
    ['vhost-net', { maxIotlbEntries: limits, accessOk: axis(...accessOk), iotlbTransitions: transitions }],
    ['vhost-vsock', { maxIotlbEntries: limits, vsockAccessPlatform: axis(...byLevel(level, [true], [], [false])), iotlbTransitions: transitions }],
    ['vhost-vdpa', { parent: axis(...KERNEL_VALUES.parent), vdpaReset: axis(...resets) }],
  ];
}

const v1 = (layout: U.Abi): Partial<IotlbWriteSpec> => ({ header: U.VHOST_IOTLB_MSG, layout });

export function i6Scope(opts?: ScopeOptions): ExploreScope {
  const options = withDefaults(opts);
  const level = options.values;
  const common = {
    // I6 judges proposals over its own profiles (it has no wider scope): every merged kernel since
    // e2ae38cf3d91; a proposal that leaves size 0 unchecked pins it
    sizeZero: axis(...KERNEL_VALUES.sizeZero.filter(r => r !== 'accept-all')),
    abi: axis(...KERNEL_VALUES.abi),
    iotlbMsgV2: axis(false, true),
  };
  const lines: string[] = [];
  const profiles = deviceAxes(level).flatMap(([device, own]) => {
    const axes = { ...own, ...common };
    lines.push(`${device}: ${describeAxes(axes)}`);
    return product(axes).map(({ iotlbMsgV2, ...k }) => {
      const kernel = { ...upstreamKernel, device, ...k } as KernelPolicy;
      // as kernelPolicyArb: a 32-bit kernel is x86-32
      return i6Profile(kernel.abi === 'i386' ? { ...kernel, accessOk: 'x86-32' } : kernel, iotlbMsgV2 as boolean);
    });
  });
  lines.push('a 32-bit kernel is x86-32 (as kernelPolicyArb); iotlbEnable = access-platform; vmm: QEMU built for the kernel\'s ABI (userAbi = abi)');
  const alphabet = byLevel<Op>(level,
    [
      { kind: 'SET_FEATURES', features: AP },
      // hit, miss, whole: INVALIDATE(r) UPDATE(r) [INVALIDATE(q), q meeting r's last byte] then accesses
      iotlbMsg(INVALIDATE, 0n, PAGE), iotlbMsg(UPDATE, 0n, PAGE, UADDR32, U.VHOST_ACCESS_RW), iotlbMsg(INVALIDATE, PAGE - 1n, 1n),
      // size 0: an UPDATE the kernel must refuse; an INVALIDATE of the whole space where allowed
      iotlbMsg(UPDATE, 0n, 0n), iotlbMsg(INVALIDATE, 0n, 0n),
      iotlbMsg(U.VHOST_IOTLB_BATCH_BEGIN, 0n, 0n), iotlbMsg(U.VHOST_IOTLB_BATCH_END, 0n, 0n),
      access1(0n), access1(PAGE - 1n), access1(PAGE),
    ],
    [
      // a map without the read permission: an access is -EPERM
      iotlbMsg(UPDATE, 0n, PAGE, UADDR32, U.VHOST_ACCESS_WO),
      // the top page (last = 2^64-1), and an UPDATE that wraps past it
      iotlbMsg(UPDATE, U64_MAX - PAGE + 1n, PAGE, UADDR32, U.VHOST_ACCESS_RW), iotlbMsg(UPDATE, U64_MAX, 2n),
      // a header that is neither v1 nor v2
      iotlbMsg(UPDATE, 0n, PAGE, UADDR32, U.VHOST_ACCESS_RW, { header: 0 }),
      // v1 in each layout: the VMM's own, or a foreign one the kernel misreads
      iotlbMsg(INVALIDATE, 0n, PAGE, UADDR32, U.VHOST_ACCESS_RW, v1('lp64')), iotlbMsg(INVALIDATE, 0n, PAGE, UADDR32, U.VHOST_ACCESS_RW, v1('i386')),
      access1(U64_MAX),
      // start: both used rings mapped read-write to their own HVA (one page holds both), and each device's start
      iotlbMsg(UPDATE, VRING_USED_ADDR[0]!, PAGE, VRING_USED_ADDR[0]!, U.VHOST_ACCESS_RW),
      { kind: 'VSOCK_SET_RUNNING', start: 1 }, { kind: 'NET_SET_BACKEND', index: 0, fd: NET_TAP_FD },
    ],
    [
      { kind: 'SET_BACKEND_FEATURES', features: bits(U.VHOST_BACKEND_F_IOTLB_MSG_V2, U.VHOST_BACKEND_F_IOTLB_BATCH) },
      { kind: 'VMM_SET_FEATURES', guestFeatures: AP },
      iotlbMsg(UPDATE, 0n, PAGE, UADDR32, U.VHOST_ACCESS_RW, v1('lp64')), iotlbMsg(UPDATE, 0n, PAGE, UADDR32, U.VHOST_ACCESS_RW, v1('i386')),
      iotlbMsg(INVALIDATE, 0n, PAGE, UADDR32, U.VHOST_ACCESS_RW, { asid: 1 }),
      iotlbMsg(UPDATE, 0n, PAGE, UADDR32, U.VHOST_ACCESS_RW, { length: 4 }),
      iotlbMsg(U.VHOST_IOTLB_MISS, 0n, PAGE),
      // bytes the laws cannot read (a well-formed v2 INVALIDATE, written raw): once accepted, a misread
      { kind: 'IOTLB_WRITE_RAW', bytes: toHex(encodeIotlbWrite(msgSpec(INVALIDATE, 0n, PAGE))) },
      iotlbMsg(UPDATE, 1n << 32n, 1n, UADDR32, U.VHOST_ACCESS_RO),
      { kind: 'IOTLB_READ', len: 72 },
      access1(0n, U.VHOST_ACCESS_WO), access1(1n << 32n),
      { kind: 'VQ_ACCESS', iova: U64_MAX, len: 2, access: U.VHOST_ACCESS_RO },
    ],
  );
  return makeScope({ property: 'I6', options, profiles, alphabet, profileLines: lines });
}

export const I6_EXPLORE = lawEntry('I6', i6Scope, iotlbLaw);
