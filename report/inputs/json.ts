// Reading a result file another command wrote: only the fields the page shows are checked, each
// one named with its path when it is missing or of the wrong type, so a broken input is an input
// error naming the file and the field, never a page that half draws.

import { InputError } from '../../types/errors.ts';

type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array';

const kindOf = (v: unknown): Kind | 'null' | 'other' =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v === 'string' ? 'string'
    : typeof v === 'number' ? (Number.isFinite(v) ? 'number' : 'other') : typeof v === 'boolean' ? 'boolean' : 'other';

/** A JSON value at a path of a file; `field` steps in and checks the type. */
export class At {
  constructor(readonly file: string, readonly path: string, readonly value: unknown) {}

  fail(expected: string): never {
    throw new InputError(`${this.file}: ${this.path || '(top)'}: expected ${expected}, got ${JSON.stringify(this.value)?.slice(0, 60) ?? 'nothing'}`);
  }

  private is(k: Kind): unknown {
    return kindOf(this.value) === k ? this.value : this.fail(k === 'array' ? 'an array' : k === 'object' ? 'an object' : `a ${k}`);
  }

  at(key: string): At {
    const o = this.is('object') as Record<string, unknown>;
    return new At(this.file, this.path ? `${this.path}.${key}` : key, o[key]);
  }

  string(): string { return this.is('string') as string; }
  number(): number { return this.is('number') as number; }
  boolean(): boolean { return this.is('boolean') as boolean; }
  /** null or absent: null */
  maybe<T>(read: (a: At) => T): T | null { return this.value === null || this.value === undefined ? null : read(this); }
  items(): At[] { return (this.is('array') as unknown[]).map((v, i) => new At(this.file, `${this.path}[${i}]`, v)); }
  entries(): [string, At][] {
    return Object.keys(this.is('object') as object).map(k => [k, this.at(k)]);
  }
  strings(): string[] { return this.items().map(a => a.string()); }
}
