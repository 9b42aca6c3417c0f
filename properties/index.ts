// Every property negcheck runs, in the order the design lists them.

import { I1 } from './i1-features-shrink.ts';
import { I2 } from './i2-no-silent-iotlb.ts';
import { I3 } from './i3-endianness.ts';
import { I4 } from './i4-persistence.ts';
import { I5 } from './i5-known-bits.ts';
import { I6 } from './i6-iotlb-laws.ts';
import { I7 } from './i7-feature-views.ts';
import { P0 } from './p0-differential.ts';
import type { PropertyDef } from '../types/property.ts';

export const ALL_PROPERTIES: readonly PropertyDef[] = [P0, I1, I2, I3, I4, I5, I6, I7];

export function propertyById(id: string): PropertyDef | undefined {
  return ALL_PROPERTIES.find(p => p.id.toLowerCase() === id.toLowerCase());
}
