// What every section of the page is: its anchor, heading and body, the charts it asks the page to
// draw, and the problems it found (the night's verdict is red when any section has one).

import { absent, esc, pre } from './html.ts';

/** A chart drawn in the browser by uPlot (assets/charts.js): x values and one or more series. */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** lines over time (x: unix seconds), or bars over categories (x: 0..n-1, named by `labels`) */
  readonly kind: 'lines' | 'bars';
  readonly x: readonly number[];
  readonly labels?: readonly string[];
  readonly series: readonly { readonly label: string; readonly values: readonly (number | null)[] }[];
  readonly yLabel: string;
}

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly html: string;
  readonly charts: readonly ChartSpec[];
  /** one line each; none: this section is green (or had no input) */
  readonly problems: readonly string[];
  /** false: the section's input was absent */
  readonly present: boolean;
}

/** What the sections share: links to the files they cite, copied beside the page, and a corpus entry's replay. */
export interface Context {
  /**
   * `file` as an input named it (relative to the working directory the command ran in, which may be
   * the input's directory or one above it) copied into the page's folder: its link and where it was
   * found, or null when it is not there.
   */
  attach(file: string, near: string): { readonly href: string; readonly path: string } | null;
  /** `negcheck replay`'s lines for a corpus file, or null when it does not replay */
  replay(file: string): Promise<readonly string[] | null>;
  /** `property transition` lines that must be reached (properties/must-reach.txt) */
  readonly mustReach: readonly { readonly property: string; readonly transition: string }[];
}

/** A section whose input is absent: it names the command that writes it. */
export function absentSection(base: { readonly id: string; readonly title: string }, what: string, command: string): Section {
  return { ...base, html: absent(what, command), charts: [], problems: [], present: false };
}

/**
 * A counterexample as the page shows it: its first line, a link to its corpus file (copied beside
 * the page) and the trace as `negcheck replay` prints it, or the trace the report kept when the file
 * is not there or does not replay.
 */
export async function counterexampleDetails(
  ctx: Context, cx: { readonly label: string; readonly message: string; readonly trace: readonly string[]; readonly file: string | null; readonly near: string }, open = false,
): Promise<string> {
  const link = cx.file === null ? null : ctx.attach(cx.file, cx.near);
  const replayed = link === null ? null : await ctx.replay(link.path);
  return `<details class="cx"${open ? ' open' : ''}><summary>${esc(cx.label)}: ${esc(cx.message.split('\n')[0]!)}</summary>` +
    (link ? `<p>corpus file: <a href="${esc(link.href)}">${esc(cx.file!)}</a> · <code>npx negcheck replay ${esc(cx.file!)}</code></p>`
      : `<p>not saved to a corpus${cx.file ? ` (${esc(cx.file)} is not beside the report)` : ''}</p>`) +
    pre(replayed ?? cx.trace) + '</details>';
}

/** A chart's placeholder: the figure the script draws into, with its title as the caption. */
export function chartFigure(c: ChartSpec): string {
  return `<figure class="chart"><div id="${c.id}" class="chart-box" data-chart="${c.id}" role="img" aria-label="${esc(c.title)}"></div>` +
    `<figcaption>${esc(c.title)}</figcaption></figure>`;
}
