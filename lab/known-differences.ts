// Where a lab kernel's answer is known to differ from the model's, and why: each difference the
// lab finds is either fixed in the model (and implementation) or listed here. A listed difference
// is reported but is not a finding; test/lab-kernel.test.ts also fails when one no longer occurs on
// a kernel it names, so the list cannot outlive the difference.

import type { Mismatch } from './compare.ts';

export interface KnownDifference {
  readonly id: string;
  /** the lab kernels it occurs on */
  readonly kernels: readonly string[];
  /** matched against the mismatch's op, kernel answer and model answer as `negcheck kernel` prints them */
  readonly op: RegExp;
  readonly kernel: RegExp;
  readonly model: RegExp;
  readonly why: string;
}

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    id: 'rings-forgotten-on-iotlb-enable',
    kernels: ['6.12', '7.2'],
    op: /^(read\(72\)|VHOST_VSOCK_SET_RUNNING 1|VHOST_NET_SET_BACKEND index=0 fd=3)$/,
    kernel: /MISS iova=0x0 |^-EFAULT, a message became readable/,
    model: /MISS iova=0x7f00_0000_3000 |^0$/,
    why: '6.12.117 and 7.2.13 vhost_init_device_iotlb: with no IOTLB before, vhost_vq_invalidate_access sets every vq\'s desc/avail/used ' +
      'to NULL, so vhost_vq_init_access then touches iova 0 (6.1.176 keeps the addresses); and un-acking ACCESS_PLATFORM ' +
      '(vhost_clear_device_iotlb) drops the IOTLB, both message lists and the addresses. The model keeps the rings at the ' +
      'harness\'s addresses for good: to be modelled as an iotlbEnable rule of its own.',
  },
  {
    id: 'worker-prefetch-miss',
    kernels: ['6.1'],
    op: /^(VHOST_VSOCK_SET_RUNNING 1|VHOST_NET_SET_BACKEND index=1 fd=3)$/,
    kernel: /^0, a message became readable/,
    model: /^0$/,
    why: 'a start that succeeds queues vhost\'s worker (vsock: send_pkt_work on the RX vq; net: handle_tx, woken by the tap being ' +
      'writable), whose vq_meta_prefetch -> iotlb_access_ok misses on the first unmapped byte of the desc ring and queues a MISS ' +
      '(6.1.176 vhost.c:1349). The model has no worker: to be modelled as part of the start.',
  },
];

/** The known difference a mismatch on this kernel is, if any. */
export function knownDifference(kernel: string, m: Mismatch): KnownDifference | null {
  return KNOWN_DIFFERENCES.find(d => d.kernels.includes(kernel) && d.op.test(m.op) && d.kernel.test(m.kernel) && d.model.test(m.model)) ?? null;
}
