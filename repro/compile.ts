// A reproducer built as the lab runs it: gcc -static (the lab's guests have no libc), with the
// warnings a kernel developer's build would show made errors.

import { spawnSync } from 'node:child_process';

export class CompileError extends Error {}

/** Compile the C text of one reproducer to the static executable `out`. */
export function compileStatic(cText: string, out: string): void {
  const r = spawnSync('gcc', ['-static', '-O2', '-Wall', '-Wextra', '-Werror', '-x', 'c', '-', '-o', out], { input: cText, encoding: 'utf8' });
  if (r.error) throw new CompileError(`gcc: ${r.error.message}`);
  if (r.status !== 0) throw new CompileError(`gcc -static -O2 -Wall -Wextra -Werror failed:\n${r.stderr}`);
}
