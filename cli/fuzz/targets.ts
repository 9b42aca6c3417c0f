// What a fuzz run runs: properties, or the properties that judge a proposal (R included),
// resolved the same way in the main thread and in every worker.

import type fc from 'fast-check';
import type { Profile } from '../../types/profile.ts';
import { ALL_PROPERTIES, propertyById } from '../../properties/index.ts';
import type { PropertyDef } from '../../types/property.ts';
import type { Proposal } from '../../proposals/proposal.ts';
import type { PropertyId } from '../../properties/index.ts';
import { applicableProperties, propertyFor } from '../../proposals/prove.ts';
import { loadProposal } from '../../proposals/load.ts';
import { UsageError } from '../usage.ts';

/** Plain data, so it can cross to a worker. */
export interface TargetSpec {
  readonly property: string;
  /** a catalogue id or a proposal file */
  readonly proposal?: string;
}

export interface Target {
  readonly spec: TargetSpec;
  /** `P0`, or `<proposal id>/R` */
  readonly label: string;
  readonly def: PropertyDef;
  readonly profiles: fc.Arbitrary<Profile>;
  readonly proposal: Proposal | null;
}

export const targetLabel = (s: TargetSpec): string => (s.proposal ? `${s.proposal}/${s.property}` : s.property);

/** --property / --proposal filters as a list of targets, in a fixed order. */
export async function selectTargets(properties: readonly string[], proposals: readonly string[]): Promise<TargetSpec[]> {
  const wanted = properties.map(id => {
    if (id.toUpperCase() === 'R') return 'R';
    const p = propertyById(id);
    if (!p) throw new UsageError(`unknown property ${JSON.stringify(id)} (known: ${ALL_PROPERTIES.map(q => q.id).join(', ')}, R with --proposal)`);
    return p.id;
  });
  if (proposals.length === 0) {
    if (wanted.includes('R')) throw new UsageError('R judges a proposal against its baseline: give --proposal');
    return (wanted.length ? wanted : ALL_PROPERTIES.map(p => p.id)).map(property => ({ property }));
  }
  const out: TargetSpec[] = [];
  for (const ref of proposals) {
    const p = await loadProposal(ref);
    if (p.patch !== undefined) throw new UsageError(`${ref}: a patch proposal is judged by \`negcheck prove\` (fuzz runs the model at HEAD)`);
    const ids = applicableProperties(p).filter(id => wanted.length === 0 || wanted.includes(id));
    if (ids.length === 0) throw new UsageError(`${ref}: none of the selected properties judges this proposal`);
    for (const property of ids) out.push({ property, proposal: ref });
  }
  return out;
}

export async function resolveTarget(spec: TargetSpec): Promise<Target> {
  if (spec.proposal === undefined) {
    const def = propertyById(spec.property);
    if (!def) throw new UsageError(`unknown property ${spec.property}`);
    return { spec, label: targetLabel(spec), def, profiles: def.profiles, proposal: null };
  }
  const proposal = await loadProposal(spec.proposal);
  const { def, profiles } = propertyFor(proposal, spec.property as PropertyId);
  return { spec, label: `${proposal.id}/${spec.property}`, def, profiles, proposal };
}
