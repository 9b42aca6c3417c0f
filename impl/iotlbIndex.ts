// The optimised IOTLB: the semantics of drivers/vhost/iotlb.c with
//  - u64 as (hi, lo) uint32 pairs in typed arrays (exact, no bigint);
//  - maps in slots, linked in insertion order for FIFO retirement (iotlb->list);
//  - the slots sorted by (start, insertion) with a running maximum of `last` (BlockedOrder, in
//    blocks so an update moves one block, not the table), so "first map overlapping [qs, ql]"
//    is a binary search: the first position whose running max reaches qs holds the lowest-start
//    map with last >= qs; it overlaps iff its start <= ql (the kernel's interval tree's answer);
//  - a last-hit position checked exactly before searching;
//  - translate results written into preallocated arrays: no allocation per translate.

import { VQ_IOV_MAX } from '../types/harness.ts';
import { EFAULT } from '../types/uapi.ts';
import { BlockedOrder } from './iotlbOrder.ts';
import { le, lt, toBig, U64Reg } from './u64.ts';

export const XLATE_OK = 0;
export const XLATE_HOLE = 1;
export const XLATE_PERM = 2;
export const XLATE_NOBUFS = 3;

const NONE = -1;

export class IotlbIndex {
  /** iotlb->limit (0 = none) and VHOST_IOTLB_FLAG_RETIRE */
  readonly limit: number;
  readonly retire: boolean;

  // slot storage
  private cap: number;
  private startHi: Uint32Array;
  private startLo: Uint32Array;
  private lastHi: Uint32Array;
  private lastLo: Uint32Array;
  private addrHi: Uint32Array;
  private addrLo: Uint32Array;
  private perm: Uint8Array;
  /** insertion-order list; `next` doubles as the free list */
  private prev: Int32Array;
  private next: Int32Array;
  private head = NONE;
  private tail = NONE;
  private freeHead = NONE;
  private used = 0;

  // sorted view, and the last hit's position in it
  private readonly sorted: BlockedOrder;
  /** the last hit's slot and the running max before its position (valid until the next update) */
  private lastSlot = NONE;
  private lastHasPrev = false;
  private lastPrevHi = 0;
  private lastPrevLo = 0;

  // translate results
  readonly segUaddrHi = new Uint32Array(VQ_IOV_MAX);
  readonly segUaddrLo = new Uint32Array(VQ_IOV_MAX);
  readonly segLen = new Float64Array(VQ_IOV_MAX);
  segCount = 0;
  /** the first unmapped byte, after XLATE_HOLE */
  holeHi = 0;
  holeLo = 0;
  private readonly r = new U64Reg();
  private readonly cur = new U64Reg();

  constructor(limit: number, retire: boolean, initialCapacity = 16) {
    this.limit = limit;
    this.retire = retire;
    this.cap = Math.max(1, initialCapacity);
    this.startHi = new Uint32Array(this.cap);
    this.startLo = new Uint32Array(this.cap);
    this.lastHi = new Uint32Array(this.cap);
    this.lastLo = new Uint32Array(this.cap);
    this.addrHi = new Uint32Array(this.cap);
    this.addrLo = new Uint32Array(this.cap);
    this.perm = new Uint8Array(this.cap);
    this.prev = new Int32Array(this.cap);
    this.next = new Int32Array(this.cap);
    this.sorted = new BlockedOrder(this.startHi, this.startLo, this.lastHi, this.lastLo);
    this.initFreeList(0);
  }

  get size(): number {
    return this.sorted.count;
  }

  /**
   * vhost_iotlb_add_range_ctx: last < start is -EFAULT; [0, U64_MAX] is split at 2^63 - 1;
   * a full table with RETIRE drops its oldest map first.
   */
  add(sH: number, sL: number, lH: number, lL: number, aH: number, aL: number, perm: number): number {
    if (lt(lH, lL, sH, sL)) return -EFAULT;
    if (sH === 0 && sL === 0 && lH === 0xffffffff && lL === 0xffffffff) {
      this.insert(0, 0, 0x7fffffff, 0xffffffff, aH, aL, perm);
      const a = this.r.add(aH, aL, 0x80000000, 0);
      this.insert(0x80000000, 0, lH, lL, a.hi, a.lo, perm);
      return 0;
    }
    this.insert(sH, sL, lH, lL, aH, aL, perm);
    return 0;
  }

