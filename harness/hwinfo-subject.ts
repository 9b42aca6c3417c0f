// The iommufd hw_info part on its own as a Subject (model and impl): a Part has the Stack shape.

import { createHwInfoImpl } from '../impl/hwinfo.ts';
import { createHwInfoModel } from '../model/hwinfo.ts';
import type { Profile } from '../types/profile.ts';
import type { RunResult } from './run.ts';
import type { Subject } from '../types/property.ts';
import { describeRun, describeSmmu } from './report.ts';

export const hwInfoSubject = { model: createHwInfoModel, impl: createHwInfoImpl } as const satisfies Subject;

export function describeHwInfoRun(r: RunResult, subject: Subject = hwInfoSubject): string {
  return describeRun(r, subject, (p: Profile) => [`kernel: hwInfo=${p.kernel.hwInfo}`, `vmm: idr=${p.vmm.idr}`, ...describeSmmu(p)]);
}
