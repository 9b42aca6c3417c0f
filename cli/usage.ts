// A usage or input error: the command prints its message and exits 2.

import { InputError } from '../types/errors.ts';

/** A command-line mistake: an input error of the command's own. */
export class UsageError extends InputError {}

/**
 * A command's action whose result is the exit status: a UsageError is printed as
 * `negcheck <command>: <message>` and exits 2; anything else propagates.
 */
export function exitStatusAction<A extends unknown[]>(command: string, run: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = await run(...args);
    } catch (e) {
      if (e instanceof InputError) { console.error(`negcheck ${command}: ${e.message}`); process.exitCode = 2; return; }
      throw e;
    }
  };
}
