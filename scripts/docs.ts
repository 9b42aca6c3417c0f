// Every count and table in the docs that the code can compute, written by one script (issue 24): a
// block between `<!-- generated: NAME -->` and `<!-- /generated -->` in README.md or docs/*.md is
// this script's. `npm run docs` rewrites them; test/docs.test.ts fails when a committed doc differs
// from what the script writes now (so a count cannot drift). Figures that come from a measurement
// (times, rates) are not here: they carry the command, date and machine they came from.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultVectorDir, replayConformance } from '../conformance/index.ts';
import { corpusFiles } from '../harness/corpus.ts';
import { MUST_REACH_FILE, readMustReach } from '../harness/coverage.ts';
import { P0_EXPLORE_ENTRIES, PROPERTY_IDS, REGISTRY, scopeFor, scopeForProposal } from '../properties/index.ts';
import { noRegression } from '../properties/r-no-regression.ts';
import { readLock } from '../lab/setup.ts';
import { CATALOGUE } from '../proposals/index.ts';
import { applicableProperties } from '../proposals/prove.ts';
import { RULE_SPECS } from '../types/rules.ts';
import { writeAtomic } from '../cli/files.ts';
import { importGraph, LAYERS, ROOT } from './import-graph.ts';

export { ROOT };

/** The docs the script keeps: README.md and every page of docs/ (a block anywhere there is checked). */
export function docFiles(): string[] {
  return ['README.md', ...readdirSync(join(ROOT, 'docs')).filter(f => f.endsWith('.md')).sort().map(f => `docs/${f}`)];
}

/** What each folder holds, for the layout table (the files and lines are counted). */
const FOLDERS: Readonly<Record<string, string>> = {
  types: 'the shared vocabulary: ops, observations, policies and profiles, rules, uapi constants, the wire encoder, what a property is',
  model: 'the reference model (bigint; one rule per function, each citing its source)',
  impl: 'the optimised implementation (hi/lo u32 words, the typed-array IOTLB index, no allocation per translate)',
  explore: 'the exhaustive engine: fingerprints of whole snapshots, the visited-state store, breadth-first search, worker threads',
  generators: 'fast-check arbitraries, the named profiles, the explore value sets and scope machinery',
  properties: 'P0, I1–I7 and R: each law, its explore scope and its test side by side; the registry (index.ts)',
  harness: 'running a property, the corpus format, replay, reports, transition coverage, story entries',
  conformance: 'replaying the kernel\'s own answers (../shared/conformance) on model and implementation',
  lab: 'real kernels (Debian\'s 6.1, 6.12, 7.2) under QEMU: set-up from the lock file, the guest agent (agent/, C) and its protocol, each kernel\'s profile, traces compared with the model (vhost-vdpa over a VDUSE parent the agent answers), the catalogue\'s counterexamples of each kernel, known differences',
  proposals: 'the proposal catalogue (catalogue/*.ts), loading a proposal file, the prover and its exhaustive half',
  bench: 'tinybench suites, fixtures, the gate\'s statistics, the explore benchmarks',
  repro: 'a corpus entry replayed step by step (replay.ts, as `negcheck replay` prints it); C reproducers of corpus entries: what a program runs and expects (the model\'s answers, the violation), the program (the lab agent\'s device code and a main), gcc -static',
  report: 'the nightly page: the results the other commands write, read and checked (inputs.ts), one file per section, uPlot bundled from npm (assets/), written whole or not at all',
  cli: 'the negcheck command (fuzz, explore, prove, replay, conformance, bench, lab, kernel, repro, report)',
};

const table = (head: readonly string[], rows: readonly (readonly string[])[]): string =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map(r => `| ${r.join(' | ')} |`)].join('\n');

const fmt = (n: number): string => n.toLocaleString('en');

const R_DEF = noRegression({ id: 'R', policy: {}, baseline: {} });

