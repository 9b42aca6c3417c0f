// A proposal written as a patch (issue 27, first step): a unified diff to the model, applied to a
// copy of model/ (and the types/ it imports) in a temporary directory, type-checked there, and
// loaded beside the model at HEAD. A patch states a kernel change as the same edit to the model
// function of the same name; whatever it may not do is an input error naming the file, the hunk or
// the line: touch anything but model/, fail to apply, or leave a model that does not type-check.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { InputError } from '../types/errors.ts';
import type { ModelFactory, PatchModels } from '../types/stack.ts';
import type { Subject } from '../types/property.ts';
import { stackSubject } from '../harness/subject.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The folders a patched model is built from: model/ and what it imports (types/ only: scripts/import-graph.ts holds it to that). */
const MODEL_CLOSURE = ['model', 'types'] as const;

export class PatchError extends InputError {}

export interface PatchedModel {
  /** where the diff came from (a file's path, or a corpus entry's) */
  readonly from: string;
  /** the diff itself (a corpus entry carries it, so replay applies it again) */
  readonly text: string;
  /** the model files it changes */
  readonly files: readonly string[];
  /** model/stack.ts createModelStack of the patched copy */
  readonly createModelStack: ModelFactory;
  /**
   * The model the patch applies to: the one at HEAD (loadPatch), or a copy outside Stryker's
   * sandbox when the patch is a Stryker mutant (mutation/patch-judge.test.ts)
   */
  readonly baseline: ModelFactory;
}

/** What a proposal is judged on: the model and the implementation, or its patched model against the model at HEAD. */
export function subjectOf(p: { readonly patched?: PatchedModel }): Subject {
  return p.patched ? { model: p.patched.createModelStack, baseline: p.patched.baseline } : stackSubject;
}

/** A patch proposal's two models (the exhaustive engine's sides), or none. */
export function patchModelsOf(p: { readonly patched?: PatchedModel }): PatchModels | undefined {
  return p.patched ? { baseline: p.patched.baseline, patched: p.patched.createModelStack } : undefined;
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

/** Apply the diff in `diffFile` to a copy of the model, type-check it and load it. */
export async function loadPatch(diffFile: string): Promise<PatchedModel> {
  if (!existsSync(diffFile)) throw new PatchError(`${diffFile}: no such file`);
  return loadPatchText(readFileSync(diffFile, 'utf8'), diffFile);
}

/**
 * Apply a diff (`from` names it in errors) to a copy of the model, type-check it and load it. The
 * copy is removed once loaded (model/stack.ts imports every model module statically), on every
 * error, and when the process exits before either.
 */
export async function loadPatchText(text: string, from: string): Promise<PatchedModel> {
  const files = diffFiles(text);
  if (files.length === 0) throw new PatchError(`${from}: no file diff in it (a unified diff, as git diff writes)`);
  const outside = files.filter(f => !f.startsWith('model/') || f.split('/').includes('..'));
  if (outside.length) throw new PatchError(`${from}: changes ${outside.join(', ')}: a patch may change model/ only`);
  const dir = mkdtempSync(join(tmpdir(), 'negcheck-patch-'));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', remove);
  const done = (): void => { remove(); process.removeListener('exit', remove); };
  const fail = (message: string): never => {
    done();
    throw new PatchError(message);
  };
  for (const f of MODEL_CLOSURE) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
  const diffFile = join(dir, 'patch.diff');
  writeFileSync(diffFile, text);
  // git apply names the hunk that does not apply (file:line), and applies all or nothing
  const applied = spawnSync('git', ['apply', '--verbose', '--whitespace=nowarn', diffFile], { cwd: dir, encoding: 'utf8' });
  if (applied.error) fail(`git apply: ${applied.error.message}`);
  if (applied.status !== 0) {
    const hunks = [...applied.stderr.matchAll(/^error: patch failed: (\S+:\d+)$/gm)].map(m => `the hunk at ${m[1]!}`);
    fail(`${from} does not apply to the model at HEAD: ${hunks.length ? hunks.join(', ') : applied.stderr.trim()}`);
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
    fail(`the model patched by ${from} does not type-check:\n  ${errors.join('\n  ') || tsc.stdout.trim()}`);
  }
  let mod: { createModelStack?: ModelFactory };
  try {
    mod = await tsImport(pathToFileURL(join(dir, 'model', 'stack.ts')).href, import.meta.url) as typeof mod;
  } catch (e) {
    return fail(`the model patched by ${from} does not load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  if (typeof mod.createModelStack !== 'function') return fail(`the model patched by ${from} has no createModelStack in model/stack.ts`);
  done();
  return { from, text, files, createModelStack: mod.createModelStack, baseline: stackSubject.model };
}
