// The guest virtio part on its own as a Subject (model and impl): a Part has the Stack shape.

import { createVirtioImpl } from '../impl/virtio/index.ts';
import { createVirtioModel } from '../model/virtio/index.ts';
import type { Profile } from '../types/profile.ts';
import type { RunResult } from './run.ts';
import type { Subject } from '../types/property.ts';
import { describeGuestProfile, describeRun } from './report.ts';

export const virtioSubject = { model: createVirtioModel, impl: createVirtioImpl } as const satisfies Subject;

export function describeVirtioRun(r: RunResult, subject: Subject = virtioSubject): string {
  return describeRun(r, subject, (p: Profile) => describeGuestProfile(p.guest));
}