function propertiesBlock(): string {
  const rows = [...Object.values(REGISTRY).map(r => r.def), R_DEF].map(d => [d.id, d.title, d.statement, d.source]);
  return table(['id', 'title', 'statement', 'source'], rows);
}

/** The catalogue's rows: (proposal, property) pairs that judge each proposal. */
function catalogueRows(): number {
  return CATALOGUE.reduce((n, p) => n + applicableProperties(p).length, 0);
}

function countsBlock(): string {
  const invariants = Object.keys(REGISTRY).filter(id => id !== 'P0');
  const withBaseline = CATALOGUE.filter(p => p.baseline !== undefined).length;
  return [
    `- ${Object.keys(REGISTRY).length + 1} properties: P0, ${invariants.join(', ')} and R (\`properties/index.ts\`);`,
    `- ${CATALOGUE.length} catalogue proposals, ${withBaseline} of them with a baseline (judged by R), ${catalogueRows()} (proposal, property) rows in \`prove --all\`'s matrix;`,
    `- ${RULE_SPECS.length} named rules a proposal may bring (\`negcheck prove --rules\`);`,
    `- ${readMustReach(MUST_REACH_FILE).length} must-reach transitions (\`properties/must-reach.txt\`);`,
    `- ${testCount() - corpusFiles(join(ROOT, 'corpus')).length} tests in \`npm test\` (\`vitest list\`), one more for each \`corpus/\` entry.`,
  ].join('\n');
}

function layoutBlock(): string {
  // files, not lines: a line count would make every edit a docs change (`npx tsx scripts/import-graph.ts` prints the lines)
  const g = importGraph();
  const rows = LAYERS.flatMap((layer, i) => layer.map(folder => {
    const files = [...g.edges.keys()].filter(f => f.startsWith(`${folder}/`) && !f.endsWith('.test.ts'));
    return [`\`${folder}/\``, String(i), FOLDERS[folder] ?? '', String(files.length)];
  }));
  return `${table(['folder', 'layer', 'holds', 'source files'], rows)}\n\nA folder imports only its own files and lower layers' (\`test/layers.test.ts\`, ` +
    `\`npx tsx scripts/import-graph.ts\`: ${g.circles.length} circles, ${g.backUp.length} imports back up a layer). ` +
    'Tests (`*.test.ts`, `test/`), `scripts/` and `mutation/` sit on top.';
}

function exploreScopesBlock(): string {
  const rows = Object.values(REGISTRY).flatMap(r => {
    if (!('explore' in r)) return [];
    const own = scopeFor(r.def.id);
    const wide = scopeFor(r.def.id, { over: 'scope' });
    return [[r.def.id, `${own.profiles.length} × ${own.alphabet.length}`, `${wide.profiles.length} × ${wide.alphabet.length}`]];
  });
  const p0 = P0_EXPLORE_ENTRIES.map(e => `\`${e.id}\``).join(', ');
  return `${table(['property', 'own scope (profiles × ops)', 'a proposal\'s scope before pinning'], rows)}\n\n` +
    `P0 is explored over each of these scopes and over its own wire scope: ${p0} (\`--property P0\` runs all ${P0_EXPLORE_ENTRIES.length}). ` +
    `Every scope at \`--values default\`, depth 6.`;
}

function rScopesBlock(): string {
  const pairs = CATALOGUE.filter(p => p.baseline !== undefined).map(p => (scopeForProposal(p, 'R') as unknown as { pairs: unknown[] }).pairs.length);
  return `${pairs.length} catalogue R rows, over ${Math.min(...pairs)} to ${Math.max(...pairs)} profile pairs each.`;
}

