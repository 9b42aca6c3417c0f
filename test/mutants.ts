// Deliberately broken stacks, for showing that a property can fail: each wraps a factory and
// changes one rule the way a real bug would.

import { answerOf, BYTE_COUNTED_OPS } from '../types/answer.ts';
import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { Part, Stack, StackFactory } from '../types/stack.ts';
import { EAGAIN, EFAULT, ENOTSOCK, MSG_LAYOUT, V2_IOTLB_OFFSET, VHOST_IOTLB_UPDATE, VIRTIO_CONFIG_S_FEATURES_OK, VIRTIO_F_ACCESS_PLATFORM, VIRTIO_F_VERSION_1 } from '../types/uapi.ts';
import { createModelStack, type ModelStackSnapshot } from '../model/stack.ts';
import type { VhostSnapshot } from '../model/vhost.ts';
import { bit } from '../types/bits.ts';

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

/**
 * Skips umem_access_ok: an UPDATE of a small range ending past x86-64's user space (or past 2^64)
 * is taken as one of memory in it (the model sees its uaddr moved below 0xC0000000, which every
 * kernel accepts).
 */
export const umemUnchecked = (f: StackFactory): StackFactory => rewriting(f, op =>
  op.kind === 'IOTLB_WRITE' && op.msg.type === VHOST_IOTLB_UPDATE && op.msg.size !== 0n && op.msg.size <= 0x1000_0000n &&
    op.msg.uaddr + op.msg.size > (1n << 47n) - 0x1000n
    ? { ...op, msg: { ...op.msg, uaddr: 0x1000_0000n } }
    : op);

/**
 * vhost-vdpa without vhost_vdpa_process_iotlb_update's iova range check: a small UPDATE ending past
 * the platform IOMMU's 48-bit aperture is mapped (the model sees its iova moved below it).
 */
export const iovaRangeUnchecked = (f: StackFactory): StackFactory => (profile: Profile): Stack =>
  (profile.kernel.device !== 'vhost-vdpa' || profile.kernel.parent !== 'platform-iommu' ? f : rewriting(f, op =>
    op.kind === 'IOTLB_WRITE' && op.msg.type === VHOST_IOTLB_UPDATE && op.msg.size !== 0n && op.msg.size <= 1n << 32n &&
      op.msg.iova + op.msg.size - 1n >= 1n << 48n && op.msg.iova + op.msg.size - 1n < 1n << 64n
      ? { ...op, msg: { ...op.msg, iova: 0x1000_0000n } }
      : op))(profile);

/** Computes an UPDATE's end with the carry out of the low 32 bits dropped. */
export const carryDropped = (f: StackFactory): StackFactory => rewriting(f, op => {
  if (op.kind !== 'IOTLB_WRITE' || op.msg.type !== VHOST_IOTLB_UPDATE) return op;
  const lo = (op.msg.iova & 0xffff_ffffn) + (op.msg.size & 0xffff_ffffn);
  // last' = last - 2^32: the same as writing size - 2^32
  return lo >= 1n << 32n ? { ...op, msg: { ...op.msg, size: BigInt.asUintN(64, op.msg.size - (1n << 32n)) } } : op;
});

/**
 * A vhost-net/vsock model whose IOTLB the planted bug edits after an op: `edit` gets the op, what it
 * returned and the IOTLB's maps before and after (null: none), and returns the maps to keep.
 */
function editingIotlb(edit: (op: Op, o: Observation, before: VhostSnapshot['iotlb'], after: VhostSnapshot['iotlb']) => VhostSnapshot['iotlb']): StackFactory {
  return (profile: Profile): Stack => {
    const s = createModelStack(profile);
    if (profile.kernel.device === 'vhost-vdpa') return s;
    const vhostOf = (): VhostSnapshot => (s.snapshot() as ModelStackSnapshot).vhost as VhostSnapshot;
    return {
      apply(op: Op): Observation {
        const before = vhostOf().iotlb;
        const o = s.apply(op);
        const snap = s.snapshot() as ModelStackSnapshot;
        const v = snap.vhost as VhostSnapshot;
        const iotlb = edit(op, o, before, v.iotlb);
        if (iotlb !== v.iotlb) s.restore({ ...snap, vhost: { ...v, iotlb } });
        return o;
      },
    };
  };
}

const accepted = (op: Op, o: Observation): op is Extract<Op, { kind: 'SET_FEATURES' }> => op.kind === 'SET_FEATURES' && o.kind === 'ret' && o.ret === 0;
const AP_BIT = bit(VIRTIO_F_ACCESS_PLATFORM);

