// Files the commands write: via a temp file and rename, so a reader never sees half of one. The
// folder is made when it is not there (a long run must not end in ENOENT for `--json dir/x.json`).

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
