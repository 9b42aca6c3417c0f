// vhost-net's VHOST_GET/SET_FEATURES_ARRAY on (hi, lo) u32 words (the rules and their sources:
// model/featuresArray.ts). Not a hot path: the words are plain arrays, bigint only at the boundary.

import { FEATURES_ARRAY_ADDR, FEATURES_ARRAY_WORDS } from '../types/harness.ts';
import type { KernelPolicy } from '../types/policy.ts';
import { EFAULT, EOPNOTSUPP } from '../types/uapi.ts';
import { outside, type Word } from './features.ts';
import { hiOf, loOf, toBig, U64Reg } from './u64.ts';
import { accessOkWords } from './uaccess.ts';

/** The kernel's u64 feature words (VIRTIO_FEATURES_U64S). */
const KERNEL_WORDS = 2;
const ADDR_HI = hiOf(FEATURES_ARRAY_ADDR);
const ADDR_LO = loOf(FEATURES_ARRAY_ADDR);
const r = new U64Reg();

/** min(count, 2) for count as (hi, lo). */
const copiedOf = (cH: number, cL: number): number => (cH === 0 && cL < KERNEL_WORDS ? cL : KERNEL_WORDS);

/** The VMM's buffer words as (hi, lo): `words`, then `fill` (GET) or zero (SET). */
function buffer(words: readonly bigint[], fill: bigint): [number[], number[]] {
  const hi: number[] = [];
  const lo: number[] = [];
  for (let i = 0; i < FEATURES_ARRAY_WORDS; i++) {
    const v = words[i] ?? fill;
    hi.push(hiOf(v));
    lo.push(loOf(v));
  }
  return [hi, lo];
}

const asBig = (hi: readonly number[], lo: readonly number[]): bigint[] => hi.map((h, i) => toBig(h, lo[i]!));

/** size_mul(factor, 8) in the kernel's size_t: r = the byte count, saturated at SIZE_MAX. */
function sizeMulWords(abi: KernelPolicy['abi'], fH: number, fL: number): void {
  if (abi === 'i386') {
    if (fL > 0x1fffffff) r.set(0, 0xffffffff);
    else r.set(0, (fL * 8) >>> 0);
  } else if (fH > 0x1fffffff) {
    r.set(0xffffffff, 0xffffffff);
  } else {
    r.set(((fH << 3) | (fL >>> 29)) >>> 0, (fL << 3) >>> 0);
  }
}

/** clear_user(&features[start], r): all or nothing against access_ok, then up to the end of the mapped buffer. */
function clearUser(k: KernelPolicy, hi: number[], lo: number[], start: number): number {
  // a size of 0 needs no case: access_ok passes (the buffer is below every limit), nothing is cleared
  const nH = r.hi;
  const nL = r.lo;
  const off = 8 + 8 * start;
  const aL = ADDR_LO + off;
  if (!accessOkWords(k.accessOk, ADDR_HI, aL >>> 0, nH, nL)) return -EFAULT;
  // bytes from features[0] to the end of the range, against the mapped 8 * WORDS
  const mapped = 8 * FEATURES_ARRAY_WORDS;
  const fits = nH === 0 && 8 * start + nL <= mapped;
  const endWord = fits ? Math.ceil((8 * start + nL) / 8) : FEATURES_ARRAY_WORDS;
  for (let w = start; w < endWord; w++) { hi[w] = 0; lo[w] = 0; }
  return fits ? 0 : -EFAULT;
}

export function getFeaturesArray(k: KernelPolicy, offered: readonly Word[], count: bigint, fill: bigint): { ret: number; words: bigint[] } {
  const [hi, lo] = buffer([], fill);
  const cH = hiOf(count);
  const cL = loOf(count);
  const copied = copiedOf(cH, cL);
  for (let i = 0; i < copied; i++) { hi[i] = offered[i]!.hi; lo[i] = offered[i]!.lo; }
  r.sub(cH, cL, 0, copied);
  sizeMulWords(k.abi, r.hi, r.lo);
  const ret = clearUser(k, hi, lo, k.featuresArray === 'clear-at-start' ? 0 : copied);
  return { ret, words: asBig(hi, lo) };
}

/** The words to ack (word 0 and 1 as (hi, lo)), or the errno (nothing changes on an error). */
export function featuresArrayToAck(offered: readonly Word[], count: bigint, words: readonly bigint[]): { ok: true; ack: Word[] } | { ok: false; err: number } {
  const [hi, lo] = buffer(words, 0n);
  const cH = hiOf(count);
  const cL = loOf(count);
  const copied = copiedOf(cH, cL);
  const ack: Word[] = [];
  for (let i = 0; i < KERNEL_WORDS; i++) ack.push(i < copied ? { hi: hi[i]!, lo: lo[i]! } : { hi: 0, lo: 0 });
  // every counted word past the kernel's, one by one, until the unmapped end
  for (let i = copied; cH !== 0 || i < cL; i++) {
    if (i >= FEATURES_ARRAY_WORDS) return { ok: false, err: -EFAULT };
    if (hi[i] !== 0 || lo[i] !== 0) return { ok: false, err: -EOPNOTSUPP };
  }
  for (let i = 0; i < KERNEL_WORDS; i++) if (outside(ack[i]!.hi, ack[i]!.lo, offered[i]!)) return { ok: false, err: -EOPNOTSUPP };
  return { ok: true, ack };
}

/** The buffer as the VMM sees it after a call that touched nothing. */
export function untouched(words: readonly bigint[], fill: bigint): bigint[] {
  const [hi, lo] = buffer(words, fill);
  return asBig(hi, lo);
}