/** SET_FEATURES with ACCESS_PLATFORM keeps an IOTLB that is already there (no vhost_init_device_iotlb on a re-ack). */
export const iotlbNotFresh: StackFactory = editingIotlb((op, o, before, after) =>
  accepted(op, o) && (op.features & AP_BIT) !== 0n && before !== null ? before : after);

/**
 * SET_FEATURES without ACCESS_PLATFORM tears the IOTLB down (accesses go back to the memory table):
 * a bug on a kernel that keeps the IOTLB (iotlbTransitions 'keep-rings', 6.1), the rule on one that
 * does not (6.12, 7.2).
 */
export const iotlbOffWhenCleared: StackFactory = editingIotlb((op, o, _before, after) =>
  accepted(op, o) && (op.features & AP_BIT) === 0n ? null : after);

/** A MISS read back with perm 0 (the node's perm left unset). */
export const missPermDropped = (f: StackFactory): StackFactory => (profile: Profile): Stack => {
  const s = f(profile);
  return {
    apply(op: Op): Observation {
      const o = s.apply(op);
      if (op.kind !== 'IOTLB_READ' || o.kind !== 'read' || o.ret <= 0) return o;
      const body = o.bytes.slice(0, 8) === '02000000' ? V2_IOTLB_OFFSET : MSG_LAYOUT[profile.kernel.abi].v1IotlbOffset;
      const at = 2 * (body + 24);
      return o.bytes.length > at + 1 ? { ...o, bytes: `${o.bytes.slice(0, at)}00${o.bytes.slice(at + 2)}` } : o;
    },
  };
};

/**
 * A vhost-net/vsock model that forgets the MISS a failed vring start queues: the start still fails
 * with -EFAULT, but nothing waits for userspace (the crosvm story without its MISS).
 */
export function vringMissForgotten(createVhost: (p: Profile) => Part): (p: Profile) => Part {
  return (profile: Profile): Part => {
    const part = createVhost(profile);
    let forget = false;
    return {
      apply(op: Op): Observation {
        if (forget && op.kind === 'IOTLB_READ') { forget = false; return { kind: 'read', ret: -EAGAIN, bytes: '' }; }
        const o = part.apply(op);
        if (o.kind === 'vring' && o.miss !== null) { forget = true; return { ...o, miss: null }; }
        return o;
      },
    };
  };
}

/**
 * A vhost-vdpa model whose reset drops the parent's maps (as a parent with compat_reset does without
 * IOTLB_PERSIST): after SET_STATUS 0 every device access faults. The lab's VDUSE parent keeps them.
 */
export function vdpaResetDropsMaps(createVhost: (p: Profile) => Part): (p: Profile) => Part {
  return (profile: Profile): Part => {
    const part = createVhost(profile);
    let reset = false;
    return {
      apply(op: Op): Observation {
        const o = part.apply(op);
        if (op.kind === 'VDPA_SET_STATUS' && op.status === 0 && o.kind === 'ret' && o.ret === 0) reset = true;
        if (op.kind === 'VQ_ACCESS' && reset) return { kind: 'access', outcome: 'fault', errno: EFAULT };
        return o;
      },
    };
  };
}

/**
 * A SET ioctl that keeps the part of its word the matching GET offers and takes it, where the
 * kernel refuses the whole ioctl (-EOPNOTSUPP): what vhost-vdpa's parent does with SET_FEATURES,
 * on a device where it is a bug.
 */
function keepingOffered(get: 'GET_FEATURES' | 'GET_BACKEND_FEATURES', set: 'SET_FEATURES' | 'SET_BACKEND_FEATURES') {
  return (f: StackFactory): StackFactory => (profile: Profile): Stack => {
    const s = f(profile);
    return {
      apply(op: Op): Observation {
        if (op.kind !== set) return s.apply(op);
        const offer = s.apply({ kind: get });
        return s.apply(offer.kind === 'value' ? { ...op, features: op.features & offer.value } : op);
      },
    };
  };
}

/** net/vsock's VHOST_SET_FEATURES dropping unoffered bits instead of refusing them. */
export const unofferedFeaturesKept = keepingOffered('GET_FEATURES', 'SET_FEATURES');
/** VHOST_SET_BACKEND_FEATURES dropping unknown bits instead of refusing them. */
export const unknownBackendKept = keepingOffered('GET_BACKEND_FEATURES', 'SET_BACKEND_FEATURES');

