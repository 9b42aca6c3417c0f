// Plain-text tables for the terminal: columns padded to their widest cell.

/** `numbers`: every column but the first right-aligned; otherwise all left-aligned. */
export function textTable(head: readonly string[], rows: readonly (readonly string[])[], align: 'left' | 'numbers' = 'left'): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (align === 'numbers' && i > 0 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)];
}
