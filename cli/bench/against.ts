// The base side of `negcheck bench --against REF`: resolve REF, check it out into a temporary
// git worktree, give it node_modules, and always remove it again (also on SIGINT/SIGTERM).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../usage.ts';

export interface BaseTree {
  /** the resolved commit */
  readonly commit: string;
  readonly dir: string;
  /** how node_modules was provided */
  readonly install: 'linked' | 'npm ci';
  remove(): void;
}

function git(repo: string, args: readonly string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
  return { ok: r.status === 0, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim() };
}

export function repoRoot(from: string): string {
  const r = git(from, ['rev-parse', '--show-toplevel']);
  if (!r.ok) throw new UsageError(`--against needs a git repository: ${r.err || 'git rev-parse failed'}`);
  return r.out;
}

/** REF as a commit hash, or a UsageError naming it. */
export function resolveRef(repo: string, ref: string): string {
  const r = git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!r.ok || !r.out) throw new UsageError(`--against ${ref}: not a commit, branch or tag in ${repo}`);
  return r.out;
}

/**
 * What `bench:gate` compares with when no REF is given: the merge base with the main branch
 * (origin/main, else main), or HEAD~1 when HEAD is the main branch's tip itself.
 */
export function defaultRef(repo: string): string {
  const main = ['origin/main', 'main'].find(b => git(repo, ['rev-parse', '--verify', '--quiet', `${b}^{commit}`]).ok);
  if (!main) throw new UsageError('--against without REF: no origin/main or main branch to take the merge base with; give REF');
  const head = resolveRef(repo, 'HEAD');
  if (resolveRef(repo, main) === head) {
    const parent = git(repo, ['rev-parse', '--verify', '--quiet', 'HEAD~1^{commit}']);
    if (!parent.ok) throw new UsageError(`--against without REF: HEAD is ${main} and has no parent commit; give REF`);
    return parent.out;
  }
  const mb = git(repo, ['merge-base', 'HEAD', main]);
  if (!mb.ok || !mb.out) throw new UsageError(`--against without REF: HEAD and ${main} have no merge base (shallow clone? fetch with full history); give REF`);
  return mb.out;
}

const live = new Set<BaseTree>();
let handlersInstalled = false;

/** SIGINT/SIGTERM: remove every live worktree, then die of the signal's usual exit status. */
function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(sig, () => {
      for (const t of [...live]) t.remove();
      process.exit(code);
    });
  }
}

/**
 * Check `commit` out (detached) into a fresh temporary directory. node_modules: a symlink to
 * the current one when the lockfiles are byte-identical, else `npm ci` in the worktree.
 */
export function checkoutBase(repo: string, commit: string, log: (l: string) => void): BaseTree {
  installSignalHandlers();
  const dir = mkdtempSync(join(tmpdir(), 'negcheck-base-'));
  let removed = false;
  const tree: BaseTree = {
    commit, dir, install: 'linked',
    remove() {
      if (removed) return;
      removed = true;
      live.delete(tree);
      git(repo, ['worktree', 'remove', '--force', dir]);
      rmSync(dir, { recursive: true, force: true });
      git(repo, ['worktree', 'prune']);
    },
  };
  live.add(tree);
  try {
    const add = git(repo, ['worktree', 'add', '--detach', dir, commit]);
    if (!add.ok) throw new Error(`git worktree add ${commit}: ${add.err}`);
    const lock = (root: string): string | null => (existsSync(join(root, 'package-lock.json')) ? readFileSync(join(root, 'package-lock.json'), 'utf8') : null);
    const here = lock(repo);
    if (here !== null && here === lock(dir) && existsSync(join(repo, 'node_modules'))) {
      symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
    } else {
      log(`base ${commit.slice(0, 12)}: its package-lock.json differs; npm ci in the worktree...`);
      const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
      if (ci.status !== 0) throw new Error(`npm ci for the base ${commit}: ${ci.stderr}`);
      (tree as { install: BaseTree['install'] }).install = 'npm ci';
    }
    return tree;
  } catch (e) {
    tree.remove();
    throw e;
  }
}