  /** vhost_iotlb_del_range: drop every whole map overlapping [qs, ql]. */
  delRange(qsH: number, qsL: number, qlH: number, qlL: number): void {
    this.lastSlot = NONE;
    this.sorted.deleteRange(qsH, qsL, qlH, qlL, s => this.freeSlot(s));
  }

  clear(): void {
    this.sorted.clear();
    this.head = this.tail = NONE;
    this.used = 0;
    this.lastSlot = NONE;
    this.initFreeList(0);
  }

  /**
   * The slot of the map itree_first(qs, ql) returns, or -1: the first position whose running
   * max of `last` reaches qs, if that map starts at or before ql.
   */
  firstOverlap(qsH: number, qsL: number, qlH: number, qlL: number): number {
    const o = this.sorted;
    if (!o.firstWithLastAtLeast(qsH, qsL)) return NONE;
    const s = o.slotAt(o.fb, o.fi);
    return le(this.startHi[s]!, this.startLo[s]!, qlH, qlL) ? s : NONE;
  }

  /**
   * translate_desc over this table for `len` bytes at addr with `access`; segments go to
   * segUaddr{Hi,Lo} and segLen, a hole's first byte to hole*. Returns an XLATE_* code.
   */
  translate(addrH: number, addrL: number, len: number, access: number): number {
    this.segCount = 0;
    if (len <= 0) return XLATE_OK;
    const cur = this.cur.set(addrH, addrL);
    // last = addr + len - 1, fixed for the whole walk (wraps like the kernel's u64)
    const last = this.r.add(addrH, addrL, 0, len - 1);
    const qlH = last.hi;
    const qlL = last.lo;
    let remaining = len;
    for (;;) {
      if (this.segCount >= VQ_IOV_MAX) return XLATE_NOBUFS;
      const s = this.lookup(cur.hi, cur.lo, qlH, qlL);
      if (s === NONE || lt(cur.hi, cur.lo, this.startHi[s]!, this.startLo[s]!)) {
        this.holeHi = cur.hi;
        this.holeLo = cur.lo;
        return XLATE_HOLE;
      }
      if ((this.perm[s]! & access) === 0) return XLATE_PERM;
      const k = this.segCount++;
      // uaddr = map->addr + addr - map->start
      const off = this.r.sub(cur.hi, cur.lo, this.startHi[s]!, this.startLo[s]!);
      const ua = this.r.add(this.addrHi[s]!, this.addrLo[s]!, off.hi, off.lo);
      this.segUaddrHi[k] = ua.hi;
      this.segUaddrLo[k] = ua.lo;
      // bytes left in the map from addr: last - addr + 1 (at least 1; at most 2^64 - 1)
      const d = this.r.sub(this.lastHi[s]!, this.lastLo[s]!, cur.hi, cur.lo);
      if (d.hi !== 0 || d.lo + 1 >= remaining) {
        this.segLen[k] = remaining;
        // the kernel's byte counter s (= len - remaining) is a u64: s += last - addr + 1 wraps
        // when 2^64 - (d + 1) = ~d <= s, leaving s - ~d bytes "done", so the walk goes on from
        // the byte after the map (translate_desc; conformance trace tiny-24)
        const wrapBy = d.hi === 0xffffffff ? ~d.lo >>> 0 : -1;
        if (wrapBy < 0 || wrapBy > len - remaining) return XLATE_OK;
        remaining += wrapBy;
        cur.add(this.lastHi[s]!, this.lastLo[s]!, 0, 1);
        continue;
      }
      const size = d.lo + 1;
      this.segLen[k] = size;
      remaining -= size;
      cur.add(cur.hi, cur.lo, 0, size);
    }
  }

