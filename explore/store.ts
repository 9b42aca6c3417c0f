// The visited-state store: every distinct state found so far, by 64-bit fingerprint, with what
// breadth-first search needs to rebuild the shortest trace to it (parent id, op index).
//
// Layout (why: few bytes per state, no per-state objects for the GC, growth without copying
// the records):
//  - records: state id -> [fpHi, fpLo, parent, op], four u32 words (16 bytes), in fixed-size
//    pages of 2^pageBits states, allocated as the store fills (slack: at most one page);
//  - index: open addressing with linear probing over a Uint32Array (0 = empty slot, so no
//    fingerprint value is reserved), doubled and rebuilt from the records when the load passes
//    maxLoad (4 / load bytes per state: 5.3 to 10.7 at the default 0.75). With 2^bits slots a
//    slot holds id + 1 in its low `bits` bits (ids stay below the slot count) and a tag of the
//    fingerprint in the rest, so probing past other states rarely reads their records.
//  - depth costs nothing per state: ids are given in insertion order and BFS inserts level by
//    level, so a level is an id range; the store keeps where each level starts.
// Total at the default load: 21.3 to 26.7 bytes per state (plus the last page's slack).

export const NO_PARENT = 0xffffffff;
/** What `insert` returns when the fingerprint is already stored. */
export const PRESENT = -1;

const WORDS = 4;
const GOLDEN = 0x9e3779b1;
const MIX = 0x27d4eb2f;
/** Ids are u32 and the index stores id + 1 (below the slot count, so this is never the limit in practice). */
const MAX_STATES = 0xfffffffe;
/** 2^31 slots of 4 bytes: 8 GiB of index, far beyond any heap we run with. */
const MAX_INDEX_BITS = 31;

export interface StoreOptions {
  /** slots of the index to start with (rounded up to a power of two, at least 16) */
  readonly initialSlots?: number;
  /** grow the index when size / slots would exceed this (0.25 .. 0.9; default 0.75) */
  readonly maxLoad?: number;
  /** states per record page, as a power of two (default 16: 65,536 states, 1 MiB) */
  readonly pageBits?: number;
}

export class StateStore {
  private slots: Uint32Array;
  private bits: number;
  private mask: number;
  /** low `bits` bits of a slot: id + 1 */
  private idMask: number;
  private fillLimit: number;
  private readonly pages: Uint32Array[] = [];
  private readonly pageBits: number;
  private readonly pageMask: number;
  private readonly maxLoad: number;
  private count = 0;
  /** levelStarts[d] = first id of depth d; ids of depth d are levelStarts[d] .. levelStarts[d+1]-1 */
  private readonly levelStarts: number[] = [];

  constructor(opts: StoreOptions = {}) {
    this.maxLoad = opts.maxLoad ?? 0.75;
    if (!(this.maxLoad >= 0.25 && this.maxLoad <= 0.9)) throw new RangeError(`maxLoad ${this.maxLoad} is not in [0.25, 0.9]`);
    this.pageBits = opts.pageBits ?? 16;
    if (!Number.isInteger(this.pageBits) || this.pageBits < 4 || this.pageBits > 24) throw new RangeError(`pageBits ${this.pageBits} is not in 4..24`);
    this.pageMask = (1 << this.pageBits) - 1;
    this.bits = Math.min(MAX_INDEX_BITS, Math.max(4, Math.ceil(Math.log2(Math.max(16, opts.initialSlots ?? 1024)))));
    this.slots = new Uint32Array(0);
    this.mask = this.idMask = this.fillLimit = 0;
    this.allocateIndex();
  }

  private allocateIndex(): void {
    this.slots = new Uint32Array(2 ** this.bits);
    this.mask = this.idMask = 2 ** this.bits - 1;
    this.fillLimit = Math.floor(this.slots.length * this.maxLoad);
  }

  /** Number of distinct states stored. */
  get size(): number { return this.count; }

  /** Home slot of a fingerprint: Fibonacci hashing of both words, so a weak fingerprint still spreads. */
  private home(hi: number, lo: number): number {
    return Math.imul(lo ^ Math.imul(hi, MIX), GOLDEN) >>> (32 - this.bits);
  }

  /** The fingerprint's tag: low bits of hi, shifted into the slot bits above the id. */
  private tag(hi: number): number {
    return ((hi << this.bits) & ~this.idMask) >>> 0;
  }

  /** The id stored for this fingerprint, or -1. */
  find(hi: number, lo: number): number {
    hi >>>= 0; lo >>>= 0;
    const slots = this.slots;
    const mask = this.mask;
    const idMask = this.idMask;
    const tag = this.tag(hi);
    for (let i = this.home(hi, lo); ; i = (i + 1) & mask) {
      const s = slots[i]!;
      if (s === 0) return -1;
      if (((s & ~idMask) >>> 0) !== tag) continue;
      const id = (s & idMask) - 1;
      const p = this.pages[id >>> this.pageBits]!;
      const o = (id & this.pageMask) * WORDS;
      if (p[o + 1] === lo && p[o] === hi) return id;
    }
  }

  has(hi: number, lo: number): boolean { return this.find(hi, lo) !== -1; }

