// What the lab cannot do on this machine (no root, no apt, a package the mirror no longer has, a
// guest that does not answer): an input error of the lab, reported by every command as exit 2.

import { InputError } from '../types/errors.ts';

export class LabError extends InputError {}

/**
 * A guest that booted and then failed before it could run a trace (no hello, QEMU exiting before
 * its port connected, an agent that died laying out the harness's addresses): the run reports it as
 * a crash of the traces it was to run, not as the lab's input error.
 */
export class BootFailure extends LabError {
  constructor(message: string, readonly console: readonly string[]) { super(message); }
}
