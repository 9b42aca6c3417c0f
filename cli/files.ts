// Files the commands write: via a temp file and rename, so a reader never sees half of one.

import { renameSync, writeFileSync } from 'node:fs';

export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
