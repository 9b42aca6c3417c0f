/// <reference lib="dom" />
// The report page as a reader's browser shows it: Debian's Chromium (scripts/browser-setup.mjs
// installs it), driven by playwright-core. What a page shows, measured in the browser: each
// section and its table rows, each chart's drawn pixels, console errors, the time to the last
// chart, whether the page overflows the screen, and where the keyboard's Tab goes.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env['NEGCHECK_CHROMIUM'] ?? '/usr/bin/chromium';
/** Why the browser test cannot run here, or null. */
export const browserMissing = (): string | null =>
  process.env['NEGCHECK_BROWSER'] === 'off' ? 'NEGCHECK_BROWSER=off'
    : existsSync(CHROMIUM) ? null : `${CHROMIUM} is not there: npm test's set-up (node scripts/browser-setup.mjs) installs it`;

/** Flags a root sandbox with a closed network needs (env: machines/node.md). */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

export interface PageView {
  readonly consoleErrors: readonly string[];
  /** section id -> whether its input was there, and the body rows of each of its tables */
  readonly sections: Readonly<Record<string, { readonly present: boolean; readonly rows: readonly number[]; readonly absentText: boolean }>>;
  /** section id -> its text as the reader sees it */
  readonly text: Readonly<Record<string, string>>;
  /** chart id -> pixels drawn (not transparent) in its canvas; 0: nothing drawn */
  readonly charts: Readonly<Record<string, number>>;
  readonly chartsDeclared: number;
  readonly verdict: { readonly tone: string; readonly line: string };
  /** ms from navigation start to the charts drawn (null: they never were) */
  readonly renderMs: number | null;
  /** the page is wider than the window (a phone would scroll sideways) */
  readonly overflows: boolean;
  /** what Tab focuses, in order, for the first presses */
  readonly tabStops: readonly string[];
}

export async function viewPage(browser: Browser, site: string, width: number, screenshot?: string): Promise<PageView> {
  const page: Page = await browser.newPage({ viewport: { width, height: 900 } });
  const consoleErrors: string[] = [];
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', e => consoleErrors.push(String(e)));
  try {
    await page.goto(pathToFileURL(join(site, 'index.html')).href, { waitUntil: 'load' });
    await page.waitForSelector('body[data-charts]', { timeout: 5000 }).catch(() => undefined);
    const view = await page.evaluate(() => {
      const sections: Record<string, { present: boolean; rows: number[]; absentText: boolean }> = {};
      const text: Record<string, string> = {};
      for (const s of Array.from(document.querySelectorAll<HTMLElement>('main section'))) {
        text[s.id] = s.innerText;
        sections[s.id] = {
          present: s.getAttribute('data-present') === 'true',
          rows: Array.from(s.querySelectorAll<HTMLTableElement>('table:not(.u-legend)')).map(t => t.tBodies[0]?.rows.length ?? 0),
          absentText: s.querySelector('.absent') !== null,
        };
      }
      const charts: Record<string, number> = {};
      const boxes = Array.from(document.querySelectorAll<HTMLElement>('[data-chart]'));
      for (const box of boxes) {
        const canvas = box.querySelector('canvas');
        let drawn = 0;
        if (canvas && canvas.width > 0 && canvas.height > 0) {
          const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) drawn++;
        }
        charts[box.id] = drawn;
      }
      const drawnAt = (window as unknown as { negcheckChartsDrawnAt?: number }).negcheckChartsDrawnAt;
      return {
        sections, text, charts, chartsDeclared: boxes.length,
        verdict: { tone: document.querySelector('header.verdict')?.classList.contains('green') ? 'green' : 'red', line: document.getElementById('verdict-line')?.textContent ?? '' },
        renderMs: drawnAt === undefined ? null : drawnAt,
        overflows: document.documentElement.scrollWidth > window.innerWidth + 1,
      };
    });
    const tabStops: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      tabStops.push(await page.evaluate(() => {
        const e = document.activeElement;
        return e ? `${e.tagName.toLowerCase()}${e.getAttribute('href') ? `[href=${e.getAttribute('href')}]` : ''}` : 'none';
      }));
    }
    if (screenshot) {
      mkdirSync(join(screenshot, '..'), { recursive: true });
      await page.evaluate(() => { (document.activeElement as HTMLElement | null)?.blur(); window.scrollTo(0, 0); });
      await page.screenshot({ path: screenshot, fullPage: false });
    }
    return { ...view, consoleErrors, tabStops };
  } finally {
    await page.close();
  }
}
