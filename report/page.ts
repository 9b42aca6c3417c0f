// `negcheck report`'s page: the night's verdict, then every section, written as one folder
// (index.html, assets/ with uPlot from its npm package, files/ with the corpus entries the page
// links) into a temporary folder beside --out and renamed over it, so a reader never sees half a page.

import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replayFile } from '../repro/replay.ts';
import { esc } from './html.ts';
import { resultFiles, type Inputs } from './inputs/index.ts';
import { benchSection } from './sections/bench.ts';
import { catalogueSection } from './sections/catalogue.ts';
import { coverageSection } from './sections/coverage.ts';
import { exploreSection } from './sections/explore.ts';
import { jobsSection } from './sections/jobs.ts';
import { kernelsSection } from './sections/kernels.ts';
import { mutationSection } from './sections/mutation.ts';
import { propertiesSection } from './sections/properties.ts';
import type { Context, Section } from './section.ts';

const ASSETS = join(dirname(fileURLToPath(import.meta.url)), 'assets');
const require = createRequire(import.meta.url);
/** The chart library, from its npm package (bundled into the page: it opens from file:// with no network). */
const UPLOT = { js: require.resolve('uplot/dist/uPlot.iife.min.js'), css: require.resolve('uplot/dist/uPlot.min.css') };

export interface Verdict {
  readonly tone: 'green' | 'red';
  readonly line: string;
}

/** Red when any section found a problem; the line says why (or what was judged). */
export function verdictOf(sections: readonly Section[]): Verdict {
  const problems = sections.flatMap(s => s.problems);
  const present = sections.filter(s => s.present).map(s => s.title.replace(/ \(.*\)$/, '').toLowerCase());
  return problems.length
    ? { tone: 'red', line: problems.join('; ') }
    : { tone: 'green', line: `every result as expected: ${present.join(', ')}` };
}

export interface PageOptions {
  readonly generatedAt: string;
  readonly mustReach: Context['mustReach'];
}

/** Each section of the page, in reading order. */
async function sections(inputs: Inputs, ctx: Context): Promise<Section[]> {
  return [
    await propertiesSection(inputs.fuzz, ctx),
    coverageSection(inputs.fuzz, inputs.explore, ctx),
    await exploreSection(inputs.explore, ctx),
    catalogueSection(inputs.prove, ctx),
    kernelsSection(inputs.kernel, inputs.kernelGenerate, ctx),
    benchSection(inputs.benchHistory, inputs.benchAgainst, ctx),
    mutationSection(inputs.mutation, ctx),
    jobsSection(inputs.jobs, ctx),
  ];
}

/** Files the page links, copied into files/ under names that do not collide. */
class Attachments {
  readonly copies = new Map<string, string>();
  private readonly names = new Set<string>();

  attach(file: string, near: string): { href: string; path: string } | null {
    // a report names a file relative to where its command ran: its own folder or one of its parents
    // (an artifact keeps that layout), else the working directory (a report made where it ran)
    const candidates = isAbsolute(file) ? [file] : [...ancestors(dirname(near)).map(d => join(d, file)), file];
    const path = candidates.find(c => existsSync(c) && statSync(c).isFile());
    if (path === undefined) return null;
    const key = resolve(path);
    let name = this.copies.get(key);
    if (name === undefined) {
      name = basename(path);
      for (let i = 2; this.names.has(name); i++) name = `${i}-${basename(path)}`;
      this.names.add(name);
      this.copies.set(key, name);
    }
    return { href: `files/${encodeURIComponent(name)}`, path };
  }
}

function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = resolve(dir), i = 0; i < 4; i++, d = dirname(d)) { out.push(d); if (dirname(d) === d) break; }
  return out;
}

/** The replay lines of a corpus file, or null when it does not replay (its rules or patch do not load). */
async function replayLines(file: string): Promise<readonly string[] | null> {
  try {
    return (await replayFile(file)).lines;
  } catch {
    return null;
  }
}

