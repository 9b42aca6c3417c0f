// A C reproducer: one standalone file, libc and the kernel's uapi headers only. It is the lab
// agent's device code (lab/agent/vduse.c, vhost.c) and the reproducer runtime (repro.c), read from
// the lab at emit time, then a main that makes the trace's syscalls one by one, each with the
// model's answer to compare (repro/plan.ts).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { answerLine, harnessLayout, type KernelOp } from '../lab/protocol.ts';
import { AGENT_DIR, REPRO_SOURCES } from '../lab/setup.ts';
import { FEATURES_ARRAY_WORDS, NET_TAP_FD } from '../types/harness.ts';
import { userspaceWriteBytes } from '../types/iotlbWire.ts';
import { formatObservation, formatOp } from '../types/trace.ts';
import type { ReproPlan } from './plan.ts';

/** The guest CID a vsock reproducer gives its device (3 is the first a guest may have). */
const VSOCK_CID = 3;

const u64 = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16)}ULL`;

/** A C string literal of any text: printable ASCII as is, the rest (UTF-8 bytes) in octal. */
export function cString(s: string): string {
  let out = '"';
  for (const b of Buffer.from(s, 'utf8')) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f && b !== 0x3f) out += String.fromCharCode(b); // '?' kept out of trigraphs
    else out += `\\${b.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/** A comment's text, with nothing that ends it. */
const comment = (s: string): string => s.replace(/\*\//g, '* /').replace(/\/\*/g, '/ *');

/** One op as a call of lab/agent/vhost.h, writing its answer line to `o`. */
export function cCall(op: KernelOp, o: string): string {
  switch (op.kind) {
    case 'GET_FEATURES': return `op_get_features(${o}, VHOST_GET_FEATURES)`;
    case 'GET_BACKEND_FEATURES': return `op_get_features(${o}, VHOST_GET_BACKEND_FEATURES)`;
    case 'SET_FEATURES': return `op_set_features(${o}, VHOST_SET_FEATURES, ${u64(op.features)})`;
    case 'SET_BACKEND_FEATURES': return `op_set_features(${o}, VHOST_SET_BACKEND_FEATURES, ${u64(op.features)})`;
    case 'GET_FEATURES_ARRAY': {
      const words = Array.from({ length: FEATURES_ARRAY_WORDS }, () => u64(op.fill));
      return `op_features_array(${o}, VHOST_GET_FEATURES_ARRAY, ${u64(op.count)}, (const uint64_t[]){ ${words.join(', ')} })`;
    }
    case 'SET_FEATURES_ARRAY': {
      const words = Array.from({ length: FEATURES_ARRAY_WORDS }, (_, i) => u64(op.words[i] ?? 0n));
      return `op_features_array(${o}, VHOST_SET_FEATURES_ARRAY, ${u64(op.count)}, (const uint64_t[]){ ${words.join(', ')} })`;
    }
    case 'IOTLB_WRITE': case 'IOTLB_WRITE_RAW': {
      const bytes = [...userspaceWriteBytes(op)];
      return bytes.length === 0 ? `op_write(${o}, "", 0)`
        : `op_write(${o}, (const unsigned char[]){ ${bytes.map(b => `0x${b.toString(16).padStart(2, '0')}`).join(', ')} }, ${bytes.length})`;
    }
    case 'IOTLB_READ': return `op_read(${o}, ${op.len})`;
    case 'VDPA_SET_STATUS': return `op_vdpa_set_status(${o}, ${op.status >>> 0}u)`;
    case 'VDPA_GET_STATUS': return `op_vdpa_get_status(${o})`;
    case 'VSOCK_SET_RUNNING': return `op_vsock_set_running(${o}, ${op.start})`;
    case 'VQ_ACCESS': return `op_access(${o}, ${u64(op.iova)}, ${u64(BigInt(op.len))}, ${op.access}u)`;
    // the harness's fds: its tap, -1, and any other fd, which is not a socket (lab/protocol.ts opLine)
    case 'NET_SET_BACKEND': return `op_net_set_backend(${o}, ${op.index >>> 0}u, ${op.fd === -1 ? '-1' : op.fd === NET_TAP_FD ? 'lab_tap' : 'lab_devnull'})`;
  }
}

/** The lab's C files a reproducer carries, their local includes dropped (they are all in the one file). */
function librarySources(): string {
  return REPRO_SOURCES.map(f => {
    const text = readFileSync(join(AGENT_DIR, f), 'utf8').replace(/^#include "[^"]+"\n/gm, '').replace(/^#define _GNU_SOURCE\n/m, '');
    return `/* ==== lab/agent/${f} ==== */\n${text}`;
  }).join('\n');
}

/** The whole program. */
export function reproducerC(p: ReproPlan, command: string): string {
  const syscalls = p.steps.length;
  const lines: string[] = [];
  let lastFrom = -1;
  for (const s of p.steps) {
    if (s.from !== lastFrom) {
      const op = p.ops[s.from]!;
      const isVmm = op.kind === 'VMM_SET_FEATURES';
      lines.push('', `\t/* op ${s.from}: ${comment(formatOp(op))}${isVmm ? ' (the ioctls the VMM makes for it)' : ''}${s.from === p.violationOp ? `\n\t * the model's run violates ${p.property} here: ${comment(p.violationMessage)}` : ''} */`);
      lastFrom = s.from;
    }
    lines.push(`\t${cCall(s.op, 'step_begin()')};`);
    lines.push(`\tstep_end(${s.from}, ${cString(formatOp(s.op))}, ${cString(answerLine(s.op, s.model))}, ${cString(formatObservation(s.model))});`);
  }
  const l = harnessLayout();
  const ring = l.rings.map(r => `{ ${r.num}, ${u64(r.desc)}, ${u64(r.avail)}, ${u64(r.used)} }`);
  const header = `/*
 * negcheck reproducer: ${comment(p.file)}
 * ${comment(p.title)}
 *
 * ${p.property} (${comment(p.propertyTitle)}) is violated at trace op ${p.violationOp}:
 *   ${comment(p.violationMessage)}
 * The expected answers are the model's, with ${comment(p.expectation)}.
 *
 * What it does: opens ${p.device === 'vhost-vdpa' ? '/dev/vhost-vdpa-N of a VDUSE device it creates (vduse and vhost_vdpa loaded)' : `/dev/${p.device}`}, sets it up as negcheck's VMM
 * does (owner, guest RAM at 0x${l.ramHva.toString(16)} as one memory region, two vrings${p.device === 'vhost-vsock' ? `, guest CID ${VSOCK_CID}` : ''}), then makes the
 * trace's ${syscalls} syscall${syscalls === 1 ? '' : 's'}, printing each answer beside the model's.
 *
 * Exit status: ${p.shows === 'same'
    ? `1 the kernel shows the violation (it answered every syscall as the model did, and the
 * property is a function of those answers); 0 it does not (an answer differed: printed with
 * "<-- differs")`
    : `1 the kernel shows the difference this entry records (an answer differs from the
 * model's: printed with "<-- differs"); 0 it answers every syscall as the model does now`}; 2 it could not run here (the set-up failed).
 *
 * Build: gcc -O2 -o repro repro.c      (libc and the kernel's uapi headers only)
 * Run:   as root, on a kernel with the device: ./repro
 * Made by: ${comment(command)}
 */
#define _GNU_SOURCE
`;
  const main = `
/* ==== the trace ==== */
int main(void)
{
	lab_env = (struct lab_env){
		.ram_hva = ${u64(l.ramHva)}, .ram_size = ${u64(l.ramSize)},
		.fa_addr = ${u64(l.faAddr)}, .fa_words = ${l.faWords},
		.ring = { ${ring.join(',\n\t\t\t  ')} },
	};
	vduse_features(${u64(l.vdpaFeatures)}); /* the VDUSE parent offers what the model's vhost-vdpa parent does */
	repro_begin("/dev/${p.device}", ${VSOCK_CID});
${lines.join('\n')}

	return repro_end(${cString(p.property)}, ${p.violationOp}, ${p.shows === 'differs' ? 1 : 0});
}
`;
  return `${header}\n${librarySources()}${main}`;
}
