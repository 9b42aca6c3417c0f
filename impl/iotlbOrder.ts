// The sorted view of an IotlbIndex: slots ordered by (start, insertion) in blocks of at most
// BLOCK_MAX, each with its own running maximum of `last`, plus the running maximum through each
// block. "First map overlapping [qs, ql]" stays two binary searches (over blocks, then inside
// one) and an insert or delete moves at most one block's worth of entries, not the whole table.
// The interval tree of drivers/vhost/iotlb.c answers the same query; this is a flatter shape of it.

import { le, lt } from './u64.ts';

export const BLOCK_MAX = 512;

export class BlockedOrder {
  // the index's slot fields (rebound when it grows)
  private sH: Uint32Array;
  private sL: Uint32Array;
  private lH: Uint32Array;
  private lL: Uint32Array;

  /** per block: slots, local running max of last, length */
  private slots: Int32Array[] = [];
  private pmH: Uint32Array[] = [];
  private pmL: Uint32Array[] = [];
  private len: number[] = [];
  /** running max of last through block k (all blocks 0..k) */
  private gH: number[] = [];
  private gL: number[] = [];
  count = 0;

  /** where the last find* landed */
  fb = 0;
  fi = 0;

  constructor(sH: Uint32Array, sL: Uint32Array, lH: Uint32Array, lL: Uint32Array) {
    this.sH = sH; this.sL = sL; this.lH = lH; this.lL = lL;
  }

  bind(sH: Uint32Array, sL: Uint32Array, lH: Uint32Array, lL: Uint32Array): void {
    this.sH = sH; this.sL = sL; this.lH = lH; this.lL = lL;
  }

  get blocks(): number { return this.len.length; }
  blockLength(b: number): number { return this.len[b]!; }
  slotAt(b: number, i: number): number { return this.slots[b]![i]!; }

  clear(): void {
    this.slots = []; this.pmH = []; this.pmL = []; this.len = []; this.gH = []; this.gL = [];
    this.count = 0;
  }

  copyFrom(o: BlockedOrder): void {
    this.slots = o.slots.map(a => a.slice());
    this.pmH = o.pmH.map(a => a.slice());
    this.pmL = o.pmL.map(a => a.slice());
    this.len = [...o.len]; this.gH = [...o.gH]; this.gL = [...o.gL];
    this.count = o.count;
  }

