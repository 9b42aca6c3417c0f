// What the lab found wrong in the kernels themselves: traces whose run makes the kernel log a
// WARN, BUG or oops. Not among `negcheck kernel`'s default inputs (each makes the run exit 1 by
// design); test/lab-kernel.test.ts runs them and asserts the log line, so a kernel that fixes one
// shows up as a failing test, and docs/lab.md says how to run one.

import { upstreamProfile } from '../generators/profiles.ts';
import { GUEST_RAM_HVA } from '../types/harness.ts';
import { iotlbMsg } from '../types/ops.ts';
import * as U from '../types/uapi.ts';
import type { KernelInput } from './inputs.ts';

export interface KernelFinding extends KernelInput {
  /** the lab kernels it shows on */
  readonly kernels: readonly string[];
  /** the kernel log line it makes */
  readonly kmsg: RegExp;
  readonly why: string;
}

export const KERNEL_FINDINGS: readonly KernelFinding[] = [
  {
    name: 'finding: a vhost-vdpa map with a permission that is not RO, WO or RW makes the VDUSE daemon\'s VDUSE_IOTLB_GET_FD WARN',
    profile: { ...upstreamProfile, kernel: { ...upstreamProfile.kernel, device: 'vhost-vdpa' } },
    ops: [
      iotlbMsg(U.VHOST_IOTLB_UPDATE, 0x1000n, 0x1000n, GUEST_RAM_HVA, 0xff),
      { kind: 'VQ_ACCESS', iova: 0x1000n, len: 16, access: U.VHOST_ACCESS_RO },
    ],
    kernels: ['6.12', '7.2'],
    kmsg: /WARNING: .*drivers\/vdpa\/vdpa_user\/vduse_dev\.c:\d+/,
    why: 'vhost_vdpa_process_iotlb_update takes msg->perm as it comes (vhost-vdpa never checks it), the map reaches the VDUSE ' +
      'domain by set_map, and the daemon\'s VDUSE_IOTLB_GET_FD, which every VDUSE daemon calls to mmap the memory of an ' +
      'UPDATE_IOTLB, hands the perm to perm_to_file_flags, whose default case is WARN(1, "invalidate vhost IOTLB permission") ' +
      '(6.12.117 vduse_dev.c:949, 7.2.13 vduse_dev.c:1092). Any VMM can so make the kernel WARN (a panic under panic_on_warn). ' +
      'Found by generated traces (seed 2, 600 scripts); the fix would be a perm check in vhost_vdpa_process_iotlb_update.',
  },
];