/** vhost_chr_write_iter skipping the v2 asid word even with VHOST_BACKEND_F_IOTLB_ASID acked: every write is for AS 0. */
export const asidNotRead = (f: StackFactory): StackFactory => rewriting(f, op =>
  op.kind === 'IOTLB_WRITE' && op.msg.asid !== 0 ? { ...op, msg: { ...op.msg, asid: 0 } } : op);

/** vhost-vdpa taking a VHOST_SET_FEATURES after FEATURES_OK (no -EBUSY): a reset for the call, its status set back after it (the reset's other effects included). */
export const featuresAfterFeaturesOk = (f: StackFactory): StackFactory => (profile: Profile): Stack => {
  const s = f(profile);
  return {
    apply(op: Op): Observation {
      if (op.kind !== 'SET_FEATURES' || profile.kernel.device !== 'vhost-vdpa') return s.apply(op);
      const st = s.apply({ kind: 'VDPA_GET_STATUS' });
      if (st.kind !== 'value' || (st.value & BigInt(VIRTIO_CONFIG_S_FEATURES_OK)) === 0n) return s.apply(op);
      // a reset (0) clears FEATURES_OK for the call; the status comes back after it
      s.apply({ kind: 'VDPA_SET_STATUS', status: 0 });
      const o = s.apply(op);
      s.apply({ kind: 'VDPA_SET_STATUS', status: Number(st.value) });
      return o;
    },
  };
};

/** vhost-vdpa taking a VHOST_VDPA_SET_STATUS that clears bits without a reset: a reset first, then the status written. */
export const statusBitsCleared = (f: StackFactory): StackFactory => (profile: Profile): Stack => {
  const s = f(profile);
  return {
    apply(op: Op): Observation {
      if (op.kind !== 'VDPA_SET_STATUS' || op.status === 0 || profile.kernel.device !== 'vhost-vdpa') return s.apply(op);
      const st = s.apply({ kind: 'VDPA_GET_STATUS' });
      if (st.kind === 'value' && (st.value & ~BigInt(op.status & 0xff)) !== 0n) s.apply({ kind: 'VDPA_SET_STATUS', status: 0 });
      return s.apply(op);
    },
  };
};

/** A guest core that skips virtio_features_ok's restricted-memory check: the stack runs as if memory were not restricted. */
export const restrictedMemoryUnchecked = (f: StackFactory): StackFactory => (profile: Profile): Stack =>
  f({ ...profile, guest: { ...profile.guest, restrictedMemory: false } });

/** Rewrites what each op observes (a rule broken where only its answer shows); a snapshotting stack stays one, so explore can drive the plant too. */
const rewritingAnswers = (edit: (op: Op, o: Observation) => Observation) => <S extends Stack>(f: (p: Profile) => S) =>
  (profile: Profile): S => {
    const s = f(profile);
    return { ...s, apply: (op: Op): Observation => edit(op, s.apply(op)) };
  };

/** Rewrites what each vring op observes. */
const rewritingVring = (edit: (op: Op, o: Extract<Observation, { kind: 'vring' }>) => Observation) =>
  rewritingAnswers((op, o) => (o.kind === 'vring' ? edit(op, o) : o));

/** A vring start that skips vhost_vq_init_access (no access of the used ring): every -EFAULT it gave is a success. */
export const ringAccessUnchecked = rewritingVring((_op, o) => (o.ret === -EFAULT ? { kind: 'vring', ret: 0, miss: null } : o));
/** A vsock start that kicks no worker: no vq_meta_prefetch, so no MISS for the RX vq's unmapped rings. */
export const prefetchSkipped = rewritingVring((_op, o) => (o.ret === 0 ? { ...o, miss: null } : o));
/** vhost_net_set_backend without get_socket's check: any fd is taken as a backend. */
export const notSocketTaken = rewritingVring((op, o) => (op.kind === 'NET_SET_BACKEND' && o.ret === -ENOTSOCK ? { ...o, ret: 0 } : o));

/** A device ioctl path that returns its errno positive (`return EFAULT;` for `return -EFAULT;`): every refused ioctl reads as a success with a value no ioctl has. */
export const errnoPositive = rewritingAnswers((op, o) =>
  (answerOf(op, o) === 'refusal' && 'ret' in o && !BYTE_COUNTED_OPS.has(op.kind) ? { ...o, ret: -o.ret } : o));

/** GET_FEATURES that no longer offers VERSION_1 (SET_FEATURES still takes it): an offer that shrank. */
export const versionOneHidden = rewritingAnswers((op, o) =>
  (op.kind === 'GET_FEATURES' && o.kind === 'value' ? { ...o, value: o.value & ~bit(VIRTIO_F_VERSION_1) } : o));
