// An explore worker: builds the Explorable from its spec, then expands chunks as they come.

import { parentPort, workerData } from 'node:worker_threads';
import { Expander, NondeterminismError, RuleFaultInSearch, type ChunkRequest } from './expand.ts';
import type { ProposalRuleErrorData } from '../types/rules.ts';
import { initialStates } from './search.ts';
import { loadExplorable, type ExplorableSpec } from './spec.ts';

/** main -> worker */
export type WorkerRequest = ({ readonly kind: 'chunk' } & ChunkRequest) | { readonly kind: 'inits' } | { readonly kind: 'transitions' };

/** worker -> main */
export type WorkerReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'inits'; readonly fps: Uint32Array; readonly reductions: readonly string[] }
  | { readonly kind: 'transitions'; readonly names: readonly string[] }
  | ({ readonly kind: 'chunk' } & import('./expand.ts').ChunkResult)
  | {
    readonly kind: 'error'; readonly message: string; readonly nondeterminism: boolean;
    /** a proposal's rule failed (RuleFaultInSearch, as plain data) while expanding chunk `seq` */
    readonly fault?: { readonly seq: number; readonly error: ProposalRuleErrorData; readonly init: number; readonly ops: readonly number[] };
  };

const port = parentPort!;
const reply = (r: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(r, transfer);

try {
  const x = await loadExplorable((workerData as { spec: ExplorableSpec }).spec);
  const expander = new Expander(x);
  port.on('message', (m: WorkerRequest) => {
    try {
      if (m.kind === 'inits') {
        const { fps, reductions } = initialStates(x);
        reply({ kind: 'inits', fps, reductions }, [fps.buffer as ArrayBuffer]);
      } else if (m.kind === 'transitions') {
        reply({ kind: 'transitions', names: [...(x.transitions?.() ?? [])] });
      } else {
        const r = expander.expand(m);
        reply({ kind: 'chunk', ...r }, [r.successors.buffer as ArrayBuffer]);
      }
    } catch (e) {
      reply({
        kind: 'error', message: e instanceof Error ? e.message : String(e), nondeterminism: e instanceof NondeterminismError,
        ...(e instanceof RuleFaultInSearch && m.kind === 'chunk' ? { fault: { seq: m.seq, error: e.error, init: e.init, ops: [...e.ops] } } : {}),
      });
    }
  });
  reply({ kind: 'ready' });
} catch (e) {
  reply({ kind: 'error', message: `cannot load the explorable: ${e instanceof Error ? e.message : String(e)}`, nondeterminism: false });
}
