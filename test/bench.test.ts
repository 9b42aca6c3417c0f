// The gate's arithmetic: the statistical test, the regression decision, the chart; and its bad input.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { mannWhitneyLess, measure, median, normalCdf } from '../bench/measure.ts';
import { BASELINE_SCHEMA, chartSvg, compare, type Baseline } from '../cli/bench.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = mkdtempSync(join(tmpdir(), 'negcheck-bench-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const spread = (centre: number, n: number): number[] => Array.from({ length: n }, (_, i) => centre * (1 + (i - n / 2) * 0.004));
const baseline = (ratios: Record<string, number[]>): Baseline =>
  ({ schema: BASELINE_SCHEMA, createdAt: '', node: '', rounds: 3, processes: 12, timeMs: 60, calibration: 'c', ratios });

describe('bench gate statistics', () => {
  it('normal CDF and median', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(-2.326)).toBeCloseTo(0.01, 3);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it('Mann-Whitney: clearly smaller samples give a small p, equal ones do not', () => {
    expect(mannWhitneyLess(spread(0.8, 12), spread(1, 12))).toBeLessThan(0.001);
    expect(mannWhitneyLess(spread(1, 12), spread(1, 12))).toBeGreaterThan(0.3);
    expect(mannWhitneyLess(spread(1.2, 12), spread(1, 12))).toBeGreaterThan(0.99);
  });

  it('flags a slowdown beyond the threshold that the samples support, and nothing else', () => {
    const base = baseline({ a: spread(1, 12), b: spread(1, 12), c: spread(1, 12) });
    const rows = compare(base, { a: spread(0.8, 12), b: spread(0.95, 12), c: [0.5, 0.5, 1.5, 1.5, 0.5, 1.5, 0.5, 1.5, 0.5, 1.5, 0.5, 1.5] }, 0.1);
    const byId = Object.fromEntries(rows.map(r => [r.id, r]));
    expect(byId['a']!.regression).toBe(true);
    expect(byId['a']!.change).toBeCloseTo(-0.2, 2);
    expect(byId['b']!.regression).toBe(false); // 5%: under the threshold
    expect(byId['c']!.regression).toBe(false); // noise: median unchanged, not supported
  });

  it('draws the history as an SVG with one line per benchmark', () => {
    const svg = chartSvg([{ date: 'd1', medians: { x: 1, y: 2 } }, { date: 'd2', medians: { x: 0.9, y: 2.2 } }]);
    expect(svg).toMatch(/^<svg/);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
  });

  it('measures a case with tinybench', () => {
    let n = 0;
    const [m] = measure([{ id: 'count', group: 'g', subject: 'impl', gated: false, fn: () => { n++; } }], 20);
    expect(m!.opsPerSec).toBeGreaterThan(0);
    expect(n).toBeGreaterThan(0);
  });
});

describe('negcheck bench bad input (exit 2)', () => {
  it.each([
    [['--compare', 'no-such-baseline.json'], /no-such-baseline.json/],
    [['--threshold', 'lots'], /--threshold must be a percentage/],
    [['--chart', 'x.svg'], /--chart needs an existing --history file/],
  ])('%j', (args, message) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'negcheck.js'), 'bench', ...args], { cwd: tmp, encoding: 'utf8' });
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
  });

  it('a baseline of another schema is named', () => {
    const f = join(tmp, 'old.json');
    writeFileSync(f, JSON.stringify({ schema: 'something-else', ratios: {} }));
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'negcheck.js'), 'bench', '--compare', f], { encoding: 'utf8' });
    expect(r.stderr).toMatch(/schema: expected "negcheck-bench-baseline\/1"/);
    expect(r.status).toBe(2);
  });
});
