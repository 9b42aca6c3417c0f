// The fingerprint of an explored state is derived from its whole snapshot, never written by hand:
// whatever restore needs to rebuild a state is what tells states apart. A hand-written
// fingerprint that left a field out merged states a rule could tell apart (issue 23: vdpaUnmap
// reading driverFeatures gave a false "holds"); TLC fingerprints the whole state for the same
// reason.
//
// The serialisation is prefix-free and injective on the values a snapshot may hold (plain data:
// undefined, null, booleans, numbers, bigints of any size, strings, arrays, typed arrays, plain
// objects), so two snapshots write the same words only if they are equal as data, up to one
// approximation: an object key is written as a 64-bit hash of its name (cached; two of the few
// hundred names a model uses collide with probability ~1e-15, far below the state fingerprint's
// own collision estimate). Anything else (a function, a Map, a class instance, a symbol value)
// throws: it could hide state. Only own enumerable string keys are read (snapshots have no symbol
// keys or getters). Keys are written in the object's own order, so snapshots built alike
// fingerprint alike; the same data built with another key order fingerprints apart (fewer merges,
// never a wrong one).
//
// The one way to keep something out: wrap it in notState(). The Explorable must then say, in
// `reductions`, why leaving it out cannot change a verdict (checkReductionsStated refuses it
// otherwise), and every verdict says it holds under that reduction.
//
// Speed: the words go to a scratch Int32Array and are mixed in one loop (Fingerprinter.words);
// this is the engine's per-transition cost beside the model's own step.

import { Fingerprinter } from './fingerprint.ts';

/**
 * A part of a snapshot that restore needs but that is not the explored state (e.g. the trace an
 * implementation is rebuilt from): fingerprinted as one constant word.
 */
export class NotState<T> {
  constructor(readonly value: T) {
    Object.freeze(this);
  }
}

export const notState = <T>(value: T): NotState<T> => new NotState(value);

// Tags start every value but a non-negative int below 2^31, which is written as itself: tags are
// >= 2^31 as unsigned words, so the first word of a value says which it is. Lengths and counts
// (below 2^30) come after a tag.
const TAG_UNDEFINED = 0x8000_0001 | 0;
const TAG_NULL = 0x8000_0002 | 0;
const TAG_FALSE = 0x8000_0003 | 0;
const TAG_TRUE = 0x8000_0004 | 0;
const TAG_INT = 0x8000_0005 | 0;
const TAG_FLOAT = 0x8000_0006 | 0;
const TAG_U64 = 0x8000_0007 | 0;
const TAG_BIGINT = 0x8000_0008 | 0;
const TAG_STRING = 0x8000_0009 | 0;
const TAG_ARRAY = 0x8000_000a | 0;
const TAG_OBJECT = 0x8000_000b | 0;
const TAG_TYPED_ARRAY = 0x8000_000d | 0;
const TAG_NOT_STATE = 0x8000_000e | 0;

const U64_LIMIT = 1n << 64n;

/** The typed arrays a snapshot may hold, each fingerprinted with its index here. */
const TYPED_ARRAYS = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array,
  BigInt64Array, BigUint64Array, DataView,
] as const;

/** Why a snapshot cannot be fingerprinted: names the path to the offending value. */
export class UnfingerprintableError extends Error {}

/** An Explorable whose snapshots hold notState parts without a word in `reductions` on why. */
export class UnstatedReductionError extends Error {}

let sawNotState = false;

/**
 * Throws unless the last snapshot fingerprinted held no notState part or the Explorable states its
 * reductions (`stated`): leaving state out silently is what issue 23 was about.
 */
export function checkReductionsStated(stated: boolean): void {
  if (sawNotState && !stated) {
    throw new UnstatedReductionError('a snapshot holds notState() parts, but the Explorable gives no reductions saying why they cannot change a verdict');
  }
}

// --- the scratch buffer -------------------------------------------------------------------------

let buf = new Int32Array(1024);
let n = 0;

function grow(): void {
  const bigger = new Int32Array(buf.length * 2);
  bigger.set(buf);
  buf = bigger;
}

function put(w: number): void {
  if (n === buf.length) grow();
  buf[n++] = w;
}

const f64view = new Float64Array(1);
const f64words = new Int32Array(f64view.buffer);
const u64view = new BigUint64Array(1);
const u64words = new Int32Array(u64view.buffer);
/** index of the high word in the 2-word views (platform byte order) */
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;