export interface Page {
  readonly html: string;
  readonly verdict: Verdict;
  readonly sections: readonly Section[];
  readonly attachments: ReadonlyMap<string, string>;
}

export async function buildPage(inputs: Inputs, o: PageOptions): Promise<Page> {
  const files = new Attachments();
  const ctx: Context = { attach: (f, near) => files.attach(f, near), replay: replayLines, mustReach: o.mustReach };
  const all = await sections(inputs, ctx);
  const verdict = verdictOf(all);
  const charts = all.flatMap(s => s.charts);
  const sources = resultFiles(inputs);
  const nav = all.map(s => `<li><a href="#${s.id}" class="${s.problems.length ? 'bad' : s.present ? 'ok' : 'none'}">${esc(s.title)}</a></li>`).join('');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>negcheck report: ${verdict.tone === 'green' ? 'green' : 'RED'}</title>
<link rel="stylesheet" href="assets/uPlot.min.css">
<link rel="stylesheet" href="assets/report.css">
</head>
<body>
<a class="skip" href="#main">Skip to the results</a>
<header class="verdict ${verdict.tone}" role="status">
<h1>negcheck: ${verdict.tone === 'green' ? 'green' : 'red'}</h1>
<p id="verdict-line">${esc(verdict.line)}</p>
<p class="meta">Made ${esc(o.generatedAt)} from ${sources.length} result files.</p>
</header>
<nav aria-label="Sections"><ul>${nav}</ul></nav>
<main id="main">
${all.map(s => `<section id="${s.id}" aria-labelledby="${s.id}-h" data-present="${s.present}">
<h2 id="${s.id}-h">${esc(s.title)}${s.problems.length ? ' <span class="badge bad">red</span>' : ''}</h2>
${s.problems.length ? `<ul class="problems">${s.problems.map(p => `<li>${esc(p)}</li>`).join('')}</ul>` : ''}
${s.html}
</section>`).join('\n')}
<section id="sources" aria-labelledby="sources-h">
<h2 id="sources-h">Inputs</h2>
<ul>${sources.map(f => `<li><code>${esc(f)}</code></li>`).join('')}</ul>
${inputs.notRead.length ? `<details><summary>${inputs.notRead.length} JSON files that are no result (not read)</summary><ul>${inputs.notRead.map(f => `<li><code>${esc(f)}</code></li>`).join('')}</ul></details>` : ''}
</section>
</main>
<script type="application/json" id="chart-data">${JSON.stringify(charts).replace(/</g, '\\u003c')}</script>
<script src="assets/uPlot.iife.min.js"></script>
<script src="assets/charts.js"></script>
</body>
</html>
`;
  return { html, verdict, sections: all, attachments: files.copies };
}

/** The page's folder, written whole or not at all: a temporary sibling renamed over `out`. */
export function writePage(page: Page, out: string): { files: number; bytes: number } {
  const target = resolve(out);
  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    mkdirSync(join(tmp, 'assets'), { recursive: true });
    writeFileSync(join(tmp, 'index.html'), page.html);
    copyFileSync(UPLOT.js, join(tmp, 'assets', 'uPlot.iife.min.js'));
    copyFileSync(UPLOT.css, join(tmp, 'assets', 'uPlot.min.css'));
    for (const f of readdirSync(ASSETS)) copyFileSync(join(ASSETS, f), join(tmp, 'assets', f));
    if (page.attachments.size) mkdirSync(join(tmp, 'files'));
    for (const [from, name] of page.attachments) copyFileSync(from, join(tmp, 'files', name));
    const old = `${target}.old-${process.pid}`;
    if (existsSync(target)) renameSync(target, old);
    renameSync(tmp, target);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return sizeOf(target);
}

export function sizeOf(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += statSync(join(e.parentPath, e.name)).size;
  }
  return { files, bytes };
}
