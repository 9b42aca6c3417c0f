// The hot-path benchmarks: what each measures, on which structure, at which size. Each case is
// a function doing one operation; `gated` cases are the ones the performance gate compares
// (`--against`: this tree's case and the base tree's, side by side in one process).

import fc from 'fast-check';
import { createImplStack } from '../impl/stack.ts';
import { createVirtioImpl } from '../impl/virtio/index.ts';
import { iotlbAddRange, iotlbDelRange } from '../model/iotlb.ts';
import { createModelStack } from '../model/stack.ts';
import { translateDesc } from '../model/translate.ts';
import { createVirtioModel } from '../model/virtio/index.ts';
import { anyOpArb } from '../properties/p0-differential.ts';
import { upstreamProfile } from '../generators/profiles.ts';
import { bit } from '../types/bits.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import * as U from '../types/uapi.ts';
import { buildFloor, buildIndex, buildModel, buildTree, floorLookup, MAP_LEN, queries, SIZES, STRIDE, UADDR } from './fixtures.ts';

export type Subject = 'impl' | 'model' | 'floor' | 'interval-tree';

export interface BenchCase {
  /** unique: group/subject[/size] */
  readonly id: string;
  readonly group: string;
  readonly subject: Subject;
  readonly size?: number;
  readonly fn: () => void;
  readonly gated: boolean;
}

/** The reference the history's figures (--save/--compare) are divided by: a bare binary search over 1k ranges. */
export const CALIBRATION = 'translate-hit/floor/1000';

/** Largest size the model is measured at (its lookup is a linear scan over bigint maps). */
const MODEL_MAX = 10_000;
const Q = 4096;
const TWO32 = 4294967296;

/** Keeps results observable so the JIT cannot drop the work. */
export let sink = 0;

/** `implOnly`: just the implementation's case (the gate builds no floor, tree or model). */
function translateCases(size: number, kind: 'hit' | 'miss' | 'mix', gatedSizes: readonly number[], implOnly = false): BenchCase[] {
  const qs = queries(size, Q, kind);
  const idx = buildIndex(size);
  const group = `translate-${kind}`;
  let k = 0;
  const impl: BenchCase = {
    id: `${group}/impl/${size}`, group, subject: 'impl', size, gated: gatedSizes.includes(size),
    fn: () => { const x = qs[k++ & (Q - 1)]!; sink += idx.translate((x / TWO32) >>> 0, x >>> 0, 1, 1); },
  };
  if (implOnly) return [impl];
  const floor = buildFloor(size);
  const tree = buildTree(size);
  const out: BenchCase[] = [
    impl,
    {
      id: `${group}/floor/${size}`, group, subject: 'floor', size, gated: false,
      fn: () => { sink += floorLookup(floor, qs[k++ & (Q - 1)]!); },
    },
    {
      id: `${group}/interval-tree/${size}`, group, subject: 'interval-tree', size, gated: false,
      fn: () => { const x = qs[k++ & (Q - 1)]!; sink += tree.search([x, x]).length; },
    },
  ];
  if (size <= MODEL_MAX) {
    const model = buildModel(size);
    const bq = Array.from(qs, x => BigInt(x));
    out.push({
      id: `${group}/model/${size}`, group, subject: 'model', size, gated: false,
      fn: () => { sink += translateDesc(model, bq[k++ & (Q - 1)]!, 1, 1).outcome.length; },
    });
  }
  return out;
}

/** Remove one map and add it back: update/invalidate churn at a steady size. */
function churnCases(size: number, gatedSizes: readonly number[], implOnly = false): BenchCase[] {
  const idx = buildIndex(size);
  const picks = queries(size, Q, 'hit').map(x => Math.floor(x / STRIDE));
  let k = 0;
  const impl: BenchCase = {
    id: `churn/impl/${size}`, group: 'churn', subject: 'impl', size, gated: gatedSizes.includes(size),
    fn: () => {
      const s = picks[k++ & (Q - 1)]! * STRIDE;
      const l = s + MAP_LEN - 1;
      idx.delRange(0, s, 0, l);
      idx.add(0, s, 0, l, (UADDR + s) / TWO32 >>> 0, (UADDR + s) >>> 0, 3);
    },
  };
  if (implOnly) return [impl];
  const tree = buildTree(size);
  const out: BenchCase[] = [
    impl,
    {
      id: `churn/interval-tree/${size}`, group: 'churn', subject: 'interval-tree', size, gated: false,
      fn: () => {
        const s = picks[k++ & (Q - 1)]! * STRIDE;
        tree.remove([s, s + MAP_LEN - 1], UADDR + s);
        tree.insert([s, s + MAP_LEN - 1], UADDR + s);
      },
    },
  ];
  if (size <= MODEL_MAX) {
    const model = buildModel(size);
    out.push({
      id: `churn/model/${size}`, group: 'churn', subject: 'model', size, gated: false,
      fn: () => {
        const s = BigInt(picks[k++ & (Q - 1)]! * STRIDE);
        iotlbDelRange(model, s, s + BigInt(MAP_LEN - 1));
        iotlbAddRange(model, s, s + BigInt(MAP_LEN - 1), BigInt(UADDR) + s, 3);
      },
    });
  }
  return out;
}

