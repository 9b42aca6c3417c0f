// vhost-net's extended feature negotiation: VHOST_GET_FEATURES_ARRAY and VHOST_SET_FEATURES_ARRAY
// (333c515d1896 "vhost-net: allow configuring extended features", drivers/vhost/net.c
// vhost_net_ioctl, as merged at v7; bits 65 and 67 offered by bbca931fce26). The argument is
// struct vhost_features_array { __u64 count; __u64 features[] __counted_by(count); } in the VMM's
// buffer (types/harness.ts: FEATURES_ARRAY_WORDS words after count, then unmapped memory).

import { FEATURES_ARRAY_ADDR, FEATURES_ARRAY_WORDS } from '../types/harness.ts';
import type { KernelPolicy } from '../types/policy.ts';
import { EFAULT, EOPNOTSUPP } from '../types/uapi.ts';
import { accessOk, ulongMax } from './uaccess.ts';
import { U64_MAX } from '../types/bits.ts';


/** VIRTIO_FEATURES_DWORDS as merged in e7d4c1c5a546 (VIRTIO_FEATURES_U64S since 9513f25056b2): the kernel's u64 feature words. */
export const VIRTIO_FEATURES_U64S = 2n;

/** Word `i` of a feature set held as one bigint. */
export const featureWord = (features: bigint, i: bigint): bigint => (features >> (64n * i)) & U64_MAX;

/** The buffer's words as the VMM laid them out: `words`, zero after them, only the mapped ones. */
export function userBuffer(words: readonly bigint[], fill = 0n): bigint[] {
  return Array.from({ length: FEATURES_ARRAY_WORDS }, (_, i) => words[i] ?? fill);
}

/** size_mul(factor, sizeof(u64)) with the kernel's size_t (include/linux/overflow.h): the factor converts to size_t, the product saturates at SIZE_MAX. */
export function sizeMulWords(abi: KernelPolicy['abi'], factor: bigint): bigint {
  const sizeMax = ulongMax(abi);
  const f = factor & sizeMax;
  return f > sizeMax / 8n ? sizeMax : f * 8n;
}

/**
 * clear_user(&features[start], n): nothing when access_ok fails (-EFAULT); else zero byte by byte
 * up to the end of the mapped buffer, -EFAULT if the range runs past it.
 */
export function clearUserWords(k: Pick<KernelPolicy, 'accessOk'>, buf: bigint[], start: bigint, n: bigint): number {
  if (n === 0n) return 0;
  if (!accessOk(k.accessOk, FEATURES_ARRAY_ADDR + 8n + 8n * start, n)) return -EFAULT;
  const endByte = 8n * start + n;
  for (let w = Number(start); w < FEATURES_ARRAY_WORDS && 8n * BigInt(w) < endByte; w++) buf[w] = 0n;
  return endByte > 8n * BigInt(FEATURES_ARRAY_WORDS) ? -EFAULT : 0;
}

/**
 * VHOST_GET_FEATURES_ARRAY: copy min(count, 2) words of the offered set to features[0..], then
 * clear_user the rest of the VMM's count: from features[copied] since the fix, from features[0]
 * as merged ("argp" was advanced past count only), wiping the words just copied when count > 2.
 */
export function vhostNetGetFeaturesArray(k: KernelPolicy, offered: bigint, count: bigint, fill: bigint): { ret: number; words: bigint[] } {
  const words = userBuffer([], fill);
  const copied = count < VIRTIO_FEATURES_U64S ? count : VIRTIO_FEATURES_U64S;
  for (let i = 0n; i < copied; i++) words[Number(i)] = featureWord(offered, i);
  const start = k.featuresArray === 'clear-at-start' ? 0n : copied;
  return { ret: clearUserWords(k, words, start, sizeMulWords(k.abi, count - copied)), words };
}

/**
 * VHOST_SET_FEATURES_ARRAY up to vhost_net_set_features: min(count, 2) words read into a zeroed
 * set; every word the VMM counts beyond the kernel's is read one by one ("not supported by
 * definition": nonzero -EOPNOTSUPP, unmapped -EFAULT), before the unknown-bits check against the
 * offered words (-EOPNOTSUPP). The features to ack, or the errno; nothing changes on an error.
 */
export function vhostNetFeaturesArrayToAck(offered: bigint, count: bigint, buffer: readonly bigint[]): { ok: true; features: bigint } | { ok: false; err: number } {
  const copied = count < VIRTIO_FEATURES_U64S ? count : VIRTIO_FEATURES_U64S;
  let features = 0n;
  for (let i = 0n; i < copied; i++) features |= (buffer[Number(i)] ?? 0n) << (64n * i);
  for (let i = copied; i < count; i++) {
    if (i >= BigInt(FEATURES_ARRAY_WORDS)) return { ok: false, err: -EFAULT };
    if (buffer[Number(i)] !== 0n) return { ok: false, err: -EOPNOTSUPP };
  }
  if (features & ~offered) return { ok: false, err: -EOPNOTSUPP };
  return { ok: true, features };
}
