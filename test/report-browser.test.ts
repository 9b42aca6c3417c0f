// Issue 28: the report page opened in headless Chromium. A night's results (report-inputs.ts)
// become a page (`negcheck report`); the browser must show every section with its rows, draw
// every chart, log no error, fit a phone's width, and take the keyboard. Screenshots and the
// measured figures (page size, time to the last chart) go to out/report-browser/ (CI keeps them):
// reported, not asserted. A page with its chart library taken away must fail the same checks.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sizeOf } from '../report/page.ts';
import { browserMissing, launch, viewPage, type PageView } from './browser.ts';
import { negcheck, ROOT } from './negcheck.ts';
import { writeNight } from './report-inputs.ts';

const SHOTS = join(ROOT, 'out', 'report-browser');
const missing = browserMissing();

/** What the page must show for the night report-inputs.ts writes, whatever the browser. */
function problems(v: PageView, fuzzTargets: number): string[] {
  const out: string[] = [];
  const s = v.sections;
  for (const id of ['properties', 'coverage', 'explore', 'catalogue', 'kernels', 'bench', 'mutation']) {
    if (!s[id]) out.push(`section ${id} missing`);
    else if (!s[id].present) out.push(`section ${id} says its input is absent`);
  }
  if (!s['jobs']?.absentText) out.push('jobs: the section does not say its input is absent');
  if (s['properties']?.rows[0] !== fuzzTargets) out.push(`properties: ${s['properties']?.rows[0]} rows, want ${fuzzTargets} targets`);
  if (!(s['coverage']?.rows[0]! > 50)) out.push(`coverage: ${s['coverage']?.rows[0]} rows`);
  // explore --compare-fuzz ran on I5: the engines column names its must-reach lines
  if (!/I5: (both|fuzz only|explore only|neither)/.test(v.text['coverage'] ?? '')) out.push('coverage: no engines for I5\'s must-reach lines');
  if (s['catalogue']?.rows[0] !== 1) out.push(`catalogue: ${s['catalogue']?.rows[0]} rows, want 1 proposal`);
  if (s['kernels']?.rows[0] !== 1) out.push(`kernels: ${s['kernels']?.rows[0]} rows, want 1 kernel run`);
  if (s['bench']?.rows[0] !== 3) out.push(`bench: ${s['bench']?.rows[0]} rows, want 3 cases`);
  if (s['mutation']?.rows[0] !== 1) out.push(`mutation: ${s['mutation']?.rows[0]} rows, want 1 run`);
  if (v.chartsDeclared !== 2) out.push(`${v.chartsDeclared} charts on the page, want 2 (runs/s, bench history)`);
  for (const [id, px] of Object.entries(v.charts)) if (px === 0) out.push(`chart ${id} drew nothing`);
  for (const e of v.consoleErrors) out.push(`console: ${e}`);
  if (v.overflows) out.push('the page is wider than the window');
  if (v.tabStops[0] !== 'a[href=#main]') out.push(`the first Tab goes to ${v.tabStops[0]}, not the skip link`);
  if (!v.tabStops.some(t => t === 'a[href=#properties]')) out.push(`Tab does not reach the section links: ${v.tabStops.join(', ')}`);
  return out;
}