  /** The first position whose running max of last reaches (h, l), into fb/fi; false if none. */
  firstWithLastAtLeast(h: number, l: number): boolean {
    const gH = this.gH;
    const gL = this.gL;
    let lo = 0;
    let hi = gH.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (lt(gH[mid]!, gL[mid]!, h, l)) lo = mid + 1; else hi = mid;
    }
    if (lo === gH.length) return false;
    // everything before block lo stays below (h, l), so the local running max decides
    const pH = this.pmH[lo]!;
    const pL = this.pmL[lo]!;
    let a = 0;
    let e = this.len[lo]!;
    while (a < e) {
      const m = (a + e) >>> 1;
      if (lt(pH[m]!, pL[m]!, h, l)) a = m + 1; else e = m;
    }
    this.fb = lo;
    this.fi = a;
    return true;
  }

  /** The running max just before (b, i), into mbH/mbL; false when (b, i) is the first position. */
  maxBefore(b: number, i: number): boolean {
    let any = false;
    let h = 0;
    let l = 0;
    if (b > 0) { h = this.gH[b - 1]!; l = this.gL[b - 1]!; any = true; }
    if (i > 0) {
      const ph = this.pmH[b]![i - 1]!;
      const pl = this.pmL[b]![i - 1]!;
      if (!any || lt(h, l, ph, pl)) { h = ph; l = pl; }
      any = true;
    }
    this.mbH = h;
    this.mbL = l;
    return any;
  }

  /** written by maxBefore */
  mbH = 0;
  mbL = 0;

  /** Insert slot s after every slot with start <= its start (equal starts keep insertion order). */
  insert(s: number): void {
    const h = this.sH[s]!;
    const l = this.sL[s]!;
    this.count++;
    if (this.len.length === 0) {
      this.newBlock(0);
      this.slots[0]![0] = s;
      this.len[0] = 1;
      this.recomputeLocal(0, 0, BLOCK_MAX);
      this.repairGlobal(0, 1);
      return;
    }
    // the last block whose first start is <= (h, l) holds the insertion point (or block 0)
    let lo = 0;
    let hi = this.len.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const f = this.slots[mid]![0]!;
      if (le(this.sH[f]!, this.sL[f]!, h, l)) lo = mid + 1; else hi = mid;
    }
    const b = lo === 0 ? 0 : lo - 1;
    const arr = this.slots[b]!;
    const n = this.len[b]!;
    let a = 0;
    let e = n;
    while (a < e) {
      const m = (a + e) >>> 1;
      const t = arr[m]!;
      if (le(this.sH[t]!, this.sL[t]!, h, l)) a = m + 1; else e = m;
    }
    const pH = this.pmH[b]!;
    const pL = this.pmL[b]!;
    arr.copyWithin(a + 1, a, n);
    pH.copyWithin(a + 1, a, n);
    pL.copyWithin(a + 1, a, n);
    arr[a] = s;
    this.len[b] = n + 1;
    // local running max: unchanged before a; at a, the max of the one before (0, the least u64,
    // at the block's start) and this last; after a, raised to it until already higher
    let mH = 0;
    let mL = 0;
    if (a > 0) { mH = pH[a - 1]!; mL = pL[a - 1]!; }
    if (lt(mH, mL, this.lH[s]!, this.lL[s]!)) { mH = this.lH[s]!; mL = this.lL[s]!; }
    pH[a] = mH; pL[a] = mL;
    for (let i = a + 1; i <= n && lt(pH[i]!, pL[i]!, mH, mL); i++) { pH[i] = mH; pL[i] = mL; }
    if (n + 1 === BLOCK_MAX) {
      // block b + 1 is new (its stored running max is a placeholder): repair at least through it
      this.split(b);
      this.repairGlobal(b, b + 2);
    } else {
      // one block changed: if its running max through it comes out equal, none after it moves
      this.repairGlobal(b, b);
    }
  }

  /**
   * vhost_iotlb_del_range's walk: from the first position whose running max reaches qs up to the
   * first start above ql, hand every slot with last >= qs to `free` and close the gaps.
   */
  deleteRange(qsH: number, qsL: number, qlH: number, qlL: number, free: (s: number) => void): void {
    if (!this.firstWithLastAtLeast(qsH, qsL)) return;
    const first = this.fb;
    let b = first;
    let i = this.fi;
    let last = first;
    let removed = false;
    for (; b < this.len.length; b++, i = 0) {
      const arr = this.slots[b]!;
      const n = this.len[b]!;
      let w = i;
      let k = i;
      for (; k < n; k++) {
        const s = arr[k]!;
        if (lt(qlH, qlL, this.sH[s]!, this.sL[s]!)) break;
        if (le(qsH, qsL, this.lH[s]!, this.lL[s]!)) free(s); else arr[w++] = s;
      }
      last = b;
      if (w !== k) {
        arr.copyWithin(w, k, n);
        this.pmH[b]!.copyWithin(w, k, n);
        this.pmL[b]!.copyWithin(w, k, n);
        this.len[b] = n - (k - w);
        this.count -= k - w;
        this.recomputeLocal(b, b === first ? this.fi : 0, w);
        removed = true;
      }
      if (k < n) break;
    }
    if (!removed) return;
    this.dropEmpty(first, last);
    // every block the walk passed through lost each map with last >= qs, so its running max
    // through it falls below qs, under its old value; only the last one touched may come out
    // equal, and the blocks after it are unchanged: the first equal value may end the repair
    this.repairGlobal(first, first);
  }

  /** Remove one slot (retirement). */
  remove(s: number): void {
    const h = this.sH[s]!;
    const l = this.sL[s]!;
    // the last block whose first start is < (h, l) (or block 0), then scan to the slot
    let lo = 0;
    let hi = this.len.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const f = this.slots[mid]![0]!;
      if (lt(this.sH[f]!, this.sL[f]!, h, l)) lo = mid + 1; else hi = mid;
    }
    for (let b = lo === 0 ? 0 : lo - 1; b < this.len.length; b++) {
      const arr = this.slots[b]!;
      const n = this.len[b]!;
      for (let i = 0; i < n; i++) {
        if (arr[i] !== s) continue;
        arr.copyWithin(i, i + 1, n);
        this.pmH[b]!.copyWithin(i, i + 1, n);
        this.pmL[b]!.copyWithin(i, i + 1, n);
        this.len[b] = n - 1;
        this.count--;
        this.recomputeLocal(b, i, i);
        this.dropEmpty(b, b);
        // one block changed: if its running max through it comes out equal, none after it moves
        this.repairGlobal(b, b);
        return;
      }
    }
  }

  private newBlock(at: number): void {
    this.slots.splice(at, 0, new Int32Array(BLOCK_MAX));
    this.pmH.splice(at, 0, new Uint32Array(BLOCK_MAX));
    this.pmL.splice(at, 0, new Uint32Array(BLOCK_MAX));
    this.len.splice(at, 0, 0);
    this.gH.splice(at, 0, 0);
    this.gL.splice(at, 0, 0);
  }

  /** A full block becomes two halves; the second half's running max is its own. */
  private split(b: number): void {
    const n = this.len[b]!;
    const half = n >>> 1;
    this.newBlock(b + 1);
    this.slots[b + 1]!.set(this.slots[b]!.subarray(half, n));
    this.len[b + 1] = n - half;
    this.len[b] = half;
    this.recomputeLocal(b + 1, 0, BLOCK_MAX);
  }

  /** Blocks first..last that emptied are removed. */
  private dropEmpty(first: number, last: number): void {
    for (let b = last; b >= first; b--) {
      if (this.len[b] === 0) {
        this.slots.splice(b, 1); this.pmH.splice(b, 1); this.pmL.splice(b, 1);
        this.len.splice(b, 1); this.gH.splice(b, 1); this.gL.splice(b, 1);
      }
    }
  }

  /**
   * The local running max of block b from position `from`. From `stable` on the stored values
   * are the old ones shifted down over removed entries, never below the true value, so the first
   * one that comes out equal ends the repair.
   */
  private recomputeLocal(b: number, from: number, stable: number): void {
    const arr = this.slots[b]!;
    const pH = this.pmH[b]!;
    const pL = this.pmL[b]!;
    // the max before `from`: 0, the least u64, at the block's start
    let mH = 0;
    let mL = 0;
    if (from > 0) { mH = pH[from - 1]!; mL = pL[from - 1]!; }
    const n = this.len[b]!;
    for (let i = from; i < n; i++) {
      const s = arr[i]!;
      if (lt(mH, mL, this.lH[s]!, this.lL[s]!)) { mH = this.lH[s]!; mL = this.lL[s]!; }
      if (i >= stable && pH[i] === mH && pL[i] === mL) return;
      pH[i] = mH; pL[i] = mL;
    }
  }

  /**
   * The running max through each block from `from`; from `stable` on, blocks are unchanged, so
   * the first stored value that comes out equal ends the repair.
   */
  private repairGlobal(from: number, stable: number): void {
    const gH = this.gH;
    const gL = this.gL;
    // the max before block `from`: 0, the least u64, before block 0
    let mH = 0;
    let mL = 0;
    if (from > 0) { mH = gH[from - 1]!; mL = gL[from - 1]!; }
    for (let b = from; b < this.len.length; b++) {
      const n = this.len[b]!;
      const bh = this.pmH[b]![n - 1]!;
      const bl = this.pmL[b]![n - 1]!;
      if (lt(mH, mL, bh, bl)) { mH = bh; mL = bl; }
      if (b >= stable && gH[b] === mH && gL[b] === mL) return;
      gH[b] = mH; gL[b] = mL;
    }
  }
}
