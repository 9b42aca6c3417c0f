// The import graph of the source folders, and what it must not have (issue 24): a circle (any
// import, `import type` included), or an import that runs back up a layer. `npx tsx
// scripts/import-graph.ts` prints the layers with their files and lines, the edges between folders,
// and every circle and back-up import (exit 1 when there is one); test/layers.test.ts holds it to
// zero. Imports are read with TypeScript's own pre-processor (static, type-only, `export … from`
// and literal dynamic imports), and `new URL('./x.ts', import.meta.url)` (a worker or a module a
// worker loads) counts as an import too. A computed `import(spec.module)` is not seen: the URL it
// is given is, where that URL is written.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The layers, lowest first: a folder imports its own files and the folders of lower layers only
 * (siblings in one layer do not import each other). Tests (`*.test.ts`, test/), scripts/ and
 * mutation/ sit on top and may import anything.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['types'],
  ['model', 'impl'],
  ['explore'],
  ['generators'],
  ['properties'],
  ['harness', 'conformance'],
  ['proposals'],
  ['lab'],
  ['bench', 'repro'],
  ['report'],
  ['cli'],
];

const TOP = ['test', 'scripts', 'mutation'];

export interface ImportGraph {
  /** file -> the files it imports (repository-relative paths) */
  readonly edges: ReadonlyMap<string, readonly string[]>;
  /** every circle: files that reach each other */
  readonly circles: readonly (readonly string[])[];
  /** imports from a folder into a folder it may not import */
  readonly backUp: readonly { readonly from: string; readonly to: string }[];
}

const layerOf = (folder: string): number => LAYERS.findIndex(l => l.includes(folder));
const folderOf = (file: string): string => file.split('/')[0]!;
const isTest = (file: string): boolean => file.endsWith('.test.ts') || TOP.includes(folderOf(file));

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(ROOT, dir))) {
      const p = join(dir, name);
      if (statSync(join(ROOT, p)).isDirectory()) walk(p);
      else if (/\.(ts|mts|mjs)$/.test(name)) out.push(p);
    }
  };
  for (const folder of [...LAYERS.flat(), ...TOP]) walk(folder);
  return out.sort();
}

/** May `from` import `to`? Same folder, a lower layer, or anything from the top. */
export function allowed(from: string, to: string): boolean {
  if (isTest(from)) return true;
  const [a, b] = [folderOf(from), folderOf(to)];
  if (a === b) return true;
  return layerOf(b) >= 0 && layerOf(b) < layerOf(a);
}

/** Strongly connected components of more than one file (Tarjan). */
export function circlesOf(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next); low.set(v, next); next++;
    stack.push(v); on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); c.push(w); } while (w !== v);
      if (c.length > 1) out.push(c.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return out;
}

export function importGraph(): ImportGraph {
  const files = sourceFiles();
  const known = new Set(files);
  const edges = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(join(ROOT, f), 'utf8');
    const info = ts.preProcessFile(text, true, true);
    // and the modules a worker or a spec loads by URL: new URL('./x.ts', import.meta.url)
    const byUrl = [...text.matchAll(/new URL\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g)].map(m => m[1]!);
    const targets = [...info.importedFiles.map(i => i.fileName), ...byUrl].filter(s => s.startsWith('.'))
      .map(s => normalize(join(dirname(f), s))).filter(t => known.has(t));
    edges.set(f, [...new Set(targets)]);
  }
  const backUp = [...edges].flatMap(([from, ts_]) => ts_.filter(to => !allowed(from, to)).map(to => ({ from, to })));
  return { edges, circles: circlesOf(edges), backUp };
}

function main(): number {
  const g = importGraph();
  const lines = (f: string): number => readFileSync(join(ROOT, f), 'utf8').split('\n').length;
  console.log('layer  folder       files  lines');
  LAYERS.forEach((layer, i) => {
    for (const folder of layer) {
      const fs = [...g.edges.keys()].filter(f => folderOf(f) === folder && !isTest(f));
      console.log(`${String(i).padStart(5)}  ${folder.padEnd(12)} ${String(fs.length).padStart(5)}  ${String(fs.reduce((n, f) => n + lines(f), 0)).padStart(5)}`);
    }
  });
  const between = new Map<string, number>();
  for (const [from, tos] of g.edges) {
    if (isTest(from)) continue;
    for (const to of tos) if (folderOf(from) !== folderOf(to)) between.set(`${folderOf(from)} -> ${folderOf(to)}`, (between.get(`${folderOf(from)} -> ${folderOf(to)}`) ?? 0) + 1);
  }
  console.log(`\nimports between folders (tests, scripts and mutation/ left out): ${[...between].sort().map(([k, n]) => `${k} ${n}`).join(', ')}`);
  console.log(`\ncircles: ${g.circles.length}`);
  for (const c of g.circles) console.log(`  ${c.map(f => relative('.', f)).join(' <-> ')}`);
  console.log(`imports back up a layer: ${g.backUp.length}`);
  for (const b of g.backUp) console.log(`  ${b.from} -> ${b.to}`);
  return g.circles.length + g.backUp.length === 0 ? 0 : 1;
}

if (process.argv[1] && normalize(process.argv[1]) === normalize(fileURLToPath(import.meta.url))) {
  // `... | head` closes stdout early: stop quietly
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); else throw e; });
  process.exitCode = main();
}
