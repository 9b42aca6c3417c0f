// JSON for ops, profiles and observations: a u64 is written as {"u64": "0x..."} so that a
// counterexample file is exact and readable without fast-check or a bigint-aware parser.

export function toJsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return { u64: '0x' + v.toString(16) };
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJsonValue(x);
    return out;
  }
  return v;
}

export function fromJsonValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromJsonValue);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === 'u64') {
      const s = o['u64'];
      if (typeof s !== 'string' || !/^0x[0-9a-fA-F]+$/.test(s)) throw new Error(`bad u64 value ${JSON.stringify(s)}`);
      return BigInt(s);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = fromJsonValue(x);
    return out;
  }
  return v;
}

export function stringifyJson(v: unknown): string {
  return JSON.stringify(toJsonValue(v), null, 2) + '\n';
}