function putString(s: string): void {
  const len = s.length;
  put(len);
  let i = 0;
  for (; i + 1 < len; i += 2) put(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
  if (i < len) put(s.charCodeAt(i));
}

// --- key names ------------------------------------------------------------------------------------
// A key is written as the 64-bit hash of its name, computed once per name (keyIds: name -> id,
// keyWords: the hash at 2 * id). The walk meets the same shapes at the same places, so it first
// compares a key with the one met at the same position last time (shapes) before looking it up.

const keyIds = new Map<string, number>();
const keyNames: string[] = [];
let keyWords = new Int32Array(256);
const keyHasher = new Fingerprinter();
/** per object position in the walk (`objects` counts them), the key ids met there last */
const shapes: number[][] = [];
let objects = 0;

function keyId(k: string): number {
  let id = keyIds.get(k);
  if (id === undefined) {
    id = keyIds.size;
    if (2 * id + 2 > keyWords.length) {
      const bigger = new Int32Array(keyWords.length * 2);
      bigger.set(keyWords);
      keyWords = bigger;
    }
    keyHasher.reset();
    keyHasher.str(k);
    keyHasher.finish();
    keyWords[2 * id] = keyHasher.hi | 0;
    keyWords[2 * id + 1] = keyHasher.lo | 0;
    keyIds.set(k, id);
    keyNames[id] = k;
  }
  return id;
}

// --- the walk -------------------------------------------------------------------------------------

/** The fingerprint of a snapshot into f.hi / f.lo: reset, the canonical words, finish. */
export function fingerprintSnapshot(f: Fingerprinter, snapshot: unknown): void {
  f.reset();
  writeCanonical(f, snapshot);
  f.finish();
}

/** Mix `v`'s canonical words into `f` (see the file comment). */
export function writeCanonical(f: Fingerprinter, v: unknown): void {
  n = 0;
  objects = 0;
  sawNotState = false;
  try {
    write(v);
  } catch (e) {
    // find where, only now: the hot path builds no path strings
    if (e instanceof UnfingerprintableError) throw new UnfingerprintableError(`${e.message} at ${badPath(v) ?? 'its root'}: only plain data can be fingerprinted`);
    throw e;
  }
  f.words(buf, n);
}

const isPlainObject = (o: object): boolean => {
  const proto = Object.getPrototypeOf(o) as unknown;
  return proto === Object.prototype || proto === null;
};

function write(v: unknown): void {
  switch (typeof v) {
    case 'undefined': return put(TAG_UNDEFINED);
    case 'boolean': return put(v ? TAG_TRUE : TAG_FALSE);
    case 'string': put(TAG_STRING); return putString(v);
    case 'number':
      // a non-negative int below 2^31 is its own word (tags are >= 2^31); other integers after a
      // tag; anything else bit-exact as a double (so -0, NaN and 2^53 stay apart)
      if ((v | 0) === v && !(v === 0 && 1 / v < 0)) {
        if (v >= 0) return put(v);
        put(TAG_INT); return put(v);
      }
      f64view[0] = v;
      put(TAG_FLOAT); put(f64words[HI]!); return put(f64words[1 - HI]!);
    case 'bigint':
      if (v >= 0n && v < U64_LIMIT) {
        u64view[0] = v;
        put(TAG_U64); put(u64words[HI]!); return put(u64words[1 - HI]!);
      }
      put(TAG_BIGINT); return putString(v.toString(16));
    case 'object': {
      if (v === null) return put(TAG_NULL);
      if (Array.isArray(v)) {
        put(TAG_ARRAY);
        put(v.length);
        for (let i = 0; i < v.length; i++) write(v[i]);
        return;
      }
      if (!isPlainObject(v)) return writeOther(v);
      // the key count goes before the members, patched in once they are written
      put(TAG_OBJECT);
      const at = n;
      put(0);
      let keys = 0;
      const r = v as Record<string, unknown>;
      const shape = shapes[objects] ??= [];
      objects++;
      for (const k in r) {
        // the same position in the walk mostly holds the same shape: compare names, not look them up
        let id = shape[keys];
        if (id === undefined || keyNames[id] !== k) shape[keys] = id = keyId(k);
        put(keyWords[2 * id]!); put(keyWords[2 * id + 1]!);
        write(r[k]);
        keys++;
      }
      buf[at] = keys;
      return;
    }
    default:
      throw new UnfingerprintableError(`a snapshot holds a ${typeof v}`);
  }
}

/** Not a plain object or array: notState, a typed array, or a refusal. */
function writeOther(v: object): void {
  if (v instanceof NotState) { sawNotState = true; return put(TAG_NOT_STATE); }
  if (ArrayBuffer.isView(v)) {
    // the kind (a Uint32Array [1] is not a Uint8Array [1, 0, 0, 0]), the byte length, the bytes
    const kind = TYPED_ARRAYS.indexOf(v.constructor as (typeof TYPED_ARRAYS)[number]);
    if (kind < 0) throw new UnfingerprintableError(`a snapshot holds a ${v.constructor.name}`);
    put(TAG_TYPED_ARRAY); put(kind);
    const bytes = v instanceof Uint8Array ? v : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    const len = bytes.length;
    put(len);
    let i = 0;
    for (; i + 3 < len; i += 4) put(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    if (i < len) {
      let last = 0;
      for (let sh = 0; i < len; i++, sh += 8) last |= bytes[i]! << sh;
      put(last);
    }
    return;
  }
  throw new UnfingerprintableError(`a snapshot holds a ${v.constructor?.name ?? 'object'}`);
}

/** The path to the first value write() refuses, or null (the root itself). */
function badPath(v: unknown, path = ''): string | null {
  if (typeof v === 'function' || typeof v === 'symbol') return path || null;
  if (typeof v !== 'object' || v === null || v instanceof NotState || ArrayBuffer.isView(v)) return null;
  if (!Array.isArray(v) && !isPlainObject(v)) return path || null;
  for (const [k, x] of Object.entries(v)) {
    const found = badPath(x, path === '' ? k : `${path}.${k}`);
    if (found !== null) return found;
  }
  return null;
}