function rulesBlock(): string {
  return `${RULE_SPECS.length} rules: ${RULE_SPECS.map(r => `\`${r.name}\``).join(', ')}.`;
}

function catalogueBlock(): string {
  return `${CATALOGUE.length} entries, judged in ${catalogueRows()} (proposal, property) rows; ${PROPERTY_IDS.join(', ')} can judge one.`;
}

function conformanceBlock(): string {
  const [iotlb, msg] = replayConformance(defaultVectorDir(), 'model');
  return `\`../shared/conformance/\` holds ${iotlb!.traces} traces of \`drivers/vhost/iotlb.c\` + \`translate_desc\` (${fmt(iotlb!.compared)} answers) ` +
    `and ${msg!.traces} traces of raw \`write()\`s to a generic vhost fd (${fmt(msg!.compared)} answers, ${msg!.skipped} skipped).`;
}

function labKernelsBlock(): string {
  const rows = readLock().map(k => `| ${k.id} | ${k.suite} | ${k.packages.map(p => `\`${p.name}\` ${p.version}`).join('<br>')} | ${k.why} |`);
  return ['| kernel | Debian suite | packages (lab/kernels.lock.json) | why it is in the lab |', '|---|---|---|---|', ...rows].join('\n');
}

let tests: number | undefined;
/** The number of tests `npm test` runs, as vitest lists them. */
function testCount(): number {
  if (tests !== undefined) return tests;
  // without NEGCHECK_VITEST_JSON: CI's report file is the test run's, not this listing's; and with
  // the lab in (vitest list leaves out what skipIf skips: NEGCHECK_LAB=off would count fewer)
  const env = { ...process.env, NEGCHECK_VITEST_JSON: '', NEGCHECK_LAB: '' };
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'list', '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, env });
  if (r.status !== 0) throw new Error(`vitest list failed: ${r.stderr}`);
  tests = (JSON.parse(r.stdout) as unknown[]).length;
  return tests;
}

/** Every generated block, by name. */
export const BLOCKS: Readonly<Record<string, () => string>> = {
  properties: propertiesBlock,
  counts: countsBlock,
  layout: layoutBlock,
  'explore-scopes': exploreScopesBlock,
  'r-scopes': rScopesBlock,
  rules: rulesBlock,
  catalogue: catalogueBlock,
  conformance: conformanceBlock,
  'lab-kernels': labKernelsBlock,
};

const BLOCK = /<!-- generated: ([a-z0-9-]+) -->\n[\s\S]*?<!-- \/generated -->/g;

/** The doc with every generated block written anew; a block name the script does not know is an error. */
export function render(text: string, file: string, blocks: Readonly<Record<string, string>>): string {
  return text.replace(BLOCK, (_, name: string) => {
    const body = blocks[name];
    if (body === undefined) throw new Error(`${file}: no generated block named ${name} (scripts/docs.ts BLOCKS)`);
    return `<!-- generated: ${name} -->\n${body}\n<!-- /generated -->`;
  });
}

/** The blocks a doc uses, computed once each. */
export function computeBlocks(names: Iterable<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const make = BLOCKS[name];
    if (make === undefined) throw new Error(`no generated block named ${name}`);
    out[name] ??= make();
  }
  return out;
}

export function blockNames(text: string): string[] {
  return [...text.matchAll(BLOCK)].map(m => m[1]!);
}

/** Each doc that differs from what the script would write now. */
export function staleDocs(): { file: string; expected: string }[] {
  const texts = docFiles().map(f => [f, readFileSync(join(ROOT, f), 'utf8')] as const);
  const blocks = computeBlocks(texts.flatMap(([, t]) => blockNames(t)));
  return texts.flatMap(([file, text]) => {
    const expected = render(text, file, blocks);
    return expected === text ? [] : [{ file, expected }];
  });
}

function main(): number {
  const check = process.argv.includes('--check');
  const stale = staleDocs();
  for (const s of stale) {
    if (check) console.log(`stale: ${s.file}`);
    else { writeAtomic(join(ROOT, s.file), s.expected); console.log(`wrote ${s.file}`); }
  }
  if (stale.length === 0) console.log('every generated block is up to date');
  return check && stale.length > 0 ? 1 : 0;
}

if (process.argv[1]?.endsWith('docs.ts')) process.exitCode = main();
