// The docs cannot drift (issue 24): every count and table the code can compute is a generated block
// that scripts/docs.ts writes (`npm run docs`), and a committed doc that differs from what it writes
// now fails here.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BLOCKS, blockNames, computeBlocks, docFiles, render, ROOT, staleDocs } from '../scripts/docs.ts';

describe('the docs', () => {
  it('hold what scripts/docs.ts writes now (run `npm run docs` after a change that moves a count)', () => {
    expect(staleDocs().map(s => s.file)).toEqual([]);
  }, 120_000);

  it('a planted wrong count is found and written back', () => {
    // docs/prove.md's rules block: cheap to compute, unlike the test count
    const text = readFileSync(join(ROOT, 'docs', 'prove.md'), 'utf8');
    const blocks = computeBlocks(blockNames(text));
    const planted = text.replace(/(\d+) rules: /, (_, n: string) => `${Number(n) - 1} rules: `);
    expect(planted).not.toBe(text);
    // what the script writes differs from the planted doc (so the first test would fail), and is the committed one
    expect(render(planted, 'docs/prove.md', blocks)).not.toBe(planted);
    expect(render(planted, 'docs/prove.md', blocks)).toBe(text);
  });

  it('use every block the script writes, somewhere', () => {
    const used = new Set(docFiles().flatMap(f => blockNames(readFileSync(join(ROOT, f), 'utf8'))));
    expect(Object.keys(BLOCKS).filter(name => !used.has(name))).toEqual([]);
  });

  it('name only blocks the script knows', () => {
    expect(() => render('<!-- generated: no-such-block -->\nx\n<!-- /generated -->', 'x.md', {})).toThrow(/no generated block named no-such-block/);
  });
});
