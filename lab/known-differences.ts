// Where a lab kernel's answer is known to differ from the model's, and why: each difference the
// lab finds is either fixed in the model (and implementation) or listed here. A listed difference
// is reported but is not a finding; test/lab-kernel.test.ts also fails when one no longer occurs on
// a kernel it names, so the list cannot outlive the difference.

import { GUEST_RAM_HVA, GUEST_RAM_SIZE } from '../types/harness.ts';
import type { Op } from '../types/ops.ts';
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
  /** the traces it can occur in, where the answers alone would match too much */
  readonly inTrace?: (device: VhostDevice, ops: readonly Op[]) => boolean;
  readonly why: string;
}

/** Whether the trace maps (an UPDATE written as a message) a uaddr range that is not all guest RAM. */
function mapsOutsideGuestRam(ops: readonly Op[]): boolean {
  return ops.some(op => op.kind === 'IOTLB_WRITE' && op.msg.type === VHOST_IOTLB_UPDATE &&
    (op.msg.uaddr < GUEST_RAM_HVA || op.msg.uaddr + op.msg.size > GUEST_RAM_HVA + GUEST_RAM_SIZE));
}

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    id: 'vdpa-va-map-shared-files-only',
    kernels: ['6.12', '7.2'],
    op: /^(vq access|write\(v2 asid=0 UPDATE)/,
    kernel: /^(fault -EFAULT|72)$/,
    model: /^(ok |-EFAULT$)/,
    inTrace: (device, ops) => device === 'vhost-vdpa' && mapsOutsideGuestRam(ops),
    why: 'VDUSE is a use_va parent: vhost_vdpa_va_map walks the VMAs under [uaddr, uaddr + size) and maps only the parts a ' +
      'shared file backs (6.12.117 drivers/vhost/vdpa.c:1113, "goto next"): an UPDATE of anonymous or unmapped memory succeeds and ' +
      'maps nothing (the lab: an UPDATE of the features-array buffer\'s page, then the parent has no map there). The model maps ' +
      'every UPDATE, as if all memory were a shared file; to be modelled with the harness\'s address space (guest RAM is its one ' +
      'shared file mapping, lab/agent/agent.c map_env).',
  },
  {
    id: 'vhost-iotlb-limit-enforced',
    kernels: ['6.12', '7.2'],
    op: /^write\(v2 asid=0 UPDATE /,
    kernel: /^-EFAULT$/,
    model: /^72$/,
    inTrace: (device, ops) => device === 'vhost-vdpa' && ops.filter(op => op.kind === 'IOTLB_WRITE' && op.msg.type === VHOST_IOTLB_UPDATE).length > 2048,
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
    (d.inTrace?.(device, ops) ?? true)) ?? null;
}
