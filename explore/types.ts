// The data types of the exhaustive engine: what it explores, how it is bounded, what it reports.
// The engine knows ops and initial states only by index (the scope's op alphabet and its list
// of profiles); mapping indices to Op values and profiles is the scope's job.

/**
 * A deterministic transition system with a property judged on its transitions: the explored
 * state is everything `snapshot` captures (for a model with a monitor: both, see withMonitor).
 * The engine fingerprints the whole snapshot (canonical.ts): there is no hand-written
 * fingerprint to leave a field out of.
 *
 * Contract (the engine checks the first on every replay, see verifyReplay):
 *  - deterministic: from equal states, `step(op)` gives equal states and the same verdict;
 *  - complete: `snapshot()` holds everything later steps can depend on, as plain data (what
 *    `restore` needs to rebuild the state); a part wrapped in notState() is carried but not
 *    fingerprinted, and `reductions` must say why;
 *  - `restore(s)` leaves `s` usable again: the engine restores one snapshot once per op.
 */
export interface Explorable<S = unknown> {
  /** number of initial states (e.g. the profiles of the scope) */
  readonly initCount: number;
  /** number of ops in the alphabet */
  readonly alphabetSize: number;
  /** become initial state i (0 <= i < initCount) */
  init(i: number): void;
  /** apply op i of the alphabet; a violation message if this transition breaks the property, else null (a throw is a violation too) */
  step(op: number): string | null;
  snapshot(): S;
  restore(s: S): void;
  /**
   * What the snapshot leaves out of the fingerprint (notState parts) and why that cannot change
   * a verdict, one sentence each; every verdict states them.
   */
  readonly reductions?: readonly string[];
  /**
   * Optional coverage hook: the names of the transitions this instance has taken so far (every
   * step since it was built, replays included). Asked for with ExploreOptions.collectTransitions.
   */
  transitions?(): Iterable<string>;
}

/** The system without the property: a model stack over a scope, applying alphabet ops. */
export interface Machine<S, O> {
  readonly initCount: number;
  readonly alphabetSize: number;
  init(i: number): void;
  /** apply op i and return what it observed */
  apply(op: number): O;
  snapshot(): S;
  restore(s: S): void;
  /** as Explorable.reductions */
  readonly reductions?: readonly string[];
  /** as Explorable.transitions */
  transitions?(): Iterable<string>;
}

/**
 * A property as a step-wise trace checker with its own state (what the repo's checkers keep in
 * locals: inBatch, iotlbOn, the last few ops and observations...). Its state is part of the
 * explored state: the same model state reached with a different monitor state is a different
 * explored state.
 */
export interface Monitor<M, O> {
  /** start watching a trace from initial state i */
  init(i: number): void;
  /** judge op i and what it observed: a violation message, or null */
  step(op: number, observation: O): string | null;
  snapshot(): M;
  restore(m: M): void;
  /** as Explorable.reductions */
  readonly reductions?: readonly string[];
}

/** An AbortSignal, or anything with the flag (checked between chunks of states). */
export interface AbortFlag {
  readonly aborted: boolean;
}

export interface ExploreOptions {
  /** explore traces of up to this many ops */
  readonly maxDepth: number;
  /** stop with 'bound reached' after this many milliseconds (0: before expanding anything) */
  readonly timeLimitMs?: number;
  /** stop with 'bound reached' once set */
  readonly signal?: AbortFlag;
  /** stop with 'bound reached' when this many distinct states are stored */
  readonly maxStates?: number;
  /** states per chunk of a level (the unit of work of a worker); results do not depend on it */
  readonly chunkSize?: number;
  /** re-fingerprint each frontier state after replaying its trace and fail on a mismatch (default true) */
  readonly verifyReplay?: boolean;
  /** called after each complete level */
  readonly onLevel?: (p: LevelProgress) => void;
  /**
   * Gather the Explorable's transitions() at the end (from every worker) into the result. Only a
   * search that holds reports them: it took every transition of every trace within the depth once,
   * whatever the workers, so the set is exact; a search stopped early took an arbitrary part.
   */
  readonly collectTransitions?: boolean;
}

export interface LevelProgress {
  /** every trace of up to this many ops has been checked */
  readonly depthCompleted: number;
  readonly distinct: number;
  readonly generated: number;
  readonly elapsedMs: number;
}

/** The shortest violating trace, by index: replay init(init), then step(ops[0]), ... */
export interface IndexTrace {
  readonly init: number;
  readonly ops: readonly number[];
  /** the violation of the last op */
  readonly message: string;
}

export interface ExploreStats {
  /** distinct states stored */
  readonly distinct: number;
  /** transitions taken from explored states (successors computed, duplicates included) */
  readonly generated: number;
  /** every trace of up to this many ops was checked */
  readonly depthCompleted: number;
  /** distinct states first reached at each depth (the last may be partial when a bound stopped the search) */
  readonly levels: readonly number[];
  readonly timeMs: number;
  readonly fingerprintBits: number;
  /** optimistic estimates that a fingerprint collision hid a state (see collisionEstimates) */
  readonly collision: { readonly birthday: number; readonly tlc: number };
  readonly storeBytes: number;
  readonly bytesPerState: number;
  /** worker threads that expanded states (0: the calling thread) */
  readonly workers: number;
  /** what the fingerprints left out and why (Explorable.reductions); empty: the whole state */
  readonly reductions: readonly string[];
  /** with collectTransitions, on a search that holds: every transition name taken, sorted */
  readonly transitions?: readonly string[];
}

export type ExploreResult = ExploreStats & (
  /** no violation within maxDepth; complete: no new state at the last depth, so none at any depth */
  | { readonly outcome: 'holds'; readonly complete: boolean }
  | { readonly outcome: 'violated'; readonly counterexample: IndexTrace }
  | { readonly outcome: 'bound reached'; readonly reason: 'deadline' | 'aborted' | 'max states' }
);