  /**
   * iotlb_access_ok (vhost.c) over this table: every byte of [addr, addr + len) mapped with
   * `access`, however many maps that takes (no iov limit, unlike translate). XLATE_OK, XLATE_PERM,
   * or XLATE_HOLE with the first unmapped byte in hole*. For ranges that end below 2^64 (the rings').
   */
  accessOk(addrH: number, addrL: number, len: number, access: number): number {
    if (len <= 0) return XLATE_OK;
    const cur = this.cur.set(addrH, addrL);
    const last = this.r.add(addrH, addrL, 0, len - 1);
    const qlH = last.hi;
    const qlL = last.lo;
    let remaining = len;
    for (;;) {
      const s = this.lookup(cur.hi, cur.lo, qlH, qlL);
      if (s === NONE || lt(cur.hi, cur.lo, this.startHi[s]!, this.startLo[s]!)) {
        this.holeHi = cur.hi;
        this.holeLo = cur.lo;
        return XLATE_HOLE;
      }
      if ((this.perm[s]! & access) === 0) return XLATE_PERM;
      const d = this.r.sub(this.lastHi[s]!, this.lastLo[s]!, cur.hi, cur.lo);
      if (d.hi !== 0 || d.lo + 1 >= remaining) return XLATE_OK;
      remaining -= d.lo + 1;
      cur.add(cur.hi, cur.lo, 0, d.lo + 1);
    }
  }

  /**
   * The slots of every map overlapping [qs, ql] in tree order (itree_first, then itree_next):
   * from the first position whose running max of `last` reaches qs, while start <= ql.
   * Conformance and tests only: it allocates.
   */
  overlapping(qsH: number, qsL: number, qlH: number, qlL: number): number[] {
    const o = this.sorted;
    const out: number[] = [];
    if (!o.firstWithLastAtLeast(qsH, qsL)) return out;
    for (let b = o.fb, i = o.fi; b < o.blocks; b++, i = 0) {
      for (; i < o.blockLength(b); i++) {
        const s = o.slotAt(b, i);
        if (lt(qlH, qlL, this.startHi[s]!, this.startLo[s]!)) return out;
        if (le(qsH, qsL, this.lastHi[s]!, this.lastLo[s]!)) out.push(s);
      }
    }
    return out;
  }

  /** The map in a slot as [start, last, addr, perm] (conformance and tests only). */
  mapAt(s: number): [start: bigint, last: bigint, addr: bigint, perm: number] {
    return [toBig(this.startHi[s]!, this.startLo[s]!), toBig(this.lastHi[s]!, this.lastLo[s]!),
      toBig(this.addrHi[s]!, this.addrLo[s]!), this.perm[s]!];
  }

  /** Every map in tree order, as [start, last, addr, perm] (conformance and tests only). */
  table(): [start: bigint, last: bigint, addr: bigint, perm: number][] {
    return this.inOrder().map(s => this.mapAt(s));
  }

  /** Every slot in tree order: by start, equal starts in insertion order. */
  inOrder(): number[] {
    const o = this.sorted;
    const out: number[] = [];
    for (let b = 0; b < o.blocks; b++) for (let i = 0; i < o.blockLength(b); i++) out.push(o.slotAt(b, i));
    return out;
  }

  clone(): IotlbIndex {
    const c = new IotlbIndex(this.limit, this.retire, this.cap);
    c.startHi.set(this.startHi); c.startLo.set(this.startLo);
    c.lastHi.set(this.lastHi); c.lastLo.set(this.lastLo);
    c.addrHi.set(this.addrHi); c.addrLo.set(this.addrLo);
    c.perm.set(this.perm); c.prev.set(this.prev); c.next.set(this.next);
    c.sorted.copyFrom(this.sorted);
    c.head = this.head; c.tail = this.tail; c.freeHead = this.freeHead; c.used = this.used;
    return c;
  }

  /** Maps in lookup order, as bigints (tests and debugging only). */
  entries(): { start: bigint; last: bigint; addr: bigint; perm: number }[] {
    return this.inOrder().map(s => {
      const [start, last, addr, perm] = this.mapAt(s);
      return { start, last, addr, perm };
    });
  }

