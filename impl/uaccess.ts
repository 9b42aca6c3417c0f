// umem_access_ok on (hi, lo) words: vhost_overflow on the kernel's unsigned long, then the
// architecture's access_ok() (the rules and their sources: model/uaccess.ts).

import type { KernelPolicy } from '../types/policy.ts';
import { VHOST_ACCESS_RO, VHOST_ACCESS_WO } from '../types/uapi.ts';
import { TWO32 } from './u64.ts';

/** TASK_SIZE_MAX as (hi, lo); hi < 0: no limit. */
const LIMIT: Readonly<Record<KernelPolicy['accessOk'], readonly [number, number]>> = {
  'alternate-address-space': [-1, 0],
  'x86-64': [0x7fff, 0xfffff000],
  'x86-32': [0, 0xc0000000],
};

export function umemAccessOk(k: Pick<KernelPolicy, 'abi' | 'accessOk'>, uH: number, uL: number, sH: number, sL: number, perm: number): boolean {
  const lo = uL + sL;
  const hi = uH + sH + (lo >= TWO32 ? 1 : 0);
  const endLo = lo >>> 0;
  // [uaddr, uaddr + size) as an exact 65-bit end: carry, endHi, endLo
  const carry = hi >= TWO32;
  const endHi = hi >>> 0;
  if (k.abi === 'i386') {
    // 32-bit unsigned long: both below 2^32, and the end at most 2^32 (vhost_overflow's `!size`
    // case needs no test here: with size 0 the end is uaddr itself)
    if (uH !== 0 || sH !== 0) return false;
    if (endHi === 1 && endLo !== 0) return false;
  } else if (carry && (endHi !== 0 || endLo !== 0)) {
    return false;
  }
  if ((perm & (VHOST_ACCESS_RO | VHOST_ACCESS_WO)) === 0) return true;
  const [lH, lL] = LIMIT[k.accessOk];
  if (lH < 0) return true;
  return !carry && (endHi < lH || (endHi === lH && endLo <= lL));
}

/** access_ok(addr, size) alone: [addr, addr + size) ends at or below the architecture's limit (an exact 65-bit end). */
export function accessOkWords(rule: KernelPolicy['accessOk'], aH: number, aL: number, sH: number, sL: number): boolean {
  const [lH, lL] = LIMIT[rule];
  if (lH < 0) return true;
  const lo = aL + sL;
  // the end's high word, 2^32 or more when the end passes 2^64: above every limit's
  const hi = aH + sH + (lo >= TWO32 ? 1 : 0);
  const endLo = lo >>> 0;
  return hi < lH || (hi === lH && endLo <= lL);
}
