// Option parsers shared by every command: a bad value is commander's InvalidArgumentError, which
// the command line reports with usage and exit 2.

import { InvalidArgumentError } from 'commander';
import { parseDuration } from './duration.ts';

/** A non-negative integer of at least `min`. */
export function intArg(name: string, min = 0): (v: string) => number {
  return (v: string) => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return Number(v);
  };
}

/** Any integer, folded to int32 as fast-check seeds are. */
export function seedArg(v: string): number {
  if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError('--seed must be an integer');
  return Number(v) | 0;
}

export function durationArg(v: string): number {
  try { return parseDuration(v); } catch (e) { throw new InvalidArgumentError((e as Error).message); }
}