  // --- internals -------------------------------------------------------------

  /** firstOverlap with the last-hit position tried first (exact: see header); a slot or -1. */
  private lookup(qsH: number, qsL: number, qlH: number, qlL: number): number {
    const o = this.sorted;
    const h = this.lastSlot;
    // its last reaches qs and the running max before it does not, so it is the first position
    // whose running max reaches qs; and it starts by ql (a wrapped query has ql < qs)
    if (h !== NONE && le(qsH, qsL, this.lastHi[h]!, this.lastLo[h]!) &&
      le(this.startHi[h]!, this.startLo[h]!, qlH, qlL) && (!this.lastHasPrev || lt(this.lastPrevHi, this.lastPrevLo, qsH, qsL))) {
      return h;
    }
    if (!o.firstWithLastAtLeast(qsH, qsL)) return NONE;
    const s = o.slotAt(o.fb, o.fi);
    if (!le(this.startHi[s]!, this.startLo[s]!, qlH, qlL)) return NONE;
    this.lastSlot = s;
    this.lastHasPrev = o.maxBefore(o.fb, o.fi);
    this.lastPrevHi = o.mbH;
    this.lastPrevLo = o.mbL;
    return s;
  }

  private insert(sH: number, sL: number, lH: number, lL: number, aH: number, aL: number, perm: number): void {
    this.lastSlot = NONE;
    if (this.limit && this.used === this.limit && this.retire) this.removeSlot(this.head);
    const s = this.allocSlot();
    this.startHi[s] = sH; this.startLo[s] = sL;
    this.lastHi[s] = lH; this.lastLo[s] = lL;
    this.addrHi[s] = aH; this.addrLo[s] = aL;
    this.perm[s] = perm & 0xff;
    // append to the insertion-order list
    this.prev[s] = this.tail;
    this.next[s] = NONE;
    if (this.tail !== NONE) this.next[this.tail] = s; else this.head = s;
    this.tail = s;
    this.sorted.insert(s);
  }

  /** Remove one slot (retirement). */
  private removeSlot(s: number): void {
    this.sorted.remove(s);
    this.freeSlot(s);
    this.lastSlot = NONE;
  }

  private allocSlot(): number {
    if (this.freeHead === NONE) this.grow();
    const s = this.freeHead;
    this.freeHead = this.next[s]!;
    this.used++;
    return s;
  }

  /** Unlink from the insertion-order list and return to the free list. */
  private freeSlot(s: number): void {
    const p = this.prev[s]!;
    const n = this.next[s]!;
    if (p !== NONE) this.next[p] = n; else this.head = n;
    if (n !== NONE) this.prev[n] = p; else this.tail = p;
    this.next[s] = this.freeHead;
    this.freeHead = s;
    this.used--;
  }

  private grow(): void {
    const old = this.cap;
    this.cap = old * 2;
    const g32 = (a: Uint32Array): Uint32Array => { const b = new Uint32Array(this.cap); b.set(a); return b; };
    const gi = (a: Int32Array): Int32Array => { const b = new Int32Array(this.cap); b.set(a); return b; };
    this.startHi = g32(this.startHi); this.startLo = g32(this.startLo);
    this.lastHi = g32(this.lastHi); this.lastLo = g32(this.lastLo);
    this.addrHi = g32(this.addrHi); this.addrLo = g32(this.addrLo);
    const p8 = new Uint8Array(this.cap); p8.set(this.perm); this.perm = p8;
    this.prev = gi(this.prev); this.next = gi(this.next);
    this.sorted.bind(this.startHi, this.startLo, this.lastHi, this.lastLo);
    this.initFreeList(old);
  }

  private initFreeList(from: number): void {
    for (let i = from; i < this.cap - 1; i++) this.next[i] = i + 1;
    this.next[this.cap - 1] = NONE;
    // from < cap: the constructor starts at 0 with cap >= 1, grow at the old cap after doubling
    this.freeHead = from;
  }
}
