// The layers hold (issue 24): no import circle, `import type` included, and no import that runs
// back up a layer (scripts/import-graph.ts; `npx tsx scripts/import-graph.ts` prints the graph).

import { describe, expect, it } from 'vitest';
import { allowed, circlesOf, importGraph } from '../scripts/import-graph.ts';

describe('the import graph', () => {
  const g = importGraph();

  it('has no circle', () => {
    expect(g.circles).toEqual([]);
  });

  it('has no import back up a layer', () => {
    expect(g.backUp).toEqual([]);
  });

  it('reads every kind of import, and the checks can fail', () => {
    // not vacuous: the graph holds the imports it must (static, type-only, by URL, of a .mjs)
    expect(g.edges.get('model/stack.ts')).toContain('model/vdpa.ts');
    expect(g.edges.get('types/profile.ts')).toContain('types/policy.ts');
    expect(g.edges.get('cli/explore/command.ts')).toContain('cli/explore/target.ts');
    expect(g.edges.get('explore/parallel.ts')).toContain('explore/worker-entry.mjs');
    expect(g.edges.get('bench/explore.ts')).toContain('explore/toys.ts');
    // a planted back-up import and a planted circle are caught
    expect(allowed('model/vhost.ts', 'properties/i6-iotlb-laws.ts')).toBe(false);
    expect(allowed('model/vhost.ts', 'impl/vhost.ts')).toBe(false);
    expect(allowed('properties/i6-iotlb-laws.test.ts', 'cli/main.ts')).toBe(true);
    expect(allowed('cli/main.ts', 'types/ops.ts')).toBe(true);
    expect(circlesOf(new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]))).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });
});
