// A share of a seeded search (`--shard i/n`): shard i of n runs its own disjoint part of the seed's
// work (fuzz: seeds per chunk; negcheck kernel --generate: scripts i-1, i-1+n, ...).

export interface Shard {
  /** 1-based */
  readonly index: number;
  readonly count: number;
}

export const ONE_SHARD: Shard = { index: 1, count: 1 };
