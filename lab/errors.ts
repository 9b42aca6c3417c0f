// What the lab cannot do on this machine (no root, no apt, a package the mirror no longer has, a
// guest that does not answer): an input error of the lab, reported by every command as exit 2.

import { InputError } from '../types/errors.ts';

export class LabError extends InputError {}
