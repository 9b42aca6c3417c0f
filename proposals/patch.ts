// A proposal written as a patch (issue 27, first step): a unified diff to the model, applied to a
// copy of model/ (and the types/ it imports) in a temporary directory, type-checked there, and
// loaded beside the model at HEAD. A patch states a kernel change as the same edit to the model
// function of the same name; whatever it may not do is an input error naming the file, the hunk or
// the line: touch anything but model/, fail to apply, or leave a model that does not type-check.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { InputError } from '../types/errors.ts';
import type { Profile } from '../types/profile.ts';
import type { SnapshottingStack } from '../types/stack.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The folders a patched model is built from: model/ and what it imports (types/ only: scripts/import-graph.ts holds it to that). */
const MODEL_CLOSURE = ['model', 'types'] as const;

export class PatchError extends InputError {}

export interface PatchedModel {
  /** the diff's path, and the model files it changes */
  readonly diff: string;
  readonly files: readonly string[];
  /** model/stack.ts createModelStack of the patched copy */
  readonly createModelStack: (profile: Profile) => SnapshottingStack;
  /** remove the temporary copy */
  dispose(): void;
}

/** The files a unified diff changes (its `+++ b/PATH` lines; `--- a/PATH` for a deletion). */
export function diffFiles(text: string): string[] {
  const files: string[] = [];
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    if (!l.startsWith('+++ ')) return;
    const to = l.slice(4).split('\t')[0]!.trim();
    const from = (lines[i - 1] ?? '').startsWith('--- ') ? lines[i - 1]!.slice(4).split('\t')[0]!.trim() : '';
    const path = to === '/dev/null' ? from : to;
    files.push(path.replace(/^[ab]\//, ''));
  });
  return files;
}

/** Apply `diffFile` to a copy of the model, type-check it and load it. */
export async function loadPatch(diffFile: string): Promise<PatchedModel> {
  if (!existsSync(diffFile)) throw new PatchError(`${diffFile}: no such file`);
  const text = readFileSync(diffFile, 'utf8');
  const files = diffFiles(text);
  if (files.length === 0) throw new PatchError(`${diffFile}: no file diff in it (a unified diff, as git diff writes)`);
  const outside = files.filter(f => !f.startsWith('model/') || f.split('/').includes('..'));
  if (outside.length) throw new PatchError(`${diffFile}: changes ${outside.join(', ')}: a patch may change model/ only`);
  const dir = mkdtempSync(join(tmpdir(), 'negcheck-patch-'));
  const fail = (message: string): never => {
    rmSync(dir, { recursive: true, force: true });
    throw new PatchError(message);
  };
  for (const f of MODEL_CLOSURE) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
  // git apply names the hunk that does not apply (file:line), and applies all or nothing
  const applied = spawnSync('git', ['apply', '--verbose', '--whitespace=nowarn', resolve(diffFile)], { cwd: dir, encoding: 'utf8' });
  if (applied.error) fail(`git apply: ${applied.error.message}`);
  if (applied.status !== 0) {
    const hunks = [...applied.stderr.matchAll(/^error: patch failed: (\S+:\d+)$/gm)].map(m => `the hunk at ${m[1]!}`);
    fail(`${diffFile} does not apply to the model at HEAD: ${hunks.length ? hunks.join(', ') : applied.stderr.trim()}`);
  }
  // the patched copy type-checks as the repository does (its tsconfig's options), on its own
  const options = (JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> }).compilerOptions;
  // an ESM package whose dependencies (fast-check's types, node's) are the repository's
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, include: MODEL_CLOSURE.map(f => `${f}/**/*.ts`) }));
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir, encoding: 'utf8' });
  if (tsc.status !== 0) {
    const errors = tsc.stdout.split('\n').filter(l => /error TS\d+/.test(l)).slice(0, 5);
    fail(`the model patched by ${diffFile} does not type-check:\n  ${errors.join('\n  ') || tsc.stdout.trim()}`);
  }
  let mod: { createModelStack?: PatchedModel['createModelStack'] };
  try {
    mod = await tsImport(pathToFileURL(join(dir, 'model', 'stack.ts')).href, import.meta.url) as typeof mod;
  } catch (e) {
    return fail(`the model patched by ${diffFile} does not load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  if (typeof mod.createModelStack !== 'function') return fail(`the model patched by ${diffFile} has no createModelStack in model/stack.ts`);
  return { diff: diffFile, files, createModelStack: mod.createModelStack, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