  /**
   * Store a state unless its fingerprint is present. Returns the new state's id (ids are
   * 0, 1, 2, ... in insertion order), or PRESENT. `depth` must not decrease from one insert to
   * the next (breadth-first order); it is kept per level, not per state.
   */
  insert(hi: number, lo: number, parent: number, op: number, depth: number): number {
    hi >>>= 0; lo >>>= 0;
    const slots = this.slots;
    const mask = this.mask;
    const idMask = this.idMask;
    const tag = this.tag(hi);
    let i = this.home(hi, lo);
    for (; ; i = (i + 1) & mask) {
      const s = slots[i]!;
      if (s === 0) break;
      if (((s & ~idMask) >>> 0) !== tag) continue;
      const id = (s & idMask) - 1;
      const p = this.pages[id >>> this.pageBits]!;
      const o = (id & this.pageMask) * WORDS;
      if (p[o + 1] === lo && p[o] === hi) return PRESENT;
    }
    const id = this.count;
    if (id >= MAX_STATES) throw new RangeError('state store full (2^32 - 1 states)');
    this.noteDepth(id, depth);
    const page = id >>> this.pageBits;
    if (page === this.pages.length) this.pages.push(new Uint32Array((this.pageMask + 1) * WORDS));
    const p = this.pages[page]!;
    const o = (id & this.pageMask) * WORDS;
    p[o] = hi;
    p[o + 1] = lo;
    p[o + 2] = parent >>> 0;
    p[o + 3] = op >>> 0;
    this.count = id + 1;
    if (this.count > this.fillLimit) this.grow(); // the new id is indexed by the rebuild
    else slots[i] = (tag | (id + 1)) >>> 0;
    return id;
  }

  private noteDepth(id: number, depth: number): void {
    const levels = this.levelStarts;
    const last = levels.length - 1;
    if (depth < last) throw new RangeError(`insert at depth ${depth} after depth ${last}: the store needs breadth-first order`);
    while (levels.length <= depth) levels.push(id);
  }

  /** Double the index and re-place every id; the records do not move. */
  private grow(): void {
    if (this.bits >= MAX_INDEX_BITS) throw new RangeError('state store index cannot grow past 2^31 slots');
    this.bits++;
    this.allocateIndex();
    const slots = this.slots;
    const mask = this.mask;
    for (let id = 0; id < this.count; id++) {
      const p = this.pages[id >>> this.pageBits]!;
      const o = (id & this.pageMask) * WORDS;
      let i = this.home(p[o]!, p[o + 1]!);
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = (this.tag(p[o]!) | (id + 1)) >>> 0;
    }
  }

  /** Forget every state, keep the allocated index and the first page (a worker's per-chunk dedup). */
  clear(): void {
    this.slots.fill(0);
    this.pages.length = Math.min(this.pages.length, 1);
    this.levelStarts.length = 0;
    this.count = 0;
  }

  private word(id: number, w: number): number {
    if (!(id >= 0 && id < this.count)) throw new RangeError(`no state ${id}`);
    return this.pages[id >>> this.pageBits]![(id & this.pageMask) * WORDS + w]!;
  }

  fpHi(id: number): number { return this.word(id, 0); }
  fpLo(id: number): number { return this.word(id, 1); }
  /** NO_PARENT for an initial state */
  parent(id: number): number { return this.word(id, 2); }
  /** the alphabet index of the op that first reached the state (an initial state: its init index) */
  op(id: number): number { return this.word(id, 3); }

  /** Depth of a state: the level whose id range holds it. */
  depth(id: number): number {
    if (!(id >= 0 && id < this.count)) throw new RangeError(`no state ${id}`);
    const levels = this.levelStarts;
    let lo = 0;
    let hi = levels.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (levels[mid]! <= id) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /** Number of levels that have at least been started (deepest depth + 1). */
  get levels(): number { return this.levelStarts.length; }

  /** First id of depth d (size when d is past the deepest level). */
  levelStart(d: number): number { return this.levelStarts[d] ?? this.count; }

  /**
   * The path to a state by its parent links: its initial state's index, then the ops from it
   * (in BFS, as many ops as its depth). Written into `out` when given (its length must be the
   * path's).
   */
  path(id: number, out?: Uint32Array): Uint32Array {
    let len = 1;
    for (let s = this.parent(id); s !== NO_PARENT; s = this.parent(s)) len++;
    const path = out ?? new Uint32Array(len);
    if (path.length !== len) throw new RangeError(`path of state ${id} has ${len} entries, not ${path.length}`);
    for (let j = len - 1, s = id; j >= 0; j--) {
      const p = this.pages[s >>> this.pageBits]!;
      const o = (s & this.pageMask) * WORDS;
      path[j] = p[o + 3]!;
      s = p[o + 2]!;
    }
    return path;
  }

  /** The records of ids [from, to) as [hi, lo, parent, op] words (a worker's candidate list). */
  records(from = 0, to = this.count): Uint32Array {
    const out = new Uint32Array((to - from) * WORDS);
    for (let id = from, k = 0; id < to; id++, k += WORDS) {
      const p = this.pages[id >>> this.pageBits]!;
      const o = (id & this.pageMask) * WORDS;
      out[k] = p[o]!; out[k + 1] = p[o + 1]!; out[k + 2] = p[o + 2]!; out[k + 3] = p[o + 3]!;
    }
    return out;
  }

  /** Bytes held: the index, the record pages and the level table. */
  get bytes(): number {
    return this.slots.byteLength + this.pages.reduce((n, p) => n + p.byteLength, 0) + this.levelStarts.length * 8;
  }

  /** Bytes held per stored state (the index's free slots and the last page's slack included). */
  get bytesPerState(): number { return this.count === 0 ? 0 : this.bytes / this.count; }

  /** Slots in the index (for measurements). */
  get capacity(): number { return this.slots.length; }
}
