// The negcheck command as the CLI tests run it: the repository's bin/negcheck.js from the
// repository root, under CI=1 as .ci/run does (plain progress lines), bounded in time.

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'bin', 'negcheck.js');
/** The environment a spawned negcheck runs in. */
export const CLI_ENV = { ...process.env, CI: '1' };

export interface CliResult { readonly status: number | null; readonly stdout: string; readonly stderr: string }

export function negcheck(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: CLI_ENV });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
