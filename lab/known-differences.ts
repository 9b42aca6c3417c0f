// Where a lab kernel's answer is known to differ from the model's, and why: each difference the
// lab finds is either fixed in the model (and implementation) or listed here. A listed difference
// is reported but is not a finding; test/lab-kernel.test.ts also fails when one no longer occurs on
// a kernel it names, so the list cannot outlive the difference.

import { GUEST_RAM_HVA, GUEST_RAM_SIZE } from '../types/harness.ts';
import { isIotlbWrite, type IotlbWrite, type Op } from '../types/ops.ts';
import type { VhostDevice } from '../types/policy.ts';
import { VHOST_IOTLB_UPDATE } from '../types/uapi.ts';
import type { Mismatch } from './compare.ts';

export interface KnownDifference {
  readonly id: string;
  /** the lab kernels it occurs on */
  readonly kernels: readonly string[];
  /** matched against the mismatch's op, kernel answer and model answer as `negcheck kernel` prints them */
  readonly op: RegExp;
  readonly kernel: RegExp;
  readonly model: RegExp;
  /** the traces it can occur in, where the answers alone would match too much: `from` is the trace op that differed */
  readonly inTrace?: (device: VhostDevice, ops: readonly Op[], from: number) => boolean;
  readonly why: string;
}

const isUpdate = (op: Op | undefined): op is IotlbWrite => isIotlbWrite(op, VHOST_IOTLB_UPDATE);
const outsideGuestRam = (u: IotlbWrite): boolean => u.msg.uaddr < GUEST_RAM_HVA || u.msg.uaddr + u.msg.size > GUEST_RAM_HVA + GUEST_RAM_SIZE;
/** [first, last] iovas, inclusive; an empty range overlaps nothing */
const overlaps = (a: bigint, aLen: bigint, b: bigint, bLen: bigint): boolean => aLen > 0n && bLen > 0n && a <= b + bLen - 1n && b <= a + aLen - 1n;

/**
 * VA mode's differences, and no other: the op that differs is an UPDATE of memory outside guest RAM,
 * or an UPDATE or a device access whose iovas meet those of an earlier such UPDATE.
 */
function vaModeDifference(ops: readonly Op[], from: number): boolean {
  const earlier = ops.slice(0, from).filter(isUpdate).filter(outsideGuestRam);
  const op = ops[from];
  if (isUpdate(op)) return outsideGuestRam(op) || earlier.some(u => overlaps(op.msg.iova, op.msg.size, u.msg.iova, u.msg.size));
  if (op?.kind === 'VQ_ACCESS') return earlier.some(u => overlaps(op.iova, BigInt(op.len), u.msg.iova, u.msg.size));
  return false;
}

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    id: 'vdpa-va-map-shared-files-only',
    kernels: ['6.12', '7.2'],
    op: /^(vq access|write\((v2 asid=\d+|v1\/lp64) UPDATE)/,
    kernel: /^(fault -E(FAULT|PERM)|ok |72$|-EFAULT$)/,
    model: /^(ok |fault -E(FAULT|PERM)|-EFAULT$|72$)/,
    inTrace: (device, ops, from) => device === 'vhost-vdpa' && vaModeDifference(ops, from),
    why: 'VDUSE is a use_va parent: vhost_vdpa_va_map walks the VMAs under [uaddr, uaddr + size) (find_vma) and maps only the ' +
      'parts a shared file backs (6.12.117 drivers/vhost/vdpa.c:1106-1136, "goto next"), one map per such VMA, and fails the ' +
      'whole UPDATE (-EINVAL, the write -EFAULT) when the range runs past the last VMA. So an UPDATE of anonymous or unmapped memory ' +
      'succeeds and maps nothing, a later UPDATE over the same iovas then succeeds too, and a range reaching past the stack fails ' +
      '(the lab: an UPDATE of the features-array buffer\'s page, then the parent has no map there; generated traces with sizes ' +
      'near 2^64). The model maps every UPDATE, as if all memory were one shared file. Counted only on vhost-vdpa, for an UPDATE ' +
      'of memory outside guest RAM or an UPDATE or access whose iovas meet an earlier one\'s. To be modelled with the VMM\'s address space (guest RAM is its ' +
      'one shared file mapping, lab/agent/agent.c map_env), once I6 says whether "accepted and not mapped" breaks its law.',
  },
  {
    id: 'vhost-iotlb-limit-enforced',
    kernels: ['6.12', '7.2'],
    op: /^write\(v2 asid=0 UPDATE /,
    kernel: /^-EFAULT$/,
    model: /^72$/,
    // the UPDATE that differs is one past the 2048th of the trace
    inTrace: (device, ops, from) => device === 'vhost-vdpa' && isUpdate(ops[from]) && ops.slice(0, from + 1).filter(isUpdate).length > 2048,
    why: 'vhost_iotlb_add_range_ctx of 6.12.117 and 7.2.13 (drivers/vhost/iotlb.c:92-97) refuses a map past the limit of an IOTLB ' +
      'without VHOST_IOTLB_FLAG_RETIRE (-ENOSPC; the write says -EFAULT), and vhost_vdpa_alloc_as gives each address space ' +
      'vdpa.c\'s max_iotlb_entries (2048) and no retire: the lab\'s 2049th map of a batch fails. The mainline text the shared ' +
      'conformance vectors come from lets such a table grow past its limit (their tiny-4: limit 5, 7 maps), and the model follows ' +
      'the vectors: two versions of vhost_iotlb, to be modelled as a kernel policy field (and the vectors\' tables kept on theirs).',
  },
];

/** The known difference a mismatch of this trace on this kernel is, if any. */
export function knownDifference(kernel: string, m: Mismatch, device: VhostDevice, ops: readonly Op[]): KnownDifference | null {
  return KNOWN_DIFFERENCES.find(d => d.kernels.includes(kernel) && d.op.test(m.op) && d.kernel.test(m.kernel) && d.model.test(m.model) &&
    (d.inTrace?.(device, ops, m.from) ?? true)) ?? null;
}
