// The page is built as strings: every text that came from an input goes through `esc`, every
// table through `table` (a caption, a header row, a scroll container the keyboard can reach).

/** Text for an HTML text node or a quoted attribute. */
export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A cell: plain text (escaped), or HTML already built, with an optional class and title. */
export type Cell = string | number | { readonly html: string; readonly cls?: string; readonly title?: string };

function cellHtml(tag: 'td' | 'th', c: Cell): string {
  if (typeof c === 'number') return `<${tag} class="n">${esc(c)}</${tag}>`;
  if (typeof c !== 'object') return `<${tag}>${esc(c)}</${tag}>`;
  return `<${tag}${c.cls ? ` class="${esc(c.cls)}"` : ''}${c.title ? ` title="${esc(c.title)}"` : ''}>${c.html}</${tag}>`;
}

/** A table in a scroll container that takes keyboard focus (wide tables scroll on a phone). */
export function table(caption: string, head: readonly string[], rows: readonly (readonly Cell[])[], cls = ''): string {
  return `<div class="scroll" tabindex="0" role="region" aria-label="${esc(caption)}"><table${cls ? ` class="${cls}"` : ''}>` +
    `<caption>${esc(caption)}</caption><thead><tr>${head.map(h => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map(r => `<tr>${r.map((c, i) => cellHtml(i === 0 ? 'th' : 'td', c)).join('')}</tr>`).join('')}</tbody></table></div>`;
}

/** Lines of a trace, as a terminal shows them. */
export function pre(lines: readonly string[]): string {
  return `<pre>${esc(lines.join('\n'))}</pre>`;
}

/** A status word with its colour class: ok (green), bad (red), warn (amber), none (grey). */
export function badge(text: string, tone: 'ok' | 'bad' | 'warn' | 'none'): Cell {
  return { html: `<span class="badge ${tone}">${esc(text)}</span>`, cls: tone };
}

/** What a section says when its input is absent: which command writes it. */
export function absent(what: string, command: string): string {
  return `<p class="absent">No ${esc(what)} in the inputs: <code>${esc(command)}</code> writes it.</p>`;
}

export const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

