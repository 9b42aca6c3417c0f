// umem_access_ok per architecture: vhost_overflow (f7ad318ea0ad) and access_ok() at their edges,
// the model's rule and the implementation's words side by side.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { accessOkWords, umemAccessOk as implOk } from '../impl/uaccess.ts';
import { hiOf, loOf } from '../impl/u64.ts';
import { accessOk, umemAccessOk as modelOk, userAddressLimit } from '../model/uaccess.ts';
import type { KernelPolicy } from '../types/policy.ts';

type K = Pick<KernelPolicy, 'abi' | 'accessOk'>;
const S390: K = { abi: 'lp64', accessOk: 'alternate-address-space' };
const X86_64: K = { abi: 'lp64', accessOk: 'x86-64' };
const X86_32: K = { abi: 'i386', accessOk: 'x86-32' };
const TOP = 1n << 64n;
const TASK_SIZE_MAX_64 = (1n << 47n) - 4096n;

const cases: [string, K, bigint, bigint, number, boolean][] = [
  // vhost_overflow since f7ad318ea0ad: a range may end exactly at 2^64; size 0 never overflows
  ['ends at 2^64', S390, TOP - 0x1000n, 0x1000n, 3, true],
  ['ends one past 2^64', S390, TOP - 0xfffn, 0x1000n, 3, false],
  ['size 0 at the top', S390, TOP - 1n, 0n, 3, true],
  ['uaddr 0, size 2^64 - 1', S390, 0n, TOP - 1n, 3, true],
  ['uaddr 1, size 2^64 - 1', S390, 1n, TOP - 1n, 3, true],
  ['uaddr 2, size 2^64 - 1', S390, 2n, TOP - 1n, 3, false],
  // x86-64: [uaddr, uaddr + size) must end at or below TASK_SIZE_MAX, unless perm grants nothing
  ['x86-64 ends at TASK_SIZE_MAX', X86_64, TASK_SIZE_MAX_64 - 0x1000n, 0x1000n, 1, true],
  ['x86-64 one byte past', X86_64, TASK_SIZE_MAX_64 - 0xfffn, 0x1000n, 2, false],
  ['x86-64 perm 0 is not checked', X86_64, TASK_SIZE_MAX_64, 0x1000n, 0, true],
  ['x86-64 perm 0 still overflows', X86_64, TOP - 0xfffn, 0x1000n, 0, false],
  ['x86-64 ends at 2^64', X86_64, TOP - 0x1000n, 0x1000n, 3, false],
  ['x86-64 guest RAM', X86_64, 0x7f00_0000_0000n, 1n << 32n, 3, true],
  // a 32-bit kernel: unsigned long is 32 bits, user space ends at 0xC0000000
  ['x86-32 uaddr above 2^32', X86_32, 1n << 32n, 0x1000n, 0, false],
  ['x86-32 size above 2^32', X86_32, 0n, 1n << 32n, 0, false],
  ['x86-32 ends at 2^32, perm 0', X86_32, 0xffff_f000n, 0x1000n, 0, true],
  ['x86-32 ends past 2^32', X86_32, 0xffff_f001n, 0x1000n, 0, false],
  ['x86-32 ends at 0xC0000000', X86_32, 0xbfff_f000n, 0x1000n, 3, true],
  ['x86-32 one byte past 0xC0000000', X86_32, 0xbfff_f001n, 0x1000n, 3, false],
];

describe('umem_access_ok', () => {
  it.each(cases)('%s', (_name, k, uaddr, size, perm, ok) => {
    expect(modelOk(k, uaddr, size, perm)).toBe(ok);
    expect(implOk(k, hiOf(uaddr), loOf(uaddr), hiOf(size), loOf(size), perm)).toBe(ok);
  });
});

describe('access_ok alone (the features array\'s clear_user)', () => {
  const RULES = ['x86-64', 'x86-32', 'alternate-address-space'] as const;
  const implAccessOk = (rule: K['accessOk'], a: bigint, n: bigint): boolean => accessOkWords(rule, hiOf(a), loOf(a), hiOf(n), loOf(n));

  it('ends exactly at the limit: ok; one byte past, or a low-word sum of exactly 2^32 carried past it: refused', () => {
    for (const rule of ['x86-64', 'x86-32'] as const) {
      const limit = userAddressLimit(rule)!;
      for (const a of [0n, 0x0800_0008n, limit - 8n]) {
        expect(implAccessOk(rule, a, limit - a), `${rule} end = limit`).toBe(true);
        expect(implAccessOk(rule, a, limit - a + 1n), `${rule} end = limit + 1`).toBe(false);
      }
      // the low words sum to exactly 2^32: without the carry the end would be limit's high word, low 0
      const a = 0x0800_0008n;
      const n = ((limit >> 32n) << 32n) + (1n << 32n) - a;
      expect(a + n).toBe(((limit >> 32n) + 1n) << 32n);
      expect(implAccessOk(rule, a, n), `${rule} carry`).toBe(false);
    }
    // the same high word as the limit, the low word just past it
    expect(implAccessOk('x86-64', 0n, TASK_SIZE_MAX_64 + 1n)).toBe(false);
    expect(implAccessOk('alternate-address-space', 0xffff_ffff_ffff_fff8n, 0xffff_ffff_ffff_ffffn)).toBe(true);
  });

  it('agrees with the model\'s access_ok for any u64 address and size', () => {
    const near = (v: bigint) => fc.bigInt({ min: -64n, max: 64n }).map(d => (v + d + TOP) % TOP);
    const u64 = fc.oneof(fc.bigInt({ min: 0n, max: TOP - 1n }), near(0n), near(1n << 32n), near(0x0800_0000n),
      near(0xc000_0000n), near(TASK_SIZE_MAX_64), near(TOP - 1n));
    fc.assert(fc.property(fc.constantFrom(...RULES), u64, u64, (rule, a, n) => {
      expect(implAccessOk(rule, a, n)).toBe(accessOk(rule, a, n));
    }), { numRuns: 5000, seed: 15 });
  });

  it('umem_access_ok agrees with the model for any u64 uaddr, size and perm, on each ABI', () => {
    const near = (v: bigint) => fc.bigInt({ min: -64n, max: 64n }).map(d => (v + d + TOP) % TOP);
    const u64 = fc.oneof(fc.bigInt({ min: 0n, max: TOP - 1n }), near(0n), near(1n << 32n), near(0xc000_0000n),
      near(TASK_SIZE_MAX_64), near(TOP - 1n));
    fc.assert(fc.property(fc.constantFrom(S390, X86_64, X86_32, { abi: 'i386', accessOk: 'alternate-address-space' } as K), u64, u64, fc.nat(3), (k, a, n, perm) => {
      expect(implOk(k, hiOf(a), loOf(a), hiOf(n), loOf(n), perm)).toBe(modelOk(k, a, n, perm));
    }), { numRuns: 5000, seed: 15 });
  });
});
