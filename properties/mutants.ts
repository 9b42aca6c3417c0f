// Deliberately broken stacks, for showing that a property can fail: each wraps a factory and
// changes one rule the way a real bug would.

import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { Stack, StackFactory } from '../types/stack.ts';
import { VHOST_IOTLB_UPDATE } from '../types/uapi.ts';

function rewriting(factory: StackFactory, rewrite: (op: Op) => Op): StackFactory {
  return (profile: Profile): Stack => {
    const s = factory(profile);
    return { apply: (op: Op): Observation => s.apply(rewrite(op)) };
  };
}

/** Reads an UPDATE's range as [iova, iova + size - 1) — `last` one byte short, an exclusive-end slip. */
export const lastOffByOne = (f: StackFactory): StackFactory => rewriting(f, op =>
  op.kind === 'IOTLB_WRITE' && op.msg.type === VHOST_IOTLB_UPDATE && op.msg.size > 1n
    ? { ...op, msg: { ...op.msg, size: op.msg.size - 1n } }
    : op);

/** Computes an UPDATE's end with the carry out of the low 32 bits dropped. */
export const carryDropped = (f: StackFactory): StackFactory => rewriting(f, op => {
  if (op.kind !== 'IOTLB_WRITE' || op.msg.type !== VHOST_IOTLB_UPDATE) return op;
  const lo = (op.msg.iova & 0xffff_ffffn) + (op.msg.size & 0xffff_ffffn);
  // last' = last - 2^32: the same as writing size - 2^32
  return lo >= 1n << 32n ? { ...op, msg: { ...op.msg, size: BigInt.asUintN(64, op.msg.size - (1n << 32n)) } } : op;
});
