// Transition coverage as a heat map: a row per transition, grouped by family (its first word), a
// column per fuzz target, the runs that took it in each cell, shaded by order of magnitude. A
// must-reach line is marked in its cell; where explore --compare-fuzz ran, the engines column says
// which engine took each must-reach transition (information, not a verdict: explore's scope is
// finite, and a must-reach line fuzz missed already fails the fuzz report).

import { STEPS } from '../../harness/coverage.ts';
import { esc, table, type Cell } from '../html.ts';
import type { ExploreIn, FuzzIn } from '../inputs/index.ts';
import { absentSection, type Context, type Section } from '../section.ts';


/** label -> transition -> runs, summed over the shards. */
function summed(reports: readonly FuzzIn[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const r of reports) {
    for (const [label, cov] of r.coverage) {
      const m = out.get(label) ?? new Map<string, number>();
      for (const [t, n] of cov) if (t !== STEPS) m.set(t, (m.get(t) ?? 0) + n);
      out.set(label, m);
    }
  }
  return out;
}

/** 0 (not taken) .. 5 (10^4 runs or more): the cell's shade. */
export const shade = (n: number): number => (n <= 0 ? 0 : Math.min(5, 1 + Math.floor(Math.log10(n))));

/** Which engines took a must-reach line: fuzz (any target of its property) and explore (any scope of it that compared). */
function engines(property: string, transition: string, fuzzReached: boolean, explore: readonly ExploreIn[]): string | null {
  const scopes = explore.flatMap(e => e.targets).filter(t => t.judges === property && t.reach !== null);
  if (scopes.length === 0) return null;
  const explored = scopes.some(t => t.reach!.both.includes(transition) || t.reach!.onlyExplore.includes(transition));
  return fuzzReached && explored ? 'both' : fuzzReached ? 'fuzz only' : explored ? 'explore only' : 'neither';
}

export function coverageSection(fuzz: readonly FuzzIn[], explore: readonly ExploreIn[], ctx: Context): Section {
  const base = { id: 'coverage', title: 'Transition coverage' };
  if (fuzz.length === 0) return absentSection(base, 'fuzz coverage (report.json)', 'npx negcheck fuzz --report DIR');
  const cov = summed(fuzz);
  const property = new Map(fuzz.flatMap(r => r.targets.map(t => [t.label, t.property] as const)));
  const labels = [...cov.keys()];
  const transitions = [...new Set(labels.flatMap(l => [...cov.get(l)!.keys()]).concat(ctx.mustReach.map(m => m.transition)))].sort();
  const must = (label: string, t: string): boolean => ctx.mustReach.some(m => m.transition === t && m.property === property.get(label));
  // what fuzz itself judged: a line missed by every target of its property, or a property that ran too few runs to say
  const missed = new Set(fuzz.flatMap(r => r.mustReach.missing));
  const unchecked = new Set(fuzz.flatMap(r => r.mustReach.unchecked));
  const mark = (label: string, t: string): string => {
    const p = property.get(label) ?? '';
    return missed.has(`${p} ${t}`) ? ' missed' : unchecked.has(p) ? ' unchecked' : '';
  };
  const rows: Cell[][] = [];
  let family = '';
  for (const t of transitions) {
    const f = t.split(' ')[0]!;
    if (f !== family) {
      family = f;
      rows.push([{ html: `<span class="family">${esc(f)}</span>`, cls: 'family-row' }, { html: '', cls: 'family-row' }, ...labels.map(() => ({ html: '', cls: 'family-row' }))]);
    }
    const lines = ctx.mustReach.filter(m => m.transition === t);
    const said = lines.map(m => {
      const reached = labels.some(l => property.get(l) === m.property && (cov.get(l)!.get(t) ?? 0) > 0);
      const e = engines(m.property, t, reached, explore);
      return e === null ? null : `${m.property}: ${e}`;
    }).filter((x): x is string => x !== null);
    rows.push([
      { html: `<span class="t">${esc(t)}</span>` },
      { html: esc(said.join('; ')), cls: `engines${said.some(s => /only|neither/.test(s)) ? ' warn' : ''}` },
      ...labels.map((l): Cell => {
        const n = cov.get(l)!.get(t) ?? 0;
        const m = must(l, t);
        return { html: `${m ? '<span class="must" aria-label="must reach">◆</span>' : ''}${n || (m ? '0' : '')}`, cls: `heat h${shade(n)}${m ? ` must-cell${mark(l, t)}` : ''}`, title: `${l} · ${t}: ${n} runs${m ? ` (must reach${mark(l, t) ? `:${mark(l, t)}` : ''})` : ''}` };
      }),
    ]);
  }
  const compared = explore.some(e => e.targets.some(t => t.reach !== null));
  const html = [
    `<p>${transitions.length} transitions over ${labels.length} targets; ◆ marks a must-reach line (properties/must-reach.txt): red where fuzz found no target of its property took it, grey where the property ran too few runs for fuzz to check. ` +
      `Shade: runs per cell, by order of magnitude. ${compared ? 'Engines: which engine took each must-reach transition (fuzz over the whole run; explore within its scope and depth).' : 'Engines: no explore report with <code>--compare-fuzz</code> in the inputs, so only fuzz\'s reach is known.'}</p>`,
    table('Runs per transition and target', ['transition', 'engines (must-reach)', ...labels], rows, 'heatmap'),
  ].join('\n');
  return { ...base, html, charts: [], problems: [], present: true };
}
