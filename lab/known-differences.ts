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