/** A whole virtio probe, reset to DRIVER_OK, on the upstream guest. */
function negotiationCases(): BenchCase[] {
  const impl = createVirtioImpl(upstreamProfile);
  const model = createVirtioModel(upstreamProfile);
  const probe: Op = { kind: 'DRIVER_PROBE' };
  return [
    { id: 'negotiate/impl', group: 'negotiate', subject: 'impl', gated: true, fn: () => { sink += impl.apply(probe).kind.length; } },
    { id: 'negotiate/model', group: 'negotiate', subject: 'model', gated: false, fn: () => { sink += model.apply(probe).kind.length; } },
  ];
}

/** vhost-vdpa on mlx5-like parent: 16 UPDATEs, reset, invalidate all; with and without IOTLB_PERSIST. */
function vdpaResetCases(): BenchCase[] {
  const profile: Profile = { ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device: 'vhost-vdpa', parent: 'vendor-clears' } };
  const write = (type: number, iova: bigint, size: bigint): Op =>
    ({ kind: 'IOTLB_WRITE', msg: { header: U.VHOST_IOTLB_MSG_V2, layout: 'lp64', asid: 0, iova, size, uaddr: 0x7f00_0000_0000n + iova, perm: 3, type } });
  const cycle: Op[] = [
    ...Array.from({ length: 16 }, (_, i) => write(U.VHOST_IOTLB_UPDATE, BigInt(i * STRIDE), BigInt(MAP_LEN))),
    { kind: 'VDPA_SET_STATUS', status: 0 },
    write(U.VHOST_IOTLB_INVALIDATE, 0n, 0n),
  ];
  const v2 = bit(U.VHOST_BACKEND_F_IOTLB_MSG_V2);
  return ([['persist', v2 | bit(U.VHOST_BACKEND_F_IOTLB_PERSIST)], ['clean', v2]] as const).map(([name, backend]) => {
    const stack = createImplStack(profile);
    stack.apply({ kind: 'SET_BACKEND_FEATURES', features: backend });
    return {
      id: `vdpa-reset/impl/${name}`, group: 'vdpa-reset', subject: 'impl' as const, gated: true,
      fn: () => { for (const op of cycle) sink += stack.apply(op).kind.length; },
    };
  });
}

/** One differential fuzz step: one generated op on the model and on the implementation. */
function fuzzStepCases(): BenchCase[] {
  const ops = fc.sample(anyOpArb, { numRuns: Q, seed: 1 });
  const profile: Profile = { ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device: 'vhost-net' } };
  let model = createModelStack(profile);
  let impl = createImplStack(profile);
  let k = 0;
  return [{
    id: 'fuzz-step/model+impl', group: 'fuzz-step', subject: 'impl', gated: true,
    fn: () => {
      // a fresh stack every 32 ops, as a generated script would start one
      if ((k & 31) === 0) { model = createModelStack(profile); impl = createImplStack(profile); }
      const op = ops[k++ & (Q - 1)]!;
      sink += model.apply(op).kind.length + impl.apply(op).kind.length;
    },
  }];
}

const GATED_SIZES = [1_000, 100_000];

/** Every case, built once (building the 100k structures takes a moment). */
export function allCases(sizes: readonly number[] = SIZES): BenchCase[] {
  const gatedSizes = GATED_SIZES;
  return [
    ...sizes.flatMap(n => translateCases(n, 'hit', gatedSizes)),
    ...sizes.flatMap(n => translateCases(n, 'miss', gatedSizes)),
    ...sizes.flatMap(n => translateCases(n, 'mix', gatedSizes)),
    ...sizes.flatMap(n => churnCases(n, [1_000])),
    ...negotiationCases(),
    ...vdpaResetCases(),
    ...fuzzStepCases(),
  ];
}

/**
 * Just the gated cases, building only what they use: `negcheck bench --against` loads this from
 * both trees in every measuring process (a base without it falls back to filtering allCases).
 */
export function gatedCases(): BenchCase[] {
  return [
    ...(['hit', 'miss', 'mix'] as const).flatMap(kind => GATED_SIZES.flatMap(n => translateCases(n, kind, GATED_SIZES, true))),
    ...churnCases(1_000, [1_000], true),
    ...negotiationCases().filter(c => c.gated),
    ...vdpaResetCases(),
    ...fuzzStepCases(),
  ];
}
