// Replays iotlb-msg-kernel-vectors.jsonl (the kernel's vhost_chr_write_iter,
// vhost_process_iotlb_msg, umem_access_ok, vhost_iotlb_miss and translate_desc on x86-64
// layouts) on a generic vhost device: the model's or the implementation's, through its ops.

import type { Observation } from '../types/observation.ts';
import type { Op } from '../types/ops.ts';
import type { Profile } from '../types/profile.ts';
import type { VhostPart } from '../types/stack.ts';
import * as U from '../types/uapi.ts';
import { upstreamProfile } from '../generators/profiles.ts';
import { expectedMaps, expectedTranslate, mapJson, translateJson } from './iotlbVectors.ts';
import { hex, mergeReports, type ReplayReport, TraceChecker, u64Of, type VectorTrace, VectorFileError } from './vectors.ts';

export type MsgVectorOp = { readonly op: string } & Readonly<Record<string, unknown>>;

/**
 * The kernel the vectors ran: vhost-net on x86-64 layouts, mainline rules (size-0 UPDATE only
 * refused, ca50ec377c2e), device IOTLB of 2048 entries with retirement, and access_ok() taken as
 * always true (the vectors' README), which is s390's rule.
 */
export const MSG_VECTOR_PROFILE: Profile = {
  ...upstreamProfile,
  kernel: {
    ...upstreamProfile.kernel, device: 'vhost-net', iotlbEnable: 'access-platform', sizeZero: 'reject-update',
    maxIotlbEntries: 2048, abi: 'lp64', accessOk: 'alternate-address-space',
  },
};

const AP = 1n << BigInt(U.VIRTIO_F_ACCESS_PLATFORM);

/** The answer a translate got, in the vectors' shape, and the bytes of the MISS it queued. */
function translated(dev: VhostPart, o: Observation): { result: unknown; missMsg: string | null } {
  if (o.kind !== 'access') return { result: { unexpected: o.kind }, missMsg: null };
  if (o.outcome === 'ok') return { result: translateJson({ ok: o.segments }), missMsg: null };
  if (o.outcome === 'fault') return { result: { errno: -o.errno }, missMsg: null };
  // the MISS vhost_iotlb_miss queued: read() it whole (struct vhost_msg(_v2): 72 bytes on x86-64)
  const r = dev.apply({ kind: 'IOTLB_READ', len: 72 });
  if (r.kind !== 'read' || r.ret <= 0) return { result: { miss: 'nothing queued' }, missMsg: null };
  // the iova sits at offset 8 in both v1 and v2 on x86-64
  const iova = BigInt(`0x${r.bytes.slice(16, 32).match(/../g)!.reverse().join('')}`);
  return { result: { miss: hex(iova) }, missMsg: r.bytes };
}

/**
 * A message-path trace as negcheck ops (the real-kernel lab runs them): backend_features is
 * SET_BACKEND_FEATURES, enable_iotlb SET_FEATURES with ACCESS_PLATFORM, write a raw write(), a
 * translate a device access of that many bytes; a table has no op (no ioctl lists the IOTLB).
 */
export function msgVectorOps(trace: VectorTrace<MsgVectorOp>): Op[] {
  const ops: Op[] = [];
  trace.ops.forEach((o, i) => {
    const where = `${trace.id} op ${i}`;
    switch (o.op) {
      case 'backend_features': ops.push({ kind: 'SET_BACKEND_FEATURES', features: u64Of(o['features'], `${where}.features`) }); break;
      case 'enable_iotlb': ops.push({ kind: 'SET_FEATURES', features: AP }); break;
      case 'write': ops.push({ kind: 'IOTLB_WRITE_RAW', bytes: String(o['bytes']).toLowerCase() }); break;
      case 'translate': ops.push({ kind: 'VQ_ACCESS', iova: u64Of(o['iova'], `${where}.iova`), len: Number(o['len']), access: Number(o['access']) }); break;
      case 'table': break;
      default: throw new VectorFileError(`${where}: unknown op ${JSON.stringify(o.op)}`);
    }
  });
  return ops;
}

export function replayMsgVectors(traces: readonly VectorTrace<MsgVectorOp>[], create: (p: Profile) => VhostPart): ReplayReport {
  const checkers: TraceChecker[] = [];
  for (const trace of traces) {
    const c = new TraceChecker(trace.id);
    checkers.push(c);
    const dev = create(MSG_VECTOR_PROFILE);
    let iotlbOn = false;
    for (let i = 0; i < trace.ops.length; i++) {
      const o = trace.ops[i]!;
      const where = `${trace.id} op ${i}`;
      const apply = (op: Op): Observation => dev.apply(op);
      switch (o.op) {
        case 'backend_features': {
          const f = u64Of(o['features'], `${where}.features`);
          // the generic path (VHOST_NET_BACKEND_FEATURES) knows only IOTLB_MSG_V2 and refuses the
          // rest with -EOPNOTSUPP; the one directed trace whose harness acked more anyway is
          // skipped from there on (README)
          if (f & ~(1n << BigInt(U.VHOST_BACKEND_F_IOTLB_MSG_V2))) { c.skipped += trace.ops.length - i; i = trace.ops.length; break; }
          const r = apply({ kind: 'SET_BACKEND_FEATURES', features: f });
          if (r.kind !== 'ret' || r.ret !== 0) throw new VectorFileError(`${where}: SET_BACKEND_FEATURES ${hex(f)} refused (${JSON.stringify(r)})`);
          break;
        }
        case 'enable_iotlb': {
          // vhost_init_device_iotlb, as SET_FEATURES with ACCESS_PLATFORM does it on vhost-net
          const r = apply({ kind: 'SET_FEATURES', features: AP });
          if (r.kind !== 'ret' || r.ret !== 0) throw new VectorFileError(`${where}: SET_FEATURES ACCESS_PLATFORM refused`);
          iotlbOn = true;
          break;
        }
        case 'write': {
          const bytes = String(o['bytes']).toLowerCase();
          const r = apply({ kind: 'IOTLB_WRITE_RAW', bytes });
          c.check(i, `write(${bytes.length / 2} bytes ${bytes.slice(0, 16)}...)`, o['ret'], r.kind === 'ret' ? r.ret : r);
          break;
        }
        case 'translate': {
          // before any device IOTLB the vectors ran on an empty memory table; this stack's maps
          // guest RAM (README: such a stack skips these)
          if (!iotlbOn) { c.skipped++; break; }
          const iova = u64Of(o['iova'], `${where}.iova`);
          const call = `translate(${hex(iova)}, ${String(o['len'])}, ${String(o['access'])})`;
          const got = translated(dev, apply({ kind: 'VQ_ACCESS', iova, len: Number(o['len']), access: Number(o['access']) }));
          c.check(i, call, expectedTranslate(o['result'], where), got.result);
          if (o['miss_msg'] !== undefined) c.check(i, `${call} read()`, String(o['miss_msg']).toLowerCase(), got.missMsg);
          break;
        }
        case 'table': {
          const t = dev.iotlbTable();
          c.check(i, 'table()', o['maps'] === null ? null : expectedMaps(o['maps'], where), t === null ? null : t.map(mapJson));
          break;
        }
        default: throw new VectorFileError(`${where}: unknown op ${JSON.stringify(o.op)}`);
      }
    }
  }
  return mergeReports(checkers);
}
