// What a return code says to the program that made the call. A syscall returns -errno with errno
// in 1..MAX_ERRNO (include/linux/err.h: the kernel's error pointers and syscall returns share
// that range), or a non-negative result: a byte count for write()/read() on the vhost fd
// (vhost_chr_write_iter, vhost_chr_read_iter), 0 for every vhost ioctl (vhost_dev_ioctl,
// vhost_vring_ioctl and the device ioctls return 0 or -errno; copy_to_user's count becomes
// -EFAULT). Anything else (an errno returned positive, a classic slip that patches named
// "fix the sign of the return value" correct) is no syscall's answer.

import type { Observation } from './observation.ts';
import type { Op } from './ops.ts';

/** include/linux/err.h */
export const MAX_ERRNO = 4095;

export type Answer = 'success' | 'refusal' | 'malformed';

/** Ops a program issues as write()/read() on the vhost fd: they return a byte count. */
export const BYTE_COUNTED_OPS: ReadonlySet<Op['kind']> = new Set(['IOTLB_WRITE', 'IOTLB_WRITE_RAW', 'IOTLB_READ']);

/** The return code an observation carries, or null (an access, config bytes, a probe). */
export const returnCode = (o: Observation): number | null => ('ret' in o ? o.ret : null);

/** How the program that issued `op` reads the return code it got, or null when the observation carries none (an access, config bytes, a probe). */
export function answerOf(op: Op, o: Observation): Answer | null {
  if (!('ret' in o)) return null;
  if (o.ret < 0) return o.ret >= -MAX_ERRNO ? 'refusal' : 'malformed';
  return o.ret === 0 || BYTE_COUNTED_OPS.has(op.kind) ? 'success' : 'malformed';
}