describe.skipIf(missing !== null)('the report page in Chromium', () => {
  let dir: string;
  let browser: Browser;
  let fuzzTargets: number;
  const site = (): string => join(dir, 'site');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'negcheck-report-'));
    writeNight(join(dir, 'night'));
    const read = (f: string): number => (JSON.parse(readFileSync(join(dir, 'night', f, 'report.json'), 'utf8')) as { targets: unknown[] }).targets.length;
    fuzzTargets = read('fuzz') + read(join('negcheck-shard-2', 'report'));
    const r = negcheck('report', '--in', join(dir, 'night'), '--out', site());
    if (r.status !== 0) throw new Error(`negcheck report exited ${r.status}: ${r.stderr}`);
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows every section with its rows and charts, logs no error, takes the keyboard, at 1280 px and at a phone width', async () => {
    const desktop = await viewPage(browser, site(), 1280, join(SHOTS, 'desktop-1280.png'));
    const phone = await viewPage(browser, site(), 390, join(SHOTS, 'phone-390.png'));
    expect(problems(desktop, fuzzTargets)).toEqual([]);
    expect(problems(phone, fuzzTargets)).toEqual([]);
    // the night has a broken proposal (size0-unchecked, I6) and a kernel finding: red, and why
    expect(desktop.verdict.tone).toBe('red');
    expect(desktop.verdict.line).toMatch(/size0-unchecked\/I6/);
    expect(desktop.verdict.line).toMatch(/kernels: 1 finding/);
    const size = sizeOf(site());
    const figures = { bytes: size.bytes, files: size.files, renderMsDesktop: desktop.renderMs, renderMsPhone: phone.renderMs };
    writeFileSync(join(SHOTS, 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`report page: ${(size.bytes / 1024).toFixed(0)} KB in ${size.files} files; charts drawn ${desktop.renderMs?.toFixed(0)} ms after navigation (1280 px), ` +
      `${phone.renderMs?.toFixed(0)} ms (390 px); screenshots in ${SHOTS}`);
  });

  it('a counterexample is shown as replay prints it, with its corpus file beside the page', () => {
    const html = readFileSync(join(site(), 'index.html'), 'utf8');
    const link = /href="(files\/[^"]+\.json)"/.exec(html);
    expect(link, 'a link to a corpus file').not.toBeNull();
    expect(() => readFileSync(join(site(), decodeURIComponent(link![1]!)), 'utf8')).not.toThrow();
    // replay's own lines: `expect:` and the verdict arrow
    expect(html).toMatch(/expect: (holds|violated)/);
    expect(html).toMatch(/=&gt; (as expected|STILL FAILS|fixed)/);
  });

  it('fails on a planted broken page: the chart library missing', async () => {
    rmSync(join(site(), 'assets', 'uPlot.iife.min.js'));
    const broken = await viewPage(browser, site(), 1280);
    const found = problems(broken, fuzzTargets);
    expect(found.some(p => /chart .* drew nothing/.test(p))).toBe(true);
    expect(found.some(p => /^console: /.test(p))).toBe(true);
  });
});

// the nightly's own page (the report job sets NEGCHECK_REPORT_SITE): it opens, draws every chart,
// logs no error, fits a phone, and its screenshots are kept beside the test's
const nightly = process.env['NEGCHECK_REPORT_SITE'];
describe.runIf(nightly !== undefined && missing === null)('the page NEGCHECK_REPORT_SITE names', () => {
  it('opens in Chromium: every chart drawn, no console error, no sideways scroll on a phone', async () => {
    const browser = await launch();
    try {
      for (const [width, name] of [[1280, 'nightly-1280.png'], [390, 'nightly-390.png']] as const) {
        const v = await viewPage(browser, nightly!, width, join(SHOTS, name));
        expect(Object.values(v.sections).filter(s => s.present).length).toBeGreaterThan(0);
        expect(['green', 'red']).toContain(v.verdict.tone);
        expect(v.consoleErrors).toEqual([]);
        expect(Object.entries(v.charts).filter(([, px]) => px === 0)).toEqual([]);
        expect(v.overflows).toBe(false);
        console.log(`${nightly} at ${width} px: ${v.verdict.tone}, charts drawn ${v.renderMs?.toFixed(0)} ms after navigation; ${(sizeOf(nightly!).bytes / 1024).toFixed(0)} KB`);
      }
    } finally {
      await browser.close();
    }
  });
});

if (missing !== null) {
  describe('the report page in Chromium', () => {
    it.skip(`no browser: ${missing}`, () => undefined);
  });
}
