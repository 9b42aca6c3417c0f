// A readable account of a property run: outcome, seed, the profile, the violation, and the
// counterexample trace as the model and the implementation each observe it.

import type { Profile } from '../types/profile.ts';
import type { GuestProfile } from '../types/policy.ts';
import { runScript } from '../types/stack.ts';
import { formatTrace, hex } from '../types/trace.ts';
import type { RunResult } from './run.ts';
import { sidesFor, type Subject } from '../types/property.ts';

export function describeKernel(p: Profile): string {
  const k = p.kernel;
  return `kernel: ${k.device} parent=${k.parent} iotlbEnable=${k.iotlbEnable} vsockAccessPlatform=${k.vsockAccessPlatform}` +
    ` sizeZero=${k.sizeZero} vdpaReset=${k.vdpaReset} maxIotlbEntries=${k.maxIotlbEntries} abi=${k.abi} accessOk=${k.accessOk} hwInfo=${k.hwInfo}`;
}

export function describeVmm(p: Profile): string {
  const v = p.vmm;
  return `vmm: features=${v.features} known=${hex(v.knownFeatures)} speaksIotlb=${v.speaksIotlb} msg=${v.iotlbMsgV2 ? 'v2' : `v1/${v.userAbi}`} idr=${v.idr}`;
}

export function describeGuestProfile(g: GuestProfile): string[] {
  return [
    `guest: ${g.endian} ${g.deviceType} ${g.transport} (${g.transitionalConfig}) flow=${g.probeFlow} validate=${g.blkValidate}` +
      ` restrictedMemory=${g.restrictedMemory} checksFeaturesOk=${g.checksFeaturesOk}`,
    `  offered=${hex(g.offered)} driverFeatures=${hex(g.driverFeatures)} deviceRequires=${hex(g.deviceRequires)}`,
    `  config: capacity=${hex(g.config.capacity)} blk_size=${hex(g.config.blkSize)} guest_cid=${hex(g.config.guestCid)}`,
  ];
}

export function describeSmmu(p: Profile): string[] {
  return [
    `smmu idr: ${p.smmu.idr.map(w => hex(w)).join(' ')}`,
    `  kernelIdrFields=[${p.kernel.kernelIdrFields.join(' ')}] vmm knownIdrFields=[${p.vmm.knownIdrFields.join(' ')}]`,
  ];
}

export function describeProfile(p: Profile): string[] {
  return [describeKernel(p), describeVmm(p), ...describeGuestProfile(p.guest), ...describeSmmu(p)];
}

/** Outcome and, for a violation, the profile, the violation and the trace on both sides. */
export function describeRun(r: RunResult, subject: Subject, profileLines: (p: Profile) => string[] = describeProfile): string {
  const lines = [`${r.property}: ${r.outcome} after ${r.runs} runs (seed ${r.seed})`];
  const cx = r.counterexample;
  if (cx === undefined) return lines.join('\n');
  lines.push(...profileLines(cx.profile), `violation at step ${cx.violation.step}: ${cx.violation.message}`);
  for (const [side, factory] of sidesFor(subject, cx.profile)) {
    lines.push(`${side}:`);
    try {
      lines.push(...formatTrace(cx.ops, runScript(factory(cx.profile), cx.ops)).map(l => '  ' + l));
    } catch (e) {
      lines.push(`  threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return lines.join('\n');
}
