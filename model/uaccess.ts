// Whether a userspace address range may back an IOTLB map: umem_access_ok in
// drivers/vhost/vhost.c, i.e. vhost_overflow on the kernel's unsigned long, then access_ok() of
// the architecture for each access the map grants.

import type { AccessOkRule, KernelPolicy } from '../types/policy.ts';
import { type Abi, VHOST_ACCESS_RO, VHOST_ACCESS_WO } from '../types/uapi.ts';

/** ULONG_MAX of the kernel: a 32-bit kernel (abi i386) has 32-bit user pointers. */
export function ulongMax(abi: Abi): bigint {
  return abi === 'i386' ? (1n << 32n) - 1n : (1n << 64n) - 1n;
}

/**
 * vhost_overflow since f7ad318ea0ad (v5.14, "vhost: Fix the calculation in vhost_overflow()"):
 * uaddr or size beyond ULONG_MAX overflows; size 0 never does; otherwise the range may end
 * exactly at ULONG_MAX + 1 (`uaddr > ULONG_MAX - size + 1`). The rule before it,
 * `uaddr > ULONG_MAX - size`, refused a range ending at 2^64 (kernel conformance vectors).
 */
export function vhostOverflow(abi: Abi, uaddr: bigint, size: bigint): boolean {
  const max = ulongMax(abi);
  if (uaddr > max || size > max) return true;
  if (size === 0n) return false;
  return uaddr > max - size + 1n;
}

/** The highest user address + 1 per architecture (TASK_SIZE_MAX), or null: no limit. */
export function userAddressLimit(rule: AccessOkRule): bigint | null {
  switch (rule) {
    // s390: CONFIG_ALTERNATE_USER_ADDRESS_SPACE, user space is its own address space and
    // __access_ok() is always true (include/asm-generic/access_ok.h)
    case 'alternate-address-space': return null;
    // x86-64, 4-level paging: TASK_SIZE_MAX = (1 << 47) - PAGE_SIZE; __access_ok() for a
    // non-constant size: sum = ptr + size, valid_user_address(sum) (sum <= USER_PTR_MAX =
    // TASK_SIZE_MAX, arch/x86/kernel/cpu/common.c) && sum >= ptr
    case 'x86-64': return (1n << 47n) - 4096n;
    // x86-32, VMSPLIT_3G: TASK_SIZE_MAX = PAGE_OFFSET = 0xC0000000; the generic __access_ok():
    // size <= limit && addr <= limit - size
    case 'x86-32': return 0xc000_0000n;
  }
}

/** access_ok(uaddr, size): the whole range [uaddr, uaddr + size) lies below the limit. */
export function accessOk(rule: AccessOkRule, uaddr: bigint, size: bigint): boolean {
  const limit = userAddressLimit(rule);
  return limit === null || uaddr + size <= limit;
}

/**
 * umem_access_ok(uaddr, size, access): vhost_overflow first, then access_ok() once for RO and
 * once for WO; a map that grants neither is never checked against the user address limit.
 */
export function umemAccessOk(k: Pick<KernelPolicy, 'abi' | 'accessOk'>, uaddr: bigint, size: bigint, perm: number): boolean {
  if (vhostOverflow(k.abi, uaddr, size)) return false;
  if ((perm & (VHOST_ACCESS_RO | VHOST_ACCESS_WO)) !== 0 && !accessOk(k.accessOk, uaddr, size)) return false;
  return true;
}
