// Exhaustive bounded breadth-first exploration on the calling thread. The same Search and
// Expander as the worker-thread driver (parallel.ts), so both give the same result.

import { Expander } from './expand.ts';
import { initialStates, Search, sortedTransitions } from './search.ts';
import type { Explorable, ExploreOptions, ExploreResult } from './types.ts';

/**
 * Explore every trace of up to opts.maxDepth ops from every initial state, breadth first;
 * stop at the first violating transition of the shallowest depth (so the trace is a shortest
 * one), or at a bound. Deterministic: states in id order, ops in alphabet order.
 */
export function explore(x: Explorable, opts: ExploreOptions): ExploreResult {
  const search = new Search(opts, initialStates(x), 0);
  const expander = new Expander(x);
  for (;;) {
    search.checkBounds();
    const req = search.next();
    if (req === null) break;
    if (req === 'wait') throw new Error('unreachable: a single thread merges each chunk before asking for the next');
    search.merge(expander.expand(req));
  }
  const r = search.result();
  return opts.collectTransitions && r.outcome === 'holds' ? { ...r, transitions: sortedTransitions([x.transitions?.() ?? []]) } : r;
}
